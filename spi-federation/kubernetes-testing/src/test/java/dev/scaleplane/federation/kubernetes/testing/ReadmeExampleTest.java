package dev.scaleplane.federation.kubernetes.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** The usage example of the module's README, kept here so that it compiles and runs. */
class ReadmeExampleTest {

    @Test
    void readme_example() {
        // README: begin
        try (SimulatedFleet fleet = SimulatedFleet.builder()
                .cluster("ams-1", c -> c.nodes(3)
                        .nodeCapacity("8", "32Gi", 110)
                        .labels(Map.of("topology.kubernetes.io/region", "eu-west")))
                .cluster("par-1", c -> c.nodes(2))
                .controllerDelay(Duration.ofMillis(200))
                .start()) {
            SimulatedCluster ams = fleet.cluster("ams-1");

            // Hand the code under test a kubeconfig or a fabric8 Config, as for a real cluster.
            Config config = ams.config();
            String kubeconfig = ams.kubeconfig();

            // Assert with the cluster's own client (no retries, so faults show as they happen).
            KubernetesClient client = ams.client();
            client.resource(Workloads.deployment("web", "nginx:1.27", 2)).create();
            Deployment web = await().until(
                            () -> client.apps()
                                    .deployments()
                                    .inNamespace("default")
                                    .withName("web")
                                    .get(),
                            d -> d.getStatus() != null
                                    && Objects.equals(
                                            d.getStatus().getObservedGeneration(),
                                            d.getMetadata().getGeneration()));

            // Faults, at runtime, per cluster.
            fleet.cluster("par-1").partition(); // connection refused
            fleet.cluster("par-1").heal(); // same port, same objects
            ams.latency(Duration.ofMillis(100)); // every answer 100 ms later
            ams.errorRatio(0.2, 429); // 20 % of requests get 429 + Retry-After: 1
            ams.clearFaults();
            // README: end

            assertThat(config.getMasterUrl()).startsWith(ams.url());
            assertThat(kubeconfig).contains(ams.url());
            assertThat(web.getStatus().getReadyReplicas()).isEqualTo(2);
        }
    }
}
