package dev.scaleplane.events.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubernetesBusConfigTest {

    @Test
    void defaults() {
        KubernetesBusConfig c = KubernetesBusConfig.from(ScaleplaneProperties.empty());
        assertThat(c.kubeconfig()).isNull();
        assertThat(c.context()).isNull();
        assertThat(c.namespace()).isEqualTo(KubernetesBusConfig.DEFAULT_NAMESPACE);
        assertThat(c.maxEventBytes()).isEqualTo(64 * 1024);
        assertThat(c.writeQueue()).isEqualTo(1024);
        assertThat(c.publishTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void readsEverySetting(@TempDir Path dir) throws IOException {
        Path kubeconfig = Files.writeString(dir.resolve("config"), "apiVersion: v1\nkind: Config\n");
        KubernetesBusConfig c = KubernetesBusConfig.from(ScaleplaneProperties.of(Map.of(
                KubernetesBusConfig.KUBECONFIG, kubeconfig.toString(),
                KubernetesBusConfig.CONTEXT, "mgmt",
                KubernetesBusConfig.NAMESPACE, "platform-events",
                KubernetesBusConfig.MAX_EVENT_BYTES, "2048",
                KubernetesBusConfig.WRITE_QUEUE, "10",
                KubernetesBusConfig.REQUEST_TIMEOUT, "2s",
                KubernetesBusConfig.PUBLISH_TIMEOUT, "1s")));
        assertThat(c.kubeconfig()).isEqualTo(kubeconfig);
        assertThat(c.context()).isEqualTo("mgmt");
        assertThat(c.namespace()).isEqualTo("platform-events");
        assertThat(c.maxEventBytes()).isEqualTo(2048);
        assertThat(c.writeQueue()).isEqualTo(10);
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.publishTimeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void listsEveryBadSettingWithItsValueAndTheFix() {
        assertThatThrownBy(() -> KubernetesBusConfig.from(ScaleplaneProperties.of(Map.of(
                        KubernetesBusConfig.KUBECONFIG,
                        "/nonexistent/kubeconfig",
                        KubernetesBusConfig.NAMESPACE,
                        "Not_A_Namespace",
                        KubernetesBusConfig.MAX_EVENT_BYTES,
                        "1000000",
                        KubernetesBusConfig.WRITE_QUEUE,
                        "zero",
                        "scaleplane.events.kubernetes.namesapce",
                        "x"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(KubernetesBusConfig.KUBECONFIG)
                .hasMessageContaining("/nonexistent/kubeconfig")
                .hasMessageContaining(KubernetesBusConfig.NAMESPACE)
                .hasMessageContaining("Not_A_Namespace")
                .hasMessageContaining("DNS-1123")
                .hasMessageContaining(KubernetesBusConfig.MAX_EVENT_BYTES)
                .hasMessageContaining("1000000")
                .hasMessageContaining(KubernetesBusConfig.WRITE_QUEUE)
                .hasMessageContaining("did you mean " + KubernetesBusConfig.NAMESPACE);
    }

    @Test
    void theProviderValidatesWithoutConnecting() {
        KubernetesEventBusProvider provider = new KubernetesEventBusProvider();
        assertThat(provider.name()).isEqualTo("kubernetes");
        assertThat(provider.priority()).isLessThan(dev.scaleplane.api.spi.EventBusProvider.EMBEDDED_PRIORITY);
        assertThat(provider.capabilities().asSet())
                .containsExactly(dev.scaleplane.api.spi.Capabilities.Capability.ORDERED_PER_KEY);
        assertThatThrownBy(
                        () -> provider.validate(ScaleplaneProperties.of(Map.of(KubernetesBusConfig.NAMESPACE, "-bad"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("-bad");
    }
}
