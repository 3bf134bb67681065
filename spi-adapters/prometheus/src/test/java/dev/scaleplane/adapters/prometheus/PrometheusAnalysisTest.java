package dev.scaleplane.adapters.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.deployments.Application;
import dev.scaleplane.api.deployments.ClusterRolloutState;
import dev.scaleplane.api.deployments.DeploymentPhase;
import dev.scaleplane.api.deployments.DeploymentRequest;
import dev.scaleplane.api.deployments.DeploymentStatus;
import dev.scaleplane.api.deployments.Deployments;
import dev.scaleplane.api.deployments.RolloutStrategy;
import dev.scaleplane.api.deployments.analysis.AnalysisSpec;
import dev.scaleplane.api.deployments.analysis.MetricCheck;
import dev.scaleplane.api.deployments.analysis.MetricSource;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.federation.kubernetes.KubernetesFleetConfig;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import dev.scaleplane.federation.kubernetes.testing.SimulatedWorkloads;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Analysis between waves with PromQL on a real Prometheus (started by {@link PrometheusServers}): the services' error
 * ratios are remote-written, a service above the threshold fails its canary's analysis and is rolled back, one below
 * it rolls out everywhere; every measurement is recorded in the deployment's stream.
 */
class PrometheusAnalysisTest {
    @TempDir
    Path dir;

    @Test
    void anErrorRatioAboveTheThresholdRollsTheCanaryBackAndOneBelowItPromotes() throws Exception {
        PrometheusServers servers = PrometheusServers.start();
        String run = UUID.randomUUID().toString();
        Instant now = Instant.now();
        List<RemoteWrite.TimeSeries> series = new ArrayList<>();
        for (Map.Entry<String, Double> e : Map.of("web", 0.2, "api", 0.01).entrySet()) {
            List<Map.Entry<Instant, Double>> samples = new ArrayList<>();
            for (int s = 120; s >= 0; s -= 15) {
                samples.add(Map.entry(now.minusSeconds(s), e.getValue()));
            }
            series.add(new RemoteWrite.TimeSeries(
                    Map.of("__name__", "http_error_ratio", "service", e.getKey(), "run", run), samples));
        }
        RemoteWrite.write(servers.prometheusUrl(), series);

        try (SimulatedFleet sim = SimulatedFleet.builder()
                .cluster("ams-1")
                .cluster("par-1")
                .controllerDelay(Duration.ofMillis(50))
                .start()) {
            Path kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
            Map<String, String> config = new HashMap<>();
            config.put("scaleplane.adapters.prometheus.type", "prometheus");
            config.put("scaleplane.adapters.prometheus.base-url", servers.prometheusUrl());
            config.put("scaleplane.adapters.prometheus.pushgateway-url", servers.pushgatewayUrl());
            config.put("scaleplane.store.provider", "memory");
            config.put("scaleplane.deployments.tick", "50ms");
            config.put(KubernetesFleetConfig.PROBE_INTERVAL, "100ms");
            config.put(KubernetesFleetConfig.PROBE_TIMEOUT, "2s");
            try (ScaleplanePlatform platform =
                    Scaleplane.builder().config(ScaleplaneProperties.of(config)).build()) {
                Fleet fleet = platform.federation();
                for (String c : List.of("ams-1", "par-1")) {
                    fleet.register(ClusterSpec.builder(c)
                            .region(c.substring(0, 3))
                            .credentials(ClusterCredentials.kubeconfig(kubeconfig, c))
                            .build());
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> fleet.snapshot().clusters().stream()
                        .allMatch(s -> s.health() == ClusterHealth.READY));
                AnalysisSpec errors = AnalysisSpec.of(MetricCheck.builder("error-ratio")
                        .source(MetricSource.query(
                                "prometheus", "max(http_error_ratio{service=\"{{service}}\",run=\"" + run + "\"})"))
                        .successCondition("result <= 0.05")
                        .interval(Duration.ofMillis(200))
                        .count(3)
                        .build());
                Deployments deployments = platform.deployments();
                for (String service : List.of("web", "api")) {
                    deployments.define(Application.builder(
                                    service,
                                    v -> List.of(
                                            SimulatedWorkloads.configMap("default", service, Map.of("version", v))))
                            .placement(PlacementPolicy.builder()
                                    .clusters("ams-1", "par-1")
                                    .build())
                            .rollout(RolloutStrategy.builder()
                                    .canaryClusters("ams-1")
                                    .analysis(errors)
                                    .build())
                            .build());
                }

                deployments.request(DeploymentRequest.of("web-1", "web", "1.0.0", "alice"));
                deployments.request(DeploymentRequest.of("api-1", "api", "1.0.0", "alice"));
                DeploymentStatus web = deployments.whenFinished("web-1").get(60, TimeUnit.SECONDS);
                DeploymentStatus api = deployments.whenFinished("api-1").get(60, TimeUnit.SECONDS);

                assertThat(web.phase()).isEqualTo(DeploymentPhase.FAILED);
                assertThat(web.reason()).startsWith("analysis after wave 0 FAILED");
                assertThat(web.clusters())
                        .extracting(c -> c.state())
                        .containsExactly(ClusterRolloutState.ROLLED_BACK, ClusterRolloutState.PENDING);
                assertThat(measurements(platform, "web-1")).containsExactly(0.2);

                assertThat(api.phase()).isEqualTo(DeploymentPhase.COMPLETED);
                assertThat(measurements(platform, "api-1")).containsExactly(0.01, 0.01, 0.01);
            }
        }
    }

    private static List<Double> measurements(ScaleplanePlatform platform, String id) {
        List<Double> values = new ArrayList<>();
        for (RecordedEvent r : platform.store().readStream(Deployments.stream(id), ReadDirection.FORWARD, 0, 1000)) {
            if (r.event().type().endsWith(".analysis-measurement")) {
                values.add(((Number) ((Map<?, ?>) r.event().data()).get("value")).doubleValue());
            }
        }
        return values;
    }
}
