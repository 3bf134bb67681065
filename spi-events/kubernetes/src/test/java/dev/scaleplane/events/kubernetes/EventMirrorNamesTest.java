package dev.scaleplane.events.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.scaleplane.api.events.Event;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventMirrorNamesTest {

    @Test
    void reasonAndActionComeFromTheEventType() {
        assertThat(EventMirror.reason("dev.scaleplane.deployment.completed.v1")).isEqualTo("DeploymentCompleted");
        assertThat(EventMirror.reason("dev.scaleplane.deployment.rolled-back.v2"))
                .isEqualTo("DeploymentRolledBack");
        assertThat(EventMirror.reason("com.example.build.done")).isEqualTo("ComExampleBuildDone");
        assertThat(EventMirror.action("dev.scaleplane.deployment.completed.v1")).isEqualTo("Deployment");
        assertThat(EventMirror.action("dev.scaleplane.quota.exceeded.v1")).isEqualTo("Quota");
    }

    @Test
    void failureLikeTypesAreWarnings() {
        assertThat(EventMirror.isWarningType("dev.scaleplane.deployment.failed.v1"))
                .isTrue();
        assertThat(EventMirror.isWarningType("dev.scaleplane.quota.exceeded.v1"))
                .isTrue();
        assertThat(EventMirror.isWarningType("dev.scaleplane.slo.violated.v1")).isTrue();
        assertThat(EventMirror.isWarningType("dev.scaleplane.deployment.rolledback.v1"))
                .isTrue();
        assertThat(EventMirror.isWarningType("dev.scaleplane.deployment.completed.v1"))
                .isFalse();
    }

    @Test
    void theDefaultTargetReadsExtensionsThenTheSubject() {
        Event<String> bySubject = Event.builder("t", "x")
                .source("/s")
                .cluster("ams-1")
                .subject("Deployment/shop/checkout")
                .build();
        assertThat(EventMirror.defaultTarget(bySubject))
                .contains(new MirrorTarget("ams-1", "", "Deployment", "shop", "checkout"));
        Event<String> clusterScoped =
                bySubject.toBuilder().subject("Namespace/user-alice").build();
        assertThat(EventMirror.defaultTarget(clusterScoped))
                .contains(new MirrorTarget("ams-1", "", "Namespace", null, "user-alice"));
        Event<String> byExtensions = bySubject.toBuilder()
                .extensions(Map.of("regardingkind", "StatefulSet", "regardingname", "db"))
                .build();
        assertThat(EventMirror.defaultTarget(byExtensions))
                .contains(new MirrorTarget("ams-1", "", "StatefulSet", null, "db"));
        assertThat(EventMirror.defaultTarget(bySubject.toBuilder().cluster(null).build()))
                .isEmpty();
        assertThat(EventMirror.defaultTarget(
                        bySubject.toBuilder().subject("deployment 42").build()))
                .isEmpty();
    }

    @Test
    void builderRefusesBadSettingsNamingTheField() {
        EventMirror.Builder b = EventMirror.builder(FleetClients.of(Map.of()));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> b.reportingController("x".repeat(129)))
                .withMessageContaining("reportingController")
                .withMessageContaining("129 bytes");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> b.queueCapacity(0))
                .withMessageContaining("queueCapacity");
        assertThatIllegalArgumentException().isThrownBy(() -> b.types()).withMessageContaining("types");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> b.seriesWindow(java.time.Duration.ZERO))
                .withMessageContaining("seriesWindow");
    }
}
