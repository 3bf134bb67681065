package dev.scaleplane.federation.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.deployments.ClusterRolloutState;
import dev.scaleplane.api.deployments.DeploymentPhase;
import dev.scaleplane.api.deployments.DeploymentStatus;
import dev.scaleplane.api.deployments.Deployments;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment controller killed with SIGKILL in the middle of a rollout resumes in a new process from the last step
 * its stream records: every cluster is applied exactly once, none is skipped, the waves keep their order. The
 * simulated clusters live in this JVM, so they outlive the control plane as real clusters would.
 */
class DeploymentKillTest {
    private static final int CLUSTERS = 6;

    @TempDir
    Path dir;

    private SimulatedFleet sim;
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void stop() {
        children.forEach(Process::destroyForcibly);
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void aControlPlaneKilledMidRolloutResumesWithNoClusterAppliedTwiceAndNoneSkipped() throws Exception {
        SimulatedFleet.Builder b = SimulatedFleet.builder().controllerDelay(Duration.ofMillis(50));
        for (int i = 0; i < CLUSTERS; i++) {
            b.cluster(DeploymentControllerProcess.cluster(i));
        }
        sim = b.start();
        Path kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
        Path store = dir.resolve("store");

        Process first = start(kubeconfig, store, "request", "first");
        // Mid-rollout: two clusters run web and the others do not yet.
        try {
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> deployed() >= 2 || !first.isAlive());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no two clusters deployed; log: " + log("first"), e);
        }
        assertThat(first.isAlive())
                .as("the first controller runs; log: %s", log("first"))
                .isTrue();
        first.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int atKill = deployed();
        assertThat(atKill).as("killed mid-rollout").isBetween(2, CLUSTERS - 1);

        Process second = start(kubeconfig, store, "resume", "second");
        assertThat(second.waitFor(180, TimeUnit.SECONDS))
                .as("the resumed controller finishes; log: %s", log("second"))
                .isTrue();
        assertThat(second.exitValue()).as("log: %s", log("second")).isZero();
        assertThat(Files.readString(dir.resolve("second.out"))).contains("FINISHED COMPLETED");
        assertThat(log("second")).contains("resumed 1 unfinished deployments");

        for (int i = 0; i < CLUSTERS; i++) {
            Deployment d = sim.cluster(DeploymentControllerProcess.cluster(i))
                    .client()
                    .apps()
                    .deployments()
                    .inNamespace("default")
                    .withName("web")
                    .get();
            assertThat(d)
                    .as("web on %s", DeploymentControllerProcess.cluster(i))
                    .isNotNull();
            assertThat(d.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImage())
                    .isEqualTo("registry.example/web:2.0.0");
            // Written once: a second apply of other content would have raised the generation.
            assertThat(d.getMetadata().getGeneration()).isEqualTo(1L);
        }

        Map<String, String> config = new HashMap<>(DeploymentControllerProcess.storeSettings(store));
        try (ScaleplanePlatform platform =
                Scaleplane.builder().config(ScaleplaneProperties.of(config)).build()) {
            List<String> steps = new ArrayList<>();
            Map<String, Integer> applying = new HashMap<>();
            Map<String, Integer> applied = new HashMap<>();
            for (RecordedEvent r : platform.store()
                    .readStream(
                            Deployments.stream(DeploymentControllerProcess.DEPLOYMENT),
                            ReadDirection.FORWARD,
                            0,
                            10_000)) {
                String kind = r.event().type().substring(r.event().type().lastIndexOf('.') + 1);
                Map<?, ?> data = (Map<?, ?>) r.event().data();
                Object cluster = data.get("cluster");
                steps.add(kind + (cluster == null ? "" : " " + cluster));
                if (kind.equals("cluster-applying")) {
                    applying.merge(String.valueOf(cluster), 1, Integer::sum);
                }
                if (kind.equals("cluster-applied")) {
                    applied.merge(String.valueOf(cluster), 1, Integer::sum);
                }
            }
            assertThat(steps).as("steps").filteredOn(s -> s.equals("requested")).hasSize(1);
            assertThat(steps).last().isIn("completed", "notified");
            for (int i = 0; i < CLUSTERS; i++) {
                String c = DeploymentControllerProcess.cluster(i);
                assertThat(applying.get(c))
                        .as("applying recorded once on %s; steps %s", c, steps)
                        .isEqualTo(1);
                assertThat(applied.get(c))
                        .as("applied recorded once on %s; steps %s", c, steps)
                        .isEqualTo(1);
            }
            // Waves in order: each cluster's apply comes after the previous wave's readiness.
            List<String> order = steps.stream()
                    .filter(s -> s.startsWith("cluster-applying ") || s.startsWith("cluster-ready "))
                    .toList();
            for (int i = 0; i + 1 < order.size(); i += 2) {
                String c = order.get(i).substring("cluster-applying ".length());
                assertThat(order.get(i)).startsWith("cluster-applying ");
                assertThat(order.get(i + 1)).as("steps %s", steps).isEqualTo("cluster-ready " + c);
            }
            DeploymentStatus status = platform.deployments()
                    .status(DeploymentControllerProcess.DEPLOYMENT)
                    .orElseThrow();
            assertThat(status.phase()).isEqualTo(DeploymentPhase.COMPLETED);
            assertThat(status.clusters()).hasSize(CLUSTERS).allSatisfy(c -> assertThat(c.state())
                    .isEqualTo(ClusterRolloutState.READY));
        }
    }

    private int deployed() {
        int n = 0;
        for (int i = 0; i < CLUSTERS; i++) {
            if (sim.cluster(DeploymentControllerProcess.cluster(i))
                            .client()
                            .apps()
                            .deployments()
                            .inNamespace("default")
                            .withName("web")
                            .get()
                    != null) {
                n++;
            }
        }
        return n;
    }

    private String log(String name) throws Exception {
        Path err = dir.resolve(name + ".err");
        return Files.exists(err) ? Files.readString(err) : "";
    }

    private Process start(Path kubeconfig, Path store, String mode, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        DeploymentControllerProcess.class.getName(),
                        kubeconfig.toString(),
                        store.toString(),
                        String.valueOf(CLUSTERS),
                        mode)
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
        children.add(p);
        return p;
    }
}
