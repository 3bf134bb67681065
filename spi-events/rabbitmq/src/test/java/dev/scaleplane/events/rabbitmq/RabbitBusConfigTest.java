package dev.scaleplane.events.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading, validating and printing the bus settings; needs no broker. */
class RabbitBusConfigTest {

    @Test
    void readsEveryKeyWithItsDefault() {
        RabbitBusConfig d = RabbitBusConfig.from(ScaleplaneProperties.of(Map.of()));
        assertThat(d.host()).isEqualTo("localhost");
        assertThat(d.port()).isEqualTo(5672);
        assertThat(d.virtualHost()).isEqualTo("/");
        assertThat(d.username()).isEqualTo("guest");
        assertThat(d.password()).isEqualTo("guest");
        assertThat(d.tls()).isFalse();
        assertThat(d.queueType()).isEqualTo(RabbitBusConfig.QueueType.QUORUM);
        assertThat(d.shards()).isEqualTo(4);
        assertThat(d.prefetch()).isEqualTo(250);
        assertThat(d.maxInFlight()).isEqualTo(1024);
        assertThat(d.namePrefix()).isEqualTo("scaleplane");
        assertThat(d.publishTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.drainTimeout()).isEqualTo(Duration.ofSeconds(30));

        RabbitBusConfig set = RabbitBusConfig.from(ScaleplaneProperties.of(Map.ofEntries(
                Map.entry(RabbitBusConfig.HOST, "mq.internal"),
                Map.entry(RabbitBusConfig.TLS, "true"),
                Map.entry(RabbitBusConfig.TLS_TRUST_STORE, "/etc/ssl/mq.p12"),
                Map.entry(RabbitBusConfig.TLS_TRUST_STORE_PASSWORD, "changeit"),
                Map.entry(RabbitBusConfig.VIRTUAL_HOST, "platform"),
                Map.entry(RabbitBusConfig.USERNAME, "svc"),
                Map.entry(RabbitBusConfig.PASSWORD, "s3cret"),
                Map.entry(RabbitBusConfig.QUEUE_TYPE, "classic"),
                Map.entry(RabbitBusConfig.SHARDS, "8"),
                Map.entry(RabbitBusConfig.PREFETCH, "10"),
                Map.entry(RabbitBusConfig.MAX_IN_FLIGHT, "64"),
                Map.entry(RabbitBusConfig.NAME_PREFIX, "team-a"),
                Map.entry(RabbitBusConfig.PUBLISH_TIMEOUT, "2s"))));
        assertThat(set.port()).as("TLS default port").isEqualTo(5671);
        assertThat(set.trustStore()).hasValue("/etc/ssl/mq.p12");
        assertThat(set.trustStorePassword()).hasValue("changeit");
        assertThat(set.queueType()).isEqualTo(RabbitBusConfig.QueueType.CLASSIC);
        assertThat(set.shards()).isEqualTo(8);
        assertThat(set.prefetch()).isEqualTo(10);
        assertThat(set.maxInFlight()).isEqualTo(64);
        assertThat(set.namePrefix()).isEqualTo("team-a");
        assertThat(set.publishTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(set.toString()).doesNotContain("s3cret").doesNotContain("changeit");
        assertThat(set.toBuilder().build().toString()).isEqualTo(set.toString());
    }

    @Test
    void listsEveryProblemAtOnceAndNeverPrintsAPassword() {
        assertThatThrownBy(() -> RabbitBusConfig.from(ScaleplaneProperties.of(Map.of(
                        RabbitBusConfig.PASSWORD,
                        "hunter2",
                        RabbitBusConfig.PORT,
                        "70000",
                        RabbitBusConfig.QUEUE_TYPE,
                        "stream",
                        RabbitBusConfig.SHARDS,
                        "0",
                        RabbitBusConfig.NAME_PREFIX,
                        ".bad prefix",
                        RabbitBusConfig.TLS_TRUST_STORE,
                        "/tmp/store.p12",
                        "scaleplane.events.rabbitmq.pasword",
                        "hunter3",
                        "scaleplane.events.rabbitmq.prefech",
                        "5"))))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    RabbitBusConfig.PORT,
                                    RabbitBusConfig.QUEUE_TYPE,
                                    RabbitBusConfig.SHARDS,
                                    RabbitBusConfig.NAME_PREFIX,
                                    RabbitBusConfig.TLS_TRUST_STORE,
                                    "scaleplane.events.rabbitmq.pasword",
                                    "scaleplane.events.rabbitmq.prefech");
                    assertThat(e.getMessage())
                            .doesNotContain("hunter2")
                            .doesNotContain("hunter3")
                            .contains("quorum, classic")
                            .contains(RabbitBusConfig.PREFETCH);
                });
    }

    @Test
    void theBuilderChecksItsArguments() {
        assertThatThrownBy(() -> RabbitBusConfig.builder().shards(65)).hasMessageContaining("shards");
        assertThatThrownBy(() -> RabbitBusConfig.builder().endpoint("h", 0)).hasMessageContaining("port");
        assertThatThrownBy(() -> RabbitBusConfig.builder().namePrefix("a b")).hasMessageContaining("namePrefix");
        assertThatThrownBy(() -> RabbitBusConfig.builder().maxInFlight(0)).hasMessageContaining("maxInFlight");
        RabbitBusConfig c = RabbitBusConfig.builder()
                .endpoint("127.0.0.1", 5673)
                .credentials("u", "p")
                .shards(2)
                .build();
        assertThat(c.port()).isEqualTo(5673);
        assertThat(c.shards()).isEqualTo(2);
        assertThat(c.toString()).doesNotContain("=p,");
    }
}
