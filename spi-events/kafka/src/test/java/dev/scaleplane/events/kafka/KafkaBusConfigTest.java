package dev.scaleplane.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaBusConfigTest {
    private static final String SECRET = "hunter2-top-secret";

    private static KafkaBusConfig config(Map<String, String> settings) {
        return KafkaBusConfig.from(ScaleplaneProperties.of(settings));
    }

    @Test
    void defaults_are_idempotent_acks_all_with_compression_and_the_standard_topic_sizes() {
        KafkaBusConfig config = config(Map.of(KafkaBusConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9092"));

        Map<String, Object> producer = config.producerProperties("p");
        assertThat(producer)
                .containsEntry("enable.idempotence", "true")
                .containsEntry("acks", "all")
                .containsEntry("compression.type", "lz4")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092");
        assertThat(config.partitionsFor("events")).isEqualTo(6);
        assertThat(config.partitionsFor("commands")).isEqualTo(3);
        assertThat(config.partitionsFor("notifications")).isEqualTo(3);
        assertThat(config.partitionsFor("anything-else")).isEqualTo(KafkaBusConfig.DEFAULT_PARTITIONS);
        assertThat(config.replicationFactor()).isEmpty();
        assertThat(config.wireFormat()).isEqualTo(KafkaBusConfig.WireFormat.BINARY);
        assertThat(config.consumerProperties("c", "g", "latest"))
                .containsEntry("enable.auto.commit", "false")
                .containsEntry("group.id", "g");
    }

    @Test
    void every_problem_is_listed_at_once_with_secrets_redacted() {
        Map<String, String> bad = new HashMap<>();
        bad.put(KafkaBusConfig.BOOTSTRAP_SERVERS, "no-port-here");
        bad.put(KafkaBusConfig.COMPRESSION, "brotli");
        bad.put(KafkaBusConfig.PARTITIONS, "0");
        bad.put(KafkaBusConfig.REPLICATION_FACTOR, "1");
        bad.put(KafkaBusConfig.MIN_INSYNC_REPLICAS, "2");
        bad.put(KafkaBusConfig.SECURITY_PROTOCOL, "SASL_SSL");
        bad.put(KafkaBusConfig.SASL_MECHANISM, "KERBEROS-ISH");
        bad.put(KafkaBusConfig.SASL_PASSWORD, SECRET);
        bad.put(KafkaBusConfig.PREFIX + "ssl.truststore.password", SECRET);
        bad.put(KafkaBusConfig.PREFIX + "bootstrap-server", "typo:1");
        bad.put(KafkaBusConfig.TOPIC_PARTITIONS, "events=six");
        bad.put(KafkaBusConfig.PREFIX + "sasl.pasword", SECRET + "-misspelt");

        assertThatThrownBy(() -> config(bad)).isInstanceOfSatisfying(ConfigurationException.class, e -> {
            assertThat(e.problems())
                    .extracting(ConfigurationException.Problem::key)
                    .contains(
                            KafkaBusConfig.BOOTSTRAP_SERVERS,
                            KafkaBusConfig.COMPRESSION,
                            KafkaBusConfig.PARTITIONS,
                            KafkaBusConfig.MIN_INSYNC_REPLICAS,
                            KafkaBusConfig.SASL_MECHANISM,
                            KafkaBusConfig.SASL_USERNAME,
                            KafkaBusConfig.PREFIX + "bootstrap-server",
                            KafkaBusConfig.TOPIC_PARTITIONS,
                            KafkaBusConfig.PREFIX + "sasl.pasword");
            assertThat(e.getMessage()).doesNotContain(SECRET);
            assertThat(e.problems().toString()).doesNotContain(SECRET);
        });
    }

    @Test
    void bootstrap_servers_are_required() {
        assertThatThrownBy(() -> config(Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(KafkaBusConfig.BOOTSTRAP_SERVERS);
    }

    @Test
    void sasl_credentials_become_a_jaas_config_that_never_prints() {
        KafkaBusConfig config = config(Map.of(
                KafkaBusConfig.BOOTSTRAP_SERVERS,
                "127.0.0.1:9092",
                KafkaBusConfig.SECURITY_PROTOCOL,
                "sasl_plaintext",
                KafkaBusConfig.SASL_MECHANISM,
                "SCRAM-SHA-512",
                KafkaBusConfig.SASL_USERNAME,
                "alice",
                KafkaBusConfig.SASL_PASSWORD,
                SECRET,
                KafkaBusConfig.PREFIX + "ssl.keystore.password",
                SECRET));

        assertThat(config.commonClientProperties("x"))
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.keystore.password", SECRET);
        assertThat((String) config.commonClientProperties("x").get("sasl.jaas.config"))
                .contains("ScramLoginModule")
                .contains("username=\"alice\"")
                .contains(SECRET);
        assertThat(config.toString()).doesNotContain(SECRET).contains("<redacted>");
    }

    @Test
    void client_settings_pass_through_per_client() {
        KafkaBusConfig config = config(Map.of(
                KafkaBusConfig.BOOTSTRAP_SERVERS,
                "127.0.0.1:9092",
                KafkaBusConfig.PREFIX + "producer.buffer.memory",
                "1048576",
                KafkaBusConfig.PREFIX + "consumer.fetch.min.bytes",
                "1",
                KafkaBusConfig.PREFIX + "admin.retries",
                "3"));

        assertThat(config.producerProperties("p")).containsEntry("buffer.memory", "1048576");
        assertThat(config.consumerProperties("c", "g", "latest")).containsEntry("fetch.min.bytes", "1");
        assertThat(config.adminProperties()).containsEntry("retries", "3");
    }

    @Test
    void unreachable_brokers_settings_have_quiet_defaults_that_can_be_overridden() {
        KafkaBusConfig defaults = config(Map.of(KafkaBusConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9092"));
        assertThat(defaults.failFast()).isFalse();
        assertThat(defaults.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(defaults.producerProperties("p"))
                .containsEntry("reconnect.backoff.ms", "1000")
                .containsEntry("reconnect.backoff.max.ms", "10000");
        assertThat(defaults.adminProperties()).containsEntry("metadata.recovery.strategy", "none");

        KafkaBusConfig set = config(Map.of(
                KafkaBusConfig.BOOTSTRAP_SERVERS,
                "127.0.0.1:9092",
                KafkaBusConfig.FAIL_FAST,
                "true",
                KafkaBusConfig.CONNECT_TIMEOUT,
                "3s",
                KafkaBusConfig.PREFIX + "consumer.reconnect.backoff.max.ms",
                "2000",
                KafkaBusConfig.PREFIX + "admin.metadata.recovery.strategy",
                "rebootstrap"));
        assertThat(set.failFast()).isTrue();
        assertThat(set.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(set.consumerProperties("c", "g", "latest")).containsEntry("reconnect.backoff.max.ms", "2000");
        assertThat(set.adminProperties()).containsEntry("metadata.recovery.strategy", "rebootstrap");
    }

    @Test
    void fail_fast_must_be_a_boolean() {
        assertThatThrownBy(() -> config(Map.of(
                        KafkaBusConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9092", KafkaBusConfig.FAIL_FAST, "yes please")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(KafkaBusConfig.FAIL_FAST);
    }
}
