package dev.scaleplane.adapters.grafana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.observability.Annotation;
import dev.scaleplane.api.adapters.observability.AnnotationQuery;
import dev.scaleplane.api.adapters.observability.DeploymentMarker;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's example as a user runs it: the provider found by ServiceLoader, selected by {@code type=grafana} and
 * validated when the platform is built, on the Grafana simulation.
 */
class GrafanaPlatformExampleTest {
    private static final String P = "scaleplane.adapters.grafana.";

    private FakeGrafana fake;

    @BeforeEach
    void start() {
        fake = FakeGrafana.launch();
    }

    @AfterEach
    void stop() {
        fake.shutdown();
    }

    @Test
    void theReadmeExampleMarksAndFindsADeploymentThroughThePlatform() {
        Map<String, String> config = Map.of(
                P + "type",
                "grafana",
                P + "base-url",
                fake.baseUrl(),
                P + "auth.token",
                FakeGrafana.TOKEN,
                P + "org-id",
                "1",
                P + "deployment-markers.dashboard-uid",
                FakeGrafana.DASHBOARD);
        try (ScaleplanePlatform platform =
                Scaleplane.builder().config(ScaleplaneProperties.of(config)).build()) {
            // README: begin
            ObservabilityAdapter grafana = platform.adapters().observability("grafana");
            grafana.markDeployment(
                    new DeploymentMarker("checkout", "1.4.2", "production", "ams-1", Instant.now(), Map.of()));
            List<Annotation> rollouts = grafana.annotations(new AnnotationQuery(
                    Set.of("deployment", "service:checkout"),
                    Instant.now().minus(Duration.ofDays(1)),
                    Instant.now(),
                    20));
            // README: end
            assertThat(grafana.system()).isEqualTo("grafana");
            assertThat(rollouts).singleElement().satisfies(a -> {
                assertThat(a.text()).isEqualTo("checkout 1.4.2 deployed to production/ams-1");
                assertThat(a.dashboard()).isEqualTo(FakeGrafana.DASHBOARD);
                assertThat(a.tags()).contains("version:1.4.2", "cluster:ams-1");
            });
        }
    }

    @Test
    void aBadInstanceFailsThePlatformBuildNamingItsKeys() {
        Map<String, String> config = Map.of(
                P + "type", "grafana",
                P + "auth.type", "basic",
                P + "deployment-markers.panel-id", "2");
        assertThatThrownBy(() -> Scaleplane.builder()
                        .config(ScaleplaneProperties.of(config))
                        .build()
                        .close())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .contains(
                                P + "base-url",
                                P + "auth.username",
                                P + "auth.token",
                                P + "deployment-markers.panel-id"));
    }
}
