package dev.scaleplane.adapters.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.observability.AnnotationQuery;
import dev.scaleplane.api.adapters.observability.DeploymentMarker;
import dev.scaleplane.api.adapters.observability.MetricPoint;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.Sample;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's example as a user runs it: the provider found by ServiceLoader, selected by {@code type=datadog} and
 * validated when the platform is built, on the Datadog simulation (its URL given as {@code base-url}).
 */
class DatadogPlatformExampleTest {
    private static final String P = "scaleplane.adapters.datadog.";

    private FakeDatadog fake;

    @BeforeEach
    void start() {
        fake = FakeDatadog.launch();
    }

    @AfterEach
    void stop() {
        fake.shutdown();
    }

    @Test
    void theReadmeExamplePushesQueriesAndMarksThroughThePlatform() {
        Map<String, String> config = Map.of(
                P + "type",
                "datadog",
                P + "site",
                "datadoghq.eu",
                P + "base-url",
                fake.baseUrl(),
                P + "auth.api-key",
                FakeDatadog.API_KEY,
                P + "auth.application-key",
                FakeDatadog.APPLICATION_KEY);
        try (ScaleplanePlatform platform =
                Scaleplane.builder().config(ScaleplaneProperties.of(config)).build()) {
            // README: begin
            ObservabilityAdapter datadog = platform.adapters().observability("datadog");
            datadog.push(List.of(MetricPoint.gauge("deploy_queue_depth", 4, Map.of("env", "prod"))));
            List<Sample> depth = datadog.query("avg:deploy_queue_depth{env:prod}", Instant.now());
            datadog.markDeployment(
                    new DeploymentMarker("checkout", "1.4.2", "production", "ams-1", Instant.now(), Map.of()));
            // README: end
            assertThat(datadog.system()).isEqualTo("datadog");
            assertThat(depth).singleElement().satisfies(s -> {
                assertThat(s.value()).isEqualTo(4);
                assertThat(s.labels()).containsEntry("env", "prod");
            });
            assertThat(datadog.annotations(new AnnotationQuery(
                            Set.of("deployment", "service:checkout"),
                            Instant.now().minusSeconds(60),
                            Instant.now(),
                            5)))
                    .singleElement()
                    .satisfies(a -> assertThat(a.text()).isEqualTo("checkout 1.4.2 deployed to production/ams-1"));
        }
    }

    @Test
    void aBadInstanceFailsThePlatformBuildNamingItsKeys() {
        Map<String, String> config = Map.of(P + "type", "datadog", P + "site", "datadoghq.moon");
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(config))
                        .build()
                        .close())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .contains(P + "site", P + "auth.api-key", P + "auth.application-key"));
    }
}
