package dev.scaleplane.adapters.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.observability.DeploymentMarker;
import dev.scaleplane.api.adapters.observability.MetricPoint;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.Sample;
import dev.scaleplane.api.adapters.observability.Series;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's example as a user runs it, on the real Prometheus and Pushgateway of {@link PrometheusServers}: the
 * provider found by ServiceLoader, selected by {@code type=prometheus} and validated when the platform is built.
 */
class PrometheusPlatformExampleTest {
    private static final String P = "scaleplane.adapters.prometheus.";
    private static PrometheusServers servers;

    @BeforeAll
    static void start() {
        servers = PrometheusServers.start();
    }

    @Test
    void theReadmeExamplePushesMarksAndQueriesThroughThePlatform() {
        Map<String, String> config = Map.of(
                P + "type", "prometheus",
                P + "base-url", servers.prometheusUrl(),
                P + "pushgateway-url", servers.pushgatewayUrl());
        try (ScaleplanePlatform platform =
                Scaleplane.builder().config(ScaleplaneProperties.of(config)).build()) {
            // README: begin
            ObservabilityAdapter prom = platform.adapters().observability("prometheus");
            prom.push(List.of(MetricPoint.counter("checkout_deploys_total", 7, Map.of("result", "ok"))));
            prom.markDeployment(new DeploymentMarker(
                    "checkout", "1.4.2", "production", "ams-1", Instant.now(), Map.of("wave", "canary")));
            // README: end
            // A push is visible after Prometheus' next scrape of the Pushgateway.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(15))
                    .until(() ->
                            !prom.query("checkout_deploys_total", Instant.now()).isEmpty()
                                    && !prom.query(
                                                    "scaleplane_deployment_timestamp_seconds{service=\"checkout\"}",
                                                    Instant.now())
                                            .isEmpty());
            // README: begin
            List<Sample> deploys = prom.query("sum(checkout_deploys_total)", Instant.now());
            List<Series> rollouts = prom.queryRange(
                    "scaleplane_deployment_timestamp_seconds{service=\"checkout\"}",
                    Instant.now().minus(Duration.ofHours(1)),
                    Instant.now(),
                    Duration.ofMinutes(1));
            // README: end
            assertThat(prom.system()).isEqualTo("prometheus");
            assertThat(deploys).singleElement().satisfies(s -> assertThat(s.value())
                    .isEqualTo(7));
            assertThat(rollouts).singleElement().satisfies(s -> assertThat(s.labels())
                    .containsEntry("version", "1.4.2")
                    .containsEntry("wave", "canary"));
        }
    }

    @Test
    void aBadInstanceFailsThePlatformBuildNamingItsKeys() {
        Map<String, String> config = Map.of(
                P + "type", "prometheus",
                P + "auth.type", "bearer",
                P + "grouping.__meta", "x");
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(config))
                        .build()
                        .close())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .contains(P + "base-url", P + "auth.token", P + "grouping.__meta"));
    }
}
