package dev.scaleplane.federation.kubernetes;

import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.federation.kubernetes.testing.SimulatedCluster;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import dev.scaleplane.tck.FederationCompatibilityKit;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes fleet passes the federation TCK on a simulated fleet: four fabric8 mock API servers in CRUD mode
 * with a simulated controller, reached through kubeconfig contexts, and a platform per test on the in-memory bus and
 * task queue with a file-log event store (so that a restart finds its registry).
 */
class KubernetesFleetCompatibilityTest extends FederationCompatibilityKit {
    private static SimulatedFleet sim;
    private static Path kubeconfig;

    @TempDir
    static Path dir;

    private final Map<Fleet, ScaleplanePlatform> platforms = new IdentityHashMap<>();
    private Path store;

    @BeforeAll
    static void startSimulation() {
        sim = SimulatedFleet.builder()
                .cluster("ams-1")
                .cluster("par-1")
                .cluster("waw-1")
                .cluster("nyc-1")
                .controllerDelay(Duration.ofMillis(50))
                .start();
        kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
    }

    @AfterAll
    static void stopSimulation() {
        if (sim != null) {
            sim.close();
        }
    }

    @Override
    protected Fleet startFleet() {
        try {
            store = Files.createTempDirectory(dir, "store");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return open();
    }

    private Fleet open() {
        ScaleplanePlatform platform = FastFleetPlatforms.start(
                Map.of("scaleplane.store.provider", "file", "scaleplane.store.file.directory", store.toString()));
        Fleet fleet = platform.federation();
        platforms.put(fleet, platform);
        return fleet;
    }

    @Override
    protected void stopFleet(Fleet fleet) {
        ScaleplanePlatform platform = platforms.remove(fleet);
        if (platform != null) {
            platform.close();
        }
    }

    @Override
    protected Fleet restartFleet(Fleet fleet) {
        stopFleet(fleet);
        return open();
    }

    @Override
    protected ClusterCredentials credentials(String cluster) {
        return ClusterCredentials.kubeconfig(kubeconfig, cluster);
    }

    @Override
    protected void partition(String cluster) {
        sim.cluster(cluster).partition();
    }

    @Override
    protected void heal(String cluster) {
        sim.cluster(cluster).heal();
    }

    private static GenericKubernetesResource resource(Manifest m) {
        return KubernetesManifests.toResource(m);
    }

    @Override
    protected @Nullable Map<String, Object> live(String cluster, Manifest object) {
        KubernetesClient client = sim.cluster(cluster).client();
        HasMetadata found = client.resource(resource(object)).get();
        return found == null ? null : KubernetesManifests.tree(found);
    }

    @Override
    protected void createForeign(String cluster, Manifest object) {
        sim.cluster(cluster).client().resource(resource(object)).create();
    }

    @Override
    protected void editLive(String cluster, Manifest object, UnaryOperator<Map<String, Object>> edit) {
        KubernetesClient client = sim.cluster(cluster).client();
        GenericKubernetesResource live = client.resource(resource(object)).get();
        Map<String, Object> edited = edit.apply(KubernetesManifests.tree(live));
        client.resource(KubernetesManifests.toResource(Manifest.of(edited))).update();
    }

    @Override
    protected void resetClusters() {
        for (SimulatedCluster c : sim.clusters()) {
            c.clearFaults();
            if (c.isPartitioned()) {
                c.heal();
            }
            c.client().apps().deployments().inNamespace("default").delete();
            c.client()
                    .configMaps()
                    .inNamespace("default")
                    .withLabel(PropagationRequest.PROPAGATION_LABEL)
                    .delete();
            c.client().configMaps().inNamespace("default").delete();
        }
    }

    @Override
    protected String failingImage() {
        return "nginx:" + SimulatedFleet.DEFAULT_FAIL_IMAGE_MARKER;
    }
}
