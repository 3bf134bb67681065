package dev.scaleplane.events.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.rabbitmq.RabbitBusConfig;
import dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueConfig;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The connection settings are one value read the same way by the bus's and the task queue's configuration: every key
 * under both prefixes, the same rules, every problem in one exception named with its key, one connection factory.
 * Needs no broker.
 */
class RabbitClientSettingsTest {

    /** One configuration: its key prefix, how it is read, and what it says about its connection. */
    record Side<C>(
            String prefix,
            Function<ConfigProperties, C> read,
            Function<C, ConnectionFactory> factory,
            Function<C, Optional<String>> trustStore) {

        /** The configuration of {@code keysAndValues}, keys without the prefix. */
        C config(String... keysAndValues) {
            Map<String, String> settings = new HashMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                settings.put(prefix + keysAndValues[i], keysAndValues[i + 1]);
            }
            return read.apply(ScaleplaneProperties.of(settings));
        }

        ConnectionFactory factory(String... keysAndValues) {
            return factory.apply(config(keysAndValues));
        }

        @Override
        public String toString() {
            return prefix;
        }
    }

    static Stream<Side<?>> sides() {
        return Stream.of(
                new Side<>(
                        RabbitBusConfig.PREFIX,
                        RabbitBusConfig::from,
                        RabbitBusConfig::connectionFactory,
                        RabbitBusConfig::trustStore),
                new Side<>(
                        RabbitTaskQueueConfig.PREFIX,
                        RabbitTaskQueueConfig::from,
                        RabbitTaskQueueConfig::connectionFactory,
                        RabbitTaskQueueConfig::trustStore));
    }

    /** An empty PKCS12 trust store, enough to build an SSL context. */
    private static String trustStore(Path dir) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        Path file = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "changeit".toCharArray());
        }
        return file.toString();
    }

    @ParameterizedTest
    @MethodSource("sides")
    <C> void everyConnectionKeyIsReadUnderBothPrefixes(Side<C> side, @TempDir Path dir) throws Exception {
        String store = trustStore(dir);
        C config = side.config(
                "host", "mq.internal",
                "port", "5999",
                "virtual-host", "jobs",
                "username", "svc",
                "password", "s3cret",
                "tls", "true",
                "tls-trust-store", store,
                "tls-trust-store-password", "changeit",
                "connection-timeout", "3s");
        ConnectionFactory f = side.factory().apply(config);
        assertThat(f.getHost()).isEqualTo("mq.internal");
        assertThat(f.getPort()).isEqualTo(5999);
        assertThat(f.getVirtualHost()).isEqualTo("jobs");
        assertThat(f.getUsername()).isEqualTo("svc");
        assertThat(f.getPassword()).isEqualTo("s3cret");
        assertThat(f.isSSL()).isTrue();
        assertThat(f.getConnectionTimeout()).isEqualTo(3_000);
        assertThat(side.trustStore().apply(config)).hasValue(store);
        assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("changeit");
    }

    @ParameterizedTest
    @MethodSource("sides")
    <C> void aUriNamesTheBrokerUnderBothPrefixesAndAmqpsTakesATrustStore(Side<C> side, @TempDir Path dir)
            throws Exception {
        String store = trustStore(dir);
        C config = side.config(
                "uri", "amqps://svc:pw@rabbit.internal/jobs",
                "tls-trust-store", store,
                "tls-trust-store-password", "changeit");
        ConnectionFactory tls = side.factory().apply(config);
        assertThat(tls.getHost()).isEqualTo("rabbit.internal");
        assertThat(tls.getPort()).isEqualTo(5671);
        assertThat(tls.isSSL()).isTrue();
        assertThat(tls.getVirtualHost()).isEqualTo("jobs");
        assertThat(tls.getUsername()).isEqualTo("svc");
        assertThat(tls.getPassword()).isEqualTo("pw");
        assertThat(config.toString()).doesNotContain("pw@").doesNotContain("=pw");

        ConnectionFactory plain = side.factory("uri", "amqp://guest@10.0.0.7:5673/", "password", "from-key");
        assertThat(plain.getHost()).isEqualTo("10.0.0.7");
        assertThat(plain.getPort()).isEqualTo(5673);
        assertThat(plain.getVirtualHost()).isEqualTo("/");
        assertThat(plain.getPassword()).isEqualTo("from-key");
        assertThat(plain.isSSL()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("sides")
    <C> void everyBadConnectionValueIsNamedWithItsKeyInOneException(Side<C> side) {
        String p = side.prefix();
        assertThatThrownBy(() -> side.config(
                        "uri", "ftp://svc:hunter2@rabbit.internal/",
                        "port", "5672",
                        "tls-trust-store", "/etc/ssl/mq.p12",
                        "tls-trust-store-password", "hunter3",
                        "connection-timeout", "soon",
                        "pasword", "hunter4"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    p + "uri",
                                    p + "port",
                                    p + "tls-trust-store",
                                    p + "connection-timeout",
                                    p + "pasword");
                    assertThat(e.getMessage())
                            .doesNotContain("hunter2")
                            .doesNotContain("hunter3")
                            .doesNotContain("hunter4")
                            .contains("ftp://svc:<redacted>@rabbit.internal/")
                            .contains("soon");
                });
        assertThatThrownBy(() -> side.config(
                        "host", "mq internal",
                        "port", "0",
                        "virtual-host", "",
                        "username", "",
                        "tls-trust-store-password", "hunter5"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    p + "host",
                                    p + "port",
                                    p + "virtual-host",
                                    p + "username",
                                    p + "tls-trust-store-password");
                    assertThat(e.getMessage()).doesNotContain("hunter5");
                });
    }

    @ParameterizedTest
    @MethodSource("sides")
    <C> void aTrustStoreThatCannotBeReadFailsNamingIt(Side<C> side, @TempDir Path dir) throws Exception {
        String store = trustStore(dir);
        assertThatThrownBy(() ->
                        side.factory("tls", "true", "tls-trust-store", store, "tls-trust-store-password", "not-it"))
                .isInstanceOf(ScaleplaneException.class)
                .hasMessageContaining("trust store " + store)
                .hasMessageNotContaining("not-it");
    }
}
