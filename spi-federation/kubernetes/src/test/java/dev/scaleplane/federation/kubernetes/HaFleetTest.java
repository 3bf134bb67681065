package dev.scaleplane.federation.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.federation.kubernetes.internal.KubernetesFleet;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two fleets with HA on, as two replicas would run them: each cluster is probed by one, both answer reads about
 * every cluster, the tenants' quota watch runs where the cluster is owned, and the replica left takes over all.
 */
class HaFleetTest {
    private static final List<String> CLUSTERS = List.of("c-0", "c-1", "c-2", "c-3", "c-4", "c-5");

    @TempDir
    Path dir;

    private SimulatedFleet sim;
    private final Map<String, ScaleplanePlatform> platforms = new HashMap<>();

    @AfterEach
    void stop() {
        platforms.values().forEach(ScaleplanePlatform::close);
        if (sim != null) {
            sim.close();
        }
    }

    private Fleet replica(String identity, Path kubeconfig) {
        Map<String, String> config = new HashMap<>(HaReplicaProcess.TIMINGS);
        config.put("scaleplane.store.provider", "memory");
        config.put(FleetHaConfig.ENABLED, "true");
        config.put(FleetHaConfig.CONTEXT, "mgmt");
        config.put(FleetHaConfig.KUBECONFIG, kubeconfig.toString());
        config.put(FleetHaConfig.IDENTITY, identity);
        ScaleplanePlatform p = FastFleetPlatforms.start(config);
        platforms.put(identity, p);
        Fleet fleet = p.federation();
        for (String c : CLUSTERS) {
            fleet.register(ClusterSpec.builder(c)
                    .region("r")
                    .credentials(ClusterCredentials.kubeconfig(kubeconfig, c))
                    .build());
        }
        return fleet;
    }

    @Test
    void eachClusterIsWorkedByOneReplicaAndBothAnswerReads() {
        SimulatedFleet.Builder b = SimulatedFleet.builder().cluster("mgmt");
        CLUSTERS.forEach(b::cluster);
        sim = b.start();
        Path kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
        KubernetesFleet a = (KubernetesFleet) replica("replica-a", kubeconfig);
        KubernetesFleet c = (KubernetesFleet) replica("replica-b", kubeconfig);
        FleetOwnership oa = FleetOwnership.of(a).orElseThrow();
        FleetOwnership ob = FleetOwnership.of(c).orElseThrow();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> oa.members().size() == 2
                        && ob.members().size() == 2
                        && oa.owned().size() + ob.owned().size() == CLUSTERS.size()
                        && !oa.owned().isEmpty()
                        && !ob.owned().isEmpty());
        Set<String> both = new HashSet<>(oa.owned());
        both.retainAll(ob.owned());
        assertThat(both).isEmpty();

        // Reads: both replicas see every cluster Ready, the non-owner through the health its owner shares.
        for (Fleet f : List.of(a, c)) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> f.snapshot().clusters().stream().allMatch(s -> s.health() == ClusterHealth.READY));
        }
        // The quota watch of the tenants follows the ownership.
        assertThat(a.tenants().quotaWatch().watched()).isEqualTo(oa.owned());
        assertThat(c.tenants().quotaWatch().watched()).isEqualTo(ob.owned());

        List<String> ofA = new ArrayList<>(oa.owned());
        platforms.remove("replica-a").close();
        await().atMost(Duration.ofSeconds(30)).until(() -> ob.owned().size() == CLUSTERS.size());
        assertThat(c.tenants().quotaWatch().watched()).containsAll(ofA).hasSize(CLUSTERS.size());
        assertThat(ob.owners().values()).containsOnly("replica-b");
        assertThat(ob.leader()).isTrue();
    }
}
