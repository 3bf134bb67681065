package dev.scaleplane.federation.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetHaConfigTest {

    @Test
    void defaultsAreOffWithKubernetesLeaderElectionTimings() {
        FleetHaConfig c = FleetHaConfig.from(ScaleplaneProperties.of(Map.of()));
        assertThat(c.enabled()).isFalse();
        assertThat(c.namespace()).isEqualTo("default");
        assertThat(c.identity()).isNotBlank();
        assertThat(c.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.renewPeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.takeoverBound()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void readsEveryKey() {
        FleetHaConfig c = FleetHaConfig.from(ScaleplaneProperties.of(Map.of(
                FleetHaConfig.ENABLED, "true",
                FleetHaConfig.CONTEXT, "mgmt",
                FleetHaConfig.KUBECONFIG, "/etc/kube/config",
                FleetHaConfig.NAMESPACE, "platform",
                FleetHaConfig.IDENTITY, "replica-a",
                FleetHaConfig.LEASE_DURATION, "4s",
                FleetHaConfig.RENEW_DEADLINE, "3s",
                FleetHaConfig.RENEW_PERIOD, "1s",
                FleetHaConfig.RETRY_PERIOD, "500ms")));
        assertThat(c)
                .isEqualTo(new FleetHaConfig(
                        true,
                        "mgmt",
                        "/etc/kube/config",
                        "platform",
                        "replica-a",
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(1),
                        Duration.ofMillis(500)));
    }

    @Test
    void everyBrokenRuleIsNamedWithItsValue() {
        assertThatThrownBy(() -> FleetHaConfig.from(ScaleplaneProperties.of(Map.of(
                        FleetHaConfig.ENABLED,
                        "true",
                        FleetHaConfig.NAMESPACE,
                        "Not_A_Namespace",
                        FleetHaConfig.LEASE_DURATION,
                        "1500ms",
                        FleetHaConfig.RENEW_DEADLINE,
                        "2s",
                        FleetHaConfig.RENEW_PERIOD,
                        "2s",
                        FleetHaConfig.RETRY_PERIOD,
                        "3s",
                        FleetHaConfig.PREFIX + "lease-durration",
                        "4s"))))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder(
                                FleetHaConfig.PREFIX + "lease-durration",
                                FleetHaConfig.CONTEXT,
                                FleetHaConfig.NAMESPACE,
                                FleetHaConfig.LEASE_DURATION,
                                FleetHaConfig.RENEW_DEADLINE,
                                FleetHaConfig.RENEW_PERIOD,
                                FleetHaConfig.RETRY_PERIOD))
                .hasMessageContaining("Not_A_Namespace")
                .hasMessageContaining("whole seconds")
                .hasMessageContaining("did you mean " + FleetHaConfig.LEASE_DURATION);
    }

    @Test
    void renewDeadlineMustBeBelowTheLeaseDuration() {
        FleetHaConfig d = FleetHaConfig.defaults();
        assertThatThrownBy(() -> d.timings(
                        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(2)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(FleetHaConfig.RENEW_DEADLINE)
                .hasMessageContaining("less than " + FleetHaConfig.LEASE_DURATION);
    }

    @Test
    void theFleetSettingsAcceptTheHaKeys() {
        KubernetesFleetConfig.from(ScaleplaneProperties.of(Map.of(FleetHaConfig.ENABLED, "false")));
    }
}
