package dev.scaleplane.adapters.grafana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.adapters.observability.Annotation;
import dev.scaleplane.api.adapters.observability.AnnotationQuery;
import dev.scaleplane.api.deployments.Application;
import dev.scaleplane.api.deployments.DeploymentPhase;
import dev.scaleplane.api.deployments.DeploymentRequest;
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
import dev.scaleplane.federation.kubernetes.testing.SimulatedWorkloads;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment annotates Grafana (the local simulation of its annotations API) when its first wave starts and, as a
 * span from start to end with the outcome, when it finishes, so dashboards show when each rollout happened.
 */
class GrafanaDeploymentAnnotationsTest {
    @TempDir
    Path dir;

    private FakeGrafana grafana;
    private SimulatedFleet sim;
    private ScaleplanePlatform platform;

    @AfterEach
    void stop() {
        if (platform != null) {
            platform.close();
        }
        if (sim != null) {
            sim.close();
        }
        if (grafana != null) {
            grafana.shutdown();
        }
    }

    @Test
    void aDeploymentIsAnnotatedAtItsStartAndAsASpanAtItsEnd() throws Exception {
        grafana = FakeGrafana.launch();
        sim = SimulatedFleet.builder()
                .cluster("ams-1")
                .controllerDelay(Duration.ofMillis(50))
                .start();
        Path kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
        String p = "scaleplane.adapters.grafana.";
        Map<String, String> config = new HashMap<>();
        config.put(p + "type", "grafana");
        config.put(p + "base-url", grafana.baseUrl());
        config.put(p + "auth.token", FakeGrafana.TOKEN);
        config.put(p + "org-id", "1");
        config.put("scaleplane.store.provider", "memory");
        config.put("scaleplane.deployments.tick", "50ms");
        config.put(KubernetesFleetConfig.PROBE_INTERVAL, "100ms");
        config.put(KubernetesFleetConfig.PROBE_TIMEOUT, "2s");
        platform = Scaleplane.builder().config(ScaleplaneProperties.of(config)).build();
        Fleet fleet = platform.federation();
        fleet.register(ClusterSpec.builder("ams-1")
                .region("amsterdam")
                .credentials(ClusterCredentials.kubeconfig(kubeconfig, "ams-1"))
                .build());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> fleet.snapshot().clusters().stream().allMatch(s -> s.health() == ClusterHealth.READY));
        platform.deployments()
                .define(Application.builder(
                                "web",
                                v -> List.of(SimulatedWorkloads.configMap("default", "web", Map.of("version", v))))
                        .annotations("grafana")
                        .build());
        Instant before = Instant.now().minusSeconds(1);

        platform.deployments().request(DeploymentRequest.of("web-1", "web", "1.0.0", "alice"));
        DeploymentStatus done = platform.deployments().whenFinished("web-1").get(60, TimeUnit.SECONDS);

        assertThat(done.phase()).isEqualTo(DeploymentPhase.COMPLETED);
        List<Annotation> annotations = platform
                .adapters()
                .observability("grafana")
                .annotations(new AnnotationQuery(
                        Set.of("application:web"), before, Instant.now().plusSeconds(1), 10))
                .stream()
                .sorted(Comparator.comparing(Annotation::text))
                .toList();
        assertThat(annotations).hasSize(2);
        Annotation start = annotations.get(0); // "Deploying" sorts before "Deployment"
        Annotation end = annotations.get(1);
        assertThat(start.text()).isEqualTo("Deploying web 1.0.0");
        assertThat(start.tags()).contains("deployment", "version:1.0.0", "outcome:started");
        assertThat(end.text()).isEqualTo("Deployment of web 1.0.0 completed");
        assertThat(end.tags()).contains("outcome:completed");
        assertThat(end.start()).isEqualTo(done.startedAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(end.end()).isEqualTo(done.finishedAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }
}
