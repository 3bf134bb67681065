package dev.scaleplane.events.kafka.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.orchestration.TaskQueueCapability;
import dev.scaleplane.api.spi.TaskQueueProvider;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Reading, validating and printing the Kafka task queue's settings, and discovery of the provider; no broker. */
class KafkaTaskQueueConfigTest {
    private static final String SERVERS = "127.0.0.1:9092";

    private static KafkaTaskQueueConfig read(Map<String, String> settings) {
        return KafkaTaskQueueConfig.from(ScaleplaneProperties.of(settings));
    }

    @Test
    void defaultsMatchTheDocumentation() {
        KafkaTaskQueueConfig c = read(Map.of(KafkaTaskQueueConfig.BOOTSTRAP_SERVERS, SERVERS));
        assertThat(c.topicPrefix()).isEqualTo("scaleplane.tasks");
        assertThat(c.tasksTopic()).isEqualTo("scaleplane.tasks.tasks");
        assertThat(c.stateTopic()).isEqualTo("scaleplane.tasks.state");
        assertThat(c.deadTopic()).isEqualTo("scaleplane.tasks.dead");
        assertThat(c.group()).isEqualTo("scaleplane.tasks.workers");
        assertThat(c.partitions()).isEqualTo(6);
        assertThat(c.replicationFactor()).isEmpty();
        assertThat(c.options().capacity()).isEqualTo(100_000);
        assertThat(c.options().agingInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.options().idempotencyWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(c.sendTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.producerProperties("p"))
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true")
                .containsEntry("bootstrap.servers", SERVERS)
                .containsEntry("security.protocol", "PLAINTEXT");
        assertThat(c.consumerProperties("c", true))
                .containsEntry("group.id", "scaleplane.tasks.workers")
                .containsEntry("enable.auto.commit", "false")
                .containsEntry("session.timeout.ms", "10000");
        assertThat(c.consumerProperties("c", false)).doesNotContainKey("group.id");
    }

    @Test
    void readsEveryKey() {
        KafkaTaskQueueConfig c = read(Map.ofEntries(
                Map.entry(KafkaTaskQueueConfig.BOOTSTRAP_SERVERS, "k1:9092,k2:9093"),
                Map.entry(KafkaTaskQueueConfig.CLIENT_ID, "billing"),
                Map.entry(KafkaTaskQueueConfig.TOPIC_PREFIX, "billing.jobs"),
                Map.entry(KafkaTaskQueueConfig.PARTITIONS, "12"),
                Map.entry(KafkaTaskQueueConfig.REPLICATION_FACTOR, "3"),
                Map.entry(KafkaTaskQueueConfig.MIN_INSYNC_REPLICAS, "2"),
                Map.entry(KafkaTaskQueueConfig.CAPACITY, "50"),
                Map.entry(KafkaTaskQueueConfig.DEAD_LETTER_CAPACITY, "7"),
                Map.entry(KafkaTaskQueueConfig.AGING_INTERVAL, "2s"),
                Map.entry(KafkaTaskQueueConfig.IDEMPOTENCY_WINDOW, "5m"),
                Map.entry(KafkaTaskQueueConfig.RETENTION, "2h"),
                Map.entry(KafkaTaskQueueConfig.SEND_TIMEOUT, "3s"),
                Map.entry(KafkaTaskQueueConfig.COMMIT_INTERVAL, "1s"),
                Map.entry(KafkaTaskQueueConfig.SESSION_TIMEOUT, "20s"),
                Map.entry(KafkaTaskQueueConfig.HEARTBEAT_INTERVAL, "2s"),
                Map.entry(KafkaTaskQueueConfig.START_TIMEOUT, "1m"),
                Map.entry(KafkaTaskQueueConfig.SECURITY_PROTOCOL, "sasl_ssl"),
                Map.entry(KafkaTaskQueueConfig.SASL_MECHANISM, "SCRAM-SHA-512"),
                Map.entry(KafkaTaskQueueConfig.SASL_USERNAME, "svc"),
                Map.entry(KafkaTaskQueueConfig.SASL_PASSWORD, "p4ss-w0rd"),
                Map.entry(KafkaTaskQueueConfig.PREFIX + "ssl.truststore.location", "/etc/kafka/trust.p12"),
                Map.entry(KafkaTaskQueueConfig.PREFIX + "producer.buffer.memory", "1048576"),
                Map.entry(KafkaTaskQueueConfig.PREFIX + "consumer.fetch.max.wait.ms", "100"),
                Map.entry(KafkaTaskQueueConfig.PREFIX + "admin.request.timeout.ms", "5000")));
        assertThat(c.tasksTopic()).isEqualTo("billing.jobs.tasks");
        assertThat(c.partitions()).isEqualTo(12);
        assertThat(c.replicationFactor()).contains((short) 3);
        assertThat(c.minInsyncReplicas()).contains(2);
        assertThat(c.options().capacity()).isEqualTo(50);
        assertThat(c.options().deadLetterCapacity()).isEqualTo(7);
        assertThat(c.options().agingInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.options().idempotencyWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.options().retention()).isEqualTo(Duration.ofHours(2));
        assertThat(c.sendTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.commitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.startTimeout()).isEqualTo(Duration.ofMinutes(1));
        Map<String, Object> producer = c.producerProperties("p");
        assertThat(producer)
                .containsEntry("client.id", "billing-p")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/kafka/trust.p12")
                .containsEntry("buffer.memory", "1048576");
        assertThat((String) producer.get("sasl.jaas.config"))
                .contains("ScramLoginModule")
                .contains("username=\"svc\"")
                .contains("p4ss-w0rd");
        assertThat(c.consumerProperties("c", true))
                .containsEntry("fetch.max.wait.ms", "100")
                .containsEntry("session.timeout.ms", "20000")
                .containsEntry("heartbeat.interval.ms", "2000");
        assertThat(c.adminProperties()).containsEntry("request.timeout.ms", "5000");
        assertThat(c.toString()).doesNotContain("p4ss-w0rd").contains("SCRAM-SHA-512");
    }

    @Test
    void everyProblemIsListedAtOnceWithSecretsRedacted() {
        assertThatThrownBy(() -> read(Map.of(
                        KafkaTaskQueueConfig.BOOTSTRAP_SERVERS,
                        "no-port",
                        KafkaTaskQueueConfig.TOPIC_PREFIX,
                        "bad prefix!",
                        KafkaTaskQueueConfig.PARTITIONS,
                        "0",
                        KafkaTaskQueueConfig.CAPACITY,
                        "-1",
                        KafkaTaskQueueConfig.REPLICATION_FACTOR,
                        "1",
                        KafkaTaskQueueConfig.MIN_INSYNC_REPLICAS,
                        "2",
                        KafkaTaskQueueConfig.HEARTBEAT_INTERVAL,
                        "30s",
                        KafkaTaskQueueConfig.SECURITY_PROTOCOL,
                        "SASL_PLAINTEXT",
                        KafkaTaskQueueConfig.SASL_USERNAME,
                        "svc",
                        KafkaTaskQueueConfig.PREFIX + "pasword",
                        "hunter2-secret")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .contains(
                                    KafkaTaskQueueConfig.BOOTSTRAP_SERVERS,
                                    KafkaTaskQueueConfig.TOPIC_PREFIX,
                                    KafkaTaskQueueConfig.PARTITIONS,
                                    KafkaTaskQueueConfig.CAPACITY,
                                    KafkaTaskQueueConfig.MIN_INSYNC_REPLICAS,
                                    KafkaTaskQueueConfig.HEARTBEAT_INTERVAL,
                                    KafkaTaskQueueConfig.SASL_PASSWORD,
                                    KafkaTaskQueueConfig.PREFIX + "pasword");
                    assertThat(e.getMessage()).doesNotContain("hunter2-secret");
                });
    }

    @Test
    void bootstrapServersAreRequired() {
        assertThatThrownBy(() -> read(Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(KafkaTaskQueueConfig.BOOTSTRAP_SERVERS);
    }

    @Test
    void withoutItsOwnBrokersTheQueueUsesTheEventBussBrokers() {
        KafkaTaskQueueConfig c = read(Map.of(KafkaTaskQueueConfig.EVENTS_BOOTSTRAP_SERVERS, "k1:9092,k2:9093"));
        assertThat(c.toString()).contains("k1:9092,k2:9093");
        KafkaTaskQueueConfig own = read(Map.of(
                KafkaTaskQueueConfig.EVENTS_BOOTSTRAP_SERVERS, "k1:9092",
                KafkaTaskQueueConfig.BOOTSTRAP_SERVERS, "t1:9092"));
        assertThat(own.toString()).contains("t1:9092").doesNotContain("k1:9092");
    }

    @Test
    void saslCredentialsWithoutASaslProtocolAreRejected() {
        assertThatThrownBy(() -> read(Map.of(
                        KafkaTaskQueueConfig.BOOTSTRAP_SERVERS, SERVERS,
                        KafkaTaskQueueConfig.SASL_USERNAME, "svc",
                        KafkaTaskQueueConfig.SASL_PASSWORD, "pw-never-shown")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .contains(KafkaTaskQueueConfig.SASL_USERNAME);
                    assertThat(e.getMessage()).doesNotContain("pw-never-shown");
                });
    }

    @Test
    void theProviderValidatesWithoutConnecting() {
        KafkaTaskQueueProvider provider = new KafkaTaskQueueProvider();
        provider.validate(ScaleplaneProperties.of(Map.of(KafkaTaskQueueConfig.BOOTSTRAP_SERVERS, SERVERS)));
        assertThatThrownBy(() -> provider.validate(ScaleplaneProperties.of(Map.of(
                        KafkaTaskQueueConfig.BOOTSTRAP_SERVERS,
                        SERVERS,
                        KafkaTaskQueueConfig.PREFIX + "partitons",
                        "3"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(KafkaTaskQueueConfig.PREFIX + "partitons");
    }

    @Test
    void theProviderIsFoundByServiceLoaderWithWhatItDeclares() {
        List<String> names = new ArrayList<>();
        ServiceLoader.load(TaskQueueProvider.class).forEach(p -> names.add(p.name()));
        assertThat(names).contains("kafka");
        assertThat(new KafkaTaskQueueProvider().capabilities())
                .containsExactlyInAnyOrder(
                        TaskQueueCapability.DURABLE,
                        TaskQueueCapability.CROSS_PROCESS,
                        TaskQueueCapability.DELAYED_TASKS,
                        TaskQueueCapability.PRIORITIES,
                        TaskQueueCapability.PER_KEY_MUTEX,
                        TaskQueueCapability.KEY_CONCURRENCY);
    }
}
