package dev.scaleplane.events.rabbitmq.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.spi.TaskQueueProvider;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.rabbitmq.tasks.internal.RabbitTaskQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading, validating and printing the task queue's settings, and discovery of the provider; needs no broker. */
class RabbitTaskQueueConfigTest {

    private static RabbitTaskQueueConfig read(Map<String, String> settings) {
        return RabbitTaskQueueConfig.from(ScaleplaneProperties.of(settings));
    }

    @Test
    void defaultsMatchTheDocumentation() {
        RabbitTaskQueueConfig c = read(Map.of());
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(5672);
        assertThat(c.virtualHost()).isEqualTo("/");
        assertThat(c.username()).isEqualTo("guest");
        assertThat(c.password()).isEqualTo("guest");
        assertThat(c.tls()).isFalse();
        assertThat(c.queue()).isEqualTo("scaleplane.tasks");
        assertThat(c.queueType()).isEqualTo(RabbitTaskQueueConfig.QueueType.QUORUM);
        assertThat(c.options().capacity()).isEqualTo(100_000);
        assertThat(c.options().agingInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.prefetch()).isEqualTo(16);
        assertThat(c.consumerTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.holdLimit()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.delayBuckets())
                .containsExactly(
                        Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(6));
        assertThat(c.idlePollInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.priorityBands()).isEqualTo(5);
    }

    @Test
    void readsEveryKey() {
        RabbitTaskQueueConfig c = read(Map.ofEntries(
                Map.entry(RabbitTaskQueueConfig.HOST, "rabbit.internal"),
                Map.entry(RabbitTaskQueueConfig.PORT, "5999"),
                Map.entry(RabbitTaskQueueConfig.VIRTUAL_HOST, "jobs"),
                Map.entry(RabbitTaskQueueConfig.USERNAME, "svc"),
                Map.entry(RabbitTaskQueueConfig.PASSWORD, "s3cret"),
                Map.entry(RabbitTaskQueueConfig.TLS, "true"),
                Map.entry(RabbitTaskQueueConfig.QUEUE, "billing.tasks"),
                Map.entry(RabbitTaskQueueConfig.QUEUE_TYPE, "classic"),
                Map.entry(RabbitTaskQueueConfig.CAPACITY, "50"),
                Map.entry(RabbitTaskQueueConfig.DEAD_LETTER_CAPACITY, "7"),
                Map.entry(RabbitTaskQueueConfig.AGING_INTERVAL, "2s"),
                Map.entry(RabbitTaskQueueConfig.IDEMPOTENCY_WINDOW, "5m"),
                Map.entry(RabbitTaskQueueConfig.RETENTION, "2h"),
                Map.entry(RabbitTaskQueueConfig.PREFETCH, "4"),
                Map.entry(RabbitTaskQueueConfig.CONSUMER_TIMEOUT, "1h"),
                Map.entry(RabbitTaskQueueConfig.HOLD_LIMIT, "30s"),
                Map.entry(RabbitTaskQueueConfig.DELAY_BUCKETS, "10m, 30s"),
                Map.entry(RabbitTaskQueueConfig.IDLE_POLL_INTERVAL, "0ms"),
                Map.entry(RabbitTaskQueueConfig.PRIORITY_BANDS, "2"),
                Map.entry(RabbitTaskQueueConfig.CONNECTION_TIMEOUT, "3s"),
                Map.entry(RabbitTaskQueueConfig.CONFIRM_TIMEOUT, "4s")));
        assertThat(c.host()).isEqualTo("rabbit.internal");
        assertThat(c.port()).isEqualTo(5999);
        assertThat(c.virtualHost()).isEqualTo("jobs");
        assertThat(c.username()).isEqualTo("svc");
        assertThat(c.password()).isEqualTo("s3cret");
        assertThat(c.tls()).isTrue();
        assertThat(c.queue()).isEqualTo("billing.tasks");
        assertThat(c.queueType()).isEqualTo(RabbitTaskQueueConfig.QueueType.CLASSIC);
        assertThat(c.options().capacity()).isEqualTo(50);
        assertThat(c.options().deadLetterCapacity()).isEqualTo(7);
        assertThat(c.options().agingInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.options().idempotencyWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.options().retention()).isEqualTo(Duration.ofHours(2));
        assertThat(c.prefetch()).isEqualTo(4);
        assertThat(c.consumerTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(c.holdLimit()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.delayBuckets()).containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(10));
        assertThat(c.idlePollInterval()).isZero();
        assertThat(c.priorityBands()).isEqualTo(2);
        assertThat(c.connectionTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.confirmTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(c.toString()).doesNotContain("s3cret").contains("<redacted>");
    }

    @Test
    void aUriNamesHostPortVirtualHostAndUser() {
        RabbitTaskQueueConfig c = read(Map.of(RabbitTaskQueueConfig.URI_KEY, "amqps://svc:pw@rabbit.internal/jobs"));
        assertThat(c.host()).isEqualTo("rabbit.internal");
        assertThat(c.port()).isEqualTo(5671);
        assertThat(c.tls()).isTrue();
        assertThat(c.virtualHost()).isEqualTo("jobs");
        assertThat(c.username()).isEqualTo("svc");
        assertThat(c.password()).isEqualTo("pw");
        assertThat(c.toString()).doesNotContain("pw@").doesNotContain("=pw");
    }

    @Test
    void listsEveryProblemAtOnceAndNeverPrintsAPassword() {
        assertThatThrownBy(() -> read(Map.of(
                        RabbitTaskQueueConfig.URI_KEY,
                        "http://user:hunter2@host/",
                        RabbitTaskQueueConfig.HOST,
                        "other",
                        RabbitTaskQueueConfig.QUEUE_TYPE,
                        "stream",
                        RabbitTaskQueueConfig.QUEUE,
                        "bad name!",
                        RabbitTaskQueueConfig.PREFETCH,
                        "0",
                        RabbitTaskQueueConfig.PRIORITY_BANDS,
                        "6",
                        RabbitTaskQueueConfig.HOLD_LIMIT,
                        "1h",
                        RabbitTaskQueueConfig.DELAY_BUCKETS,
                        "1m,soon",
                        RabbitTaskQueueConfig.PREFIX + "capacty",
                        "5",
                        RabbitTaskQueueConfig.PREFIX + "passwrd",
                        "hunter3")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactlyInAnyOrder(
                                    RabbitTaskQueueConfig.URI_KEY,
                                    RabbitTaskQueueConfig.HOST,
                                    RabbitTaskQueueConfig.QUEUE_TYPE,
                                    RabbitTaskQueueConfig.QUEUE,
                                    RabbitTaskQueueConfig.PREFETCH,
                                    RabbitTaskQueueConfig.PRIORITY_BANDS,
                                    RabbitTaskQueueConfig.HOLD_LIMIT,
                                    RabbitTaskQueueConfig.DELAY_BUCKETS,
                                    RabbitTaskQueueConfig.PREFIX + "capacty",
                                    RabbitTaskQueueConfig.PREFIX + "passwrd");
                    assertThat(e.getMessage())
                            .doesNotContain("hunter2")
                            .doesNotContain("hunter3")
                            .contains("did you mean " + RabbitTaskQueueConfig.CAPACITY);
                });
    }

    @Test
    void theSmallestDelayBucketMustFitTheHoldLimit() {
        assertThatThrownBy(() -> read(Map.of(
                        RabbitTaskQueueConfig.HOLD_LIMIT, "10s",
                        RabbitTaskQueueConfig.DELAY_BUCKETS, "1m")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .singleElement()
                        .satisfies(p -> assertThat(p.key()).isEqualTo(RabbitTaskQueueConfig.DELAY_BUCKETS)));
    }

    @Test
    void theQueueConnectsWithTheConfiguredTrustStore(@TempDir Path dir) {
        String store = dir.resolve("missing.p12").toString();
        RabbitTaskQueueConfig c = read(Map.of(
                RabbitTaskQueueConfig.URI_KEY, "amqps://svc@rabbit.internal/jobs",
                RabbitTaskQueueConfig.TLS_TRUST_STORE, store,
                RabbitTaskQueueConfig.TLS_TRUST_STORE_PASSWORD, "changeit"));
        assertThat(c.trustStore()).hasValue(store);
        assertThat(c.trustStorePassword()).hasValue("changeit");
        assertThat(c.toString()).doesNotContain("changeit");
        // The queue builds its connection with the trust store before it connects: one it cannot read stops it there.
        assertThatThrownBy(() -> new RabbitTaskQueue(c, c.options(), TaskClock.system(), () -> 0.5))
                .isInstanceOf(ScaleplaneException.class)
                .hasMessageContaining("trust store " + store);
        assertThatThrownBy(() -> read(Map.of(RabbitTaskQueueConfig.TLS_TRUST_STORE, store)))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .singleElement()
                        .satisfies(p -> assertThat(p.key()).isEqualTo(RabbitTaskQueueConfig.TLS_TRUST_STORE)));
    }

    @Test
    void theProviderIsFoundAndValidatesWithoutConnecting() {
        List<TaskQueueProvider> found = new ArrayList<>();
        ServiceLoader.load(TaskQueueProvider.class).forEach(found::add);
        assertThat(found)
                .filteredOn(p -> p instanceof RabbitTaskQueueProvider)
                .singleElement()
                .satisfies(p -> assertThat(p.name()).isEqualTo("rabbitmq"));
        RabbitTaskQueueProvider provider = new RabbitTaskQueueProvider();
        provider.validate(ScaleplaneProperties.of(Map.of(RabbitTaskQueueConfig.HOST, "nowhere.invalid")));
        assertThatThrownBy(() -> provider.validate(ScaleplaneProperties.of(Map.of(RabbitTaskQueueConfig.PORT, "0"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(RabbitTaskQueueConfig.PORT);
    }
}
