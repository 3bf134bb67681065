package dev.scaleplane.api.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.adapters.observability.Annotation;
import dev.scaleplane.api.adapters.observability.AnnotationQuery;
import dev.scaleplane.api.adapters.observability.DeploymentMarker;
import dev.scaleplane.api.adapters.observability.MetricPoint;
import dev.scaleplane.api.adapters.observability.Sample;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretEvents;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretSelector;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import java.time.Instant;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObservabilityAndSecretsValuesTest {
    private static final Instant T = Instant.parse("2026-12-06T10:00:00Z");
    private static final String VALUE = "s3cr3t-hunter2";

    @Test
    void aSecretNeverShowsItsValueInTextOrInTheRecordsThatHoldIt() {
        Secret s = Secret.of(VALUE);
        SecretVersion v = new SecretVersion("db/password", "3", Map.of("password", s), Set.of("AWSCURRENT"), T);
        assertThat(s.toString()).isEqualTo("****");
        assertThat(v.toString()).doesNotContain(VALUE).contains("db/password", "v3", "password");
        assertThat(String.valueOf(Map.of("k", s))).doesNotContain(VALUE);
        assertThatThrownBy(() -> v.field("user"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("[password]")
                .hasMessageNotContaining(VALUE);
        assertThat(v.value().reveal()).isEqualTo(VALUE);
        assertThat(s.fingerprint()).hasSize(16).doesNotContain(VALUE);
        assertThat(s).isEqualTo(Secret.of(VALUE)).isNotEqualTo(Secret.of("other"));
        assertThatThrownBy(() -> Secret.of(" ")).hasMessage("a secret must not be blank");
    }

    @Test
    void aSecretWithSeveralFieldsHasNoSingleValue() {
        SecretVersion v = new SecretVersion(
                "db", "1", Map.of("user", Secret.of("app"), "password", Secret.of(VALUE)), Set.of(), null);
        assertThatThrownBy(v::value)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[password, user]")
                .hasMessageNotContaining(VALUE);
    }

    @Test
    void selectorsPickOneThing() {
        assertThat(SecretSelector.latest().isLatest()).isTrue();
        assertThat(SecretSelector.version("4").version()).isEqualTo("4");
        assertThat(SecretSelector.stage("AWSPREVIOUS").isLatest()).isFalse();
        assertThatThrownBy(() -> new SecretSelector("1", "AWSCURRENT")).hasMessageContaining("not both");
        assertThatThrownBy(() -> SecretSelector.version(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRotationEventCarriesNoValueAndADerivedId() {
        var event = SecretEvents.rotated(new SecretRotated("vault", "main", "db/password", "4", "3", T));
        assertThat(event.id()).isEqualTo("vault:main:db/password:4");
        assertThat(event.source()).hasToString("/scaleplane/secrets/main");
        assertThat(event.type()).isEqualTo(SecretEvents.ROTATED_TYPE_NAME);
        assertThat(event.subject()).isEqualTo("db/password");
    }

    @Test
    void metricPointsRefuseNamesNoSystemAcceptsAndNegativeCounters() {
        assertThat(MetricPoint.gauge("queue_depth", -1, Map.of("queue", "a")).labels())
                .containsEntry("queue", "a");
        assertThatThrownBy(() -> MetricPoint.gauge("queue-depth", 1, Map.of()))
                .hasMessageContaining("metric name 'queue-depth'");
        assertThatThrownBy(() -> MetricPoint.gauge("q", 1, Map.of("bad-label", "x")))
                .hasMessageContaining("label name 'bad-label'");
        assertThatThrownBy(() -> MetricPoint.counter("deploys_total", -1, Map.of()))
                .hasMessageContaining("counter deploys_total");
        assertThatThrownBy(() -> MetricPoint.counter("deploys_total", Double.NaN, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void annotationsAndQueriesCheckTheirWindows() {
        Annotation a = Annotation.span("deploy", T, T.plusSeconds(60), Set.of("deployment"))
                .on("abc", 2);
        assertThat(a.dashboard()).isEqualTo("abc");
        assertThat(a.panel()).isEqualTo(2);
        assertThatThrownBy(() -> Annotation.span("x", T, T.minusSeconds(1), Set.of()))
                .hasMessageContaining("before its start");
        assertThatThrownBy(() -> new Annotation("", "x", T, null, Set.of(), null, 3))
                .hasMessageContaining("needs a dashboard");
        assertThatThrownBy(() -> new AnnotationQuery(Set.of(), T, T.minusSeconds(1), 10))
                .hasMessageContaining("before from");
        assertThatThrownBy(() -> new AnnotationQuery(Set.of(), T, T, 0)).hasMessageContaining("limit");
    }

    @Test
    void deploymentMarkersBecomeLabels() {
        DeploymentMarker m = new DeploymentMarker("checkout", "1.4.2", "production", null, T, Map.of("wave", "2"));
        assertThat(m.labels())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("service", "checkout", "version", "1.4.2", "environment", "production", "wave", "2"));
        assertThatThrownBy(() -> new DeploymentMarker("checkout", " ", null, null, T, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new Sample(Map.of("b", "2", "a", "1"), T, 1.0).labels().keySet())
                .containsExactly("a", "b");
    }
}
