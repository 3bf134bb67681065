package dev.scaleplane.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.deployments.ClusterRollout;
import dev.scaleplane.api.deployments.DeploymentPhase;
import dev.scaleplane.api.deployments.DeploymentStatus;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.federation.kubernetes.KubernetesFleetConfig;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's deployment example on a simulated fleet of three EU clusters in two regions and one US cluster. */
class DeploymentExampleTest {
    @TempDir
    Path dir;

    @Test
    void theExampleRollsOutCanaryFirstThenARegionAtATimeInsideTheResidency() throws Exception {
        try (SimulatedFleet sim = SimulatedFleet.builder()
                        .cluster("ams-1")
                        .cluster("ams-2")
                        .cluster("par-1")
                        .cluster("nyc-1")
                        .controllerDelay(Duration.ofMillis(50))
                        .start();
                ScaleplanePlatform platform = Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of(
                                "scaleplane.store.provider",
                                "memory",
                                "scaleplane.deployments.tick",
                                "50ms",
                                KubernetesFleetConfig.PROBE_INTERVAL,
                                "100ms",
                                KubernetesFleetConfig.PROBE_TIMEOUT,
                                "2s")))
                        .build()) {
            Path kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
            Fleet fleet = platform.federation();
            Map<String, String> regions = Map.of("ams-1", "amsterdam", "ams-2", "amsterdam", "par-1", "paris");
            regions.forEach((c, region) -> fleet.register(ClusterSpec.builder(c)
                    .region(region)
                    .residency("EU")
                    .credentials(ClusterCredentials.kubeconfig(kubeconfig, c))
                    .build()));
            fleet.register(ClusterSpec.builder("nyc-1")
                    .region("new-york")
                    .residency("US")
                    .credentials(ClusterCredentials.kubeconfig(kubeconfig, "nyc-1"))
                    .build());
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> fleet.snapshot().clusters().stream().allMatch(c -> c.health() == ClusterHealth.READY));

            DeploymentStatus done = DeploymentExample.rollOutCheckout(platform, "1.4.2");

            assertThat(done.phase()).isEqualTo(DeploymentPhase.COMPLETED);
            assertThat(done.clusters())
                    .extracting(ClusterRollout::cluster)
                    .containsExactlyInAnyOrder("ams-1", "ams-2", "par-1");
            assertThat(done.waves()).isEqualTo(3); // the canary, the rest of its region, the other region
            assertThat(sim.cluster("par-1")
                            .client()
                            .apps()
                            .deployments()
                            .inNamespace("shop")
                            .withName("checkout")
                            .get()
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImage())
                    .isEqualTo("registry.example/checkout:1.4.2");
        }
    }
}
