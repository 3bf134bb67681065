package dev.scaleplane.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The fleet indicator against simulated clusters (fabric8 mock API servers on 127.0.0.1), with the fleet's probes
 * every 100 ms so health changes within the test.
 */
class FleetHealthTest {

    @TempDir
    static Path dir;

    private static SimulatedFleet simulation;
    private static Path kubeconfig;

    @BeforeAll
    static void startSimulation() {
        simulation = SimulatedFleet.builder().cluster("ams-1").start();
        kubeconfig = simulation.writeKubeconfig(dir.resolve("kubeconfig"));
    }

    @AfterAll
    static void stopSimulation() {
        if (simulation != null) {
            simulation.close();
        }
    }

    @Test
    void unknownWithoutClustersUpWhileOneIsReadyDownWhenNoneIs() {
        TestContexts.embedded()
                .withPropertyValues(
                        "scaleplane.federation.provider=kubernetes",
                        "scaleplane.federation.kubernetes.probe-interval=100ms",
                        "scaleplane.federation.kubernetes.probe-timeout=500ms",
                        "scaleplane.federation.kubernetes.failure-threshold=2")
                .run(context -> {
                    HealthIndicator fleetHealth =
                            context.getBean("scaleplaneFleetHealthIndicator", HealthIndicator.class);
                    assertThat(fleetHealth.health().getStatus()).isEqualTo(Status.UNKNOWN);

                    context.getBean(Fleet.class)
                            .register(ClusterSpec.builder("ams-1")
                                    .region("amsterdam")
                                    .credentials(ClusterCredentials.kubeconfig(kubeconfig, "ams-1"))
                                    .build());
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> fleetHealth.health().getStatus().equals(Status.UP));
                    assertThat(fleetHealth.health().getDetails())
                            .containsEntry("ready", 1L)
                            .containsEntry("total", 1)
                            .extractingByKey("clusters")
                            .asString()
                            .contains("ams-1=READY");

                    simulation.cluster("ams-1").partition();
                    try {
                        await().atMost(Duration.ofSeconds(20))
                                .until(() -> fleetHealth.health().getStatus().equals(Status.DOWN));
                        assertThat(fleetHealth.health().getDetails()).containsEntry("ready", 0L);
                    } finally {
                        simulation.cluster("ams-1").heal();
                    }
                });
    }
}
