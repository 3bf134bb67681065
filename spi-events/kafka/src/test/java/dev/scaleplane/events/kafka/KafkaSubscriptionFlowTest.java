package dev.scaleplane.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.tck.TckBusSettings;
import dev.scaleplane.tck.TckPayload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a subscription paces its fetching on the real broker: it pauses at {@code max-pending} and resumes as soon as
 * the handlers made room, loses nothing and keeps per-key order doing so, commits exactly up to what is finished when
 * handlers finish out of order, and stops fetching a partition whose oldest unfinished record holds too many finished
 * ones behind it.
 */
class KafkaSubscriptionFlowTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private EventBus bus(String topic, int maxPending) {
        Platform platform = Scaleplane.builder()
                .eventTypes(TckBusSettings.tckEventTypes())
                .config(ScaleplaneProperties.of(TestKafka.config(Map.of(
                        KafkaBusConfig.MAX_PENDING,
                        String.valueOf(maxPending),
                        KafkaBusConfig.TOPIC_PARTITIONS,
                        topic + "=1",
                        KafkaBusConfig.COMMIT_INTERVAL,
                        "50ms"))))
                .build();
        closeables.add(platform);
        return platform.events();
    }

    private static void publishAll(EventBus bus, String topic, List<Event<TckPayload>> events) {
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (Event<TckPayload> e : events) {
            acks.add(bus.publish(topic, e));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    }

    private static Event<TckPayload> event(String key, int seq) {
        return Event.builder(TckPayload.TYPE, new TckPayload(key, seq))
                .source(TckBusSettings.DEFAULT_SOURCE)
                .subject(key)
                .build();
    }

    private static long committed(String group, String topic) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", TestKafka.broker().bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            OffsetAndMetadata at = offsets.get(new TopicPartition(topic, 0));
            return at == null ? -1 : at.offset();
        }
    }

    @Test
    void pausing_at_max_pending_loses_nothing_and_keeps_per_key_order() throws Exception {
        String topic = "flow-order-" + Long.toHexString(System.nanoTime());
        EventBus bus = bus(topic, 20);
        int total = 3_000;
        List<Event<TckPayload>> events = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            events.add(event("key-" + (i % 7), i));
        }
        publishAll(bus, topic, events);

        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        AtomicInteger delivered = new AtomicInteger();
        bus.subscribe(
                SubscriptionOptions.builder(topic, "flow")
                        .startPosition(dev.scaleplane.api.events.StartPosition.EARLIEST)
                        .concurrency(3)
                        .build(),
                TckPayload.TYPE,
                e -> {
                    seen.computeIfAbsent(e.data().key(), k -> new CopyOnWriteArrayList<>())
                            .add(e.data().seq());
                    delivered.incrementAndGet();
                });

        // With 20 pending at most, 3,000 records mean 150 pause/resume rounds; a resume that waited out a poll
        // timeout each time would take 7.5 s, the wake-up takes well under that (not asserted: timing is not a
        // test's business), and nothing may be lost or reordered.
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> delivered.get() >= total);
        assertThat(delivered.get()).isEqualTo(total);
        for (Map.Entry<String, List<Integer>> e : seen.entrySet()) {
            assertThat(e.getValue()).as("order of %s", e.getKey()).isSorted();
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> committed("flow", topic) == total);
    }

    @Test
    void commit_offset_stops_at_the_oldest_unfinished_record_and_follows_when_it_finishes() throws Exception {
        String topic = "flow-commit-" + Long.toHexString(System.nanoTime());
        EventBus bus = bus(topic, 10_000);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger delivered = new AtomicInteger();
        bus.subscribe(
                SubscriptionOptions.builder(topic, "slow-key").concurrency(4).build(), TckPayload.TYPE, e -> {
                    if (e.data().key().equals("slow")) {
                        release.await();
                    }
                    delivered.incrementAndGet();
                });
        List<Event<TckPayload>> events = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            events.add(event("fast-" + (i % 5), i));
        }
        events.add(event("slow", 50)); // offset 50
        for (int i = 51; i < 400; i++) {
            events.add(event(i % 2 == 0 ? "fast-a" : "fast-b", i));
        }
        publishAll(bus, topic, events);

        // Every record but the slow one finishes (the slow key's thread also carries some fast keys, which wait).
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> committed("slow-key", topic) == 50);
        Thread.sleep(300); // several commit intervals: the offset must stay at the unfinished record
        assertThat(committed("slow-key", topic)).isEqualTo(50);

        release.countDown();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> committed("slow-key", topic) == 400);
        assertThat(delivered.get()).isEqualTo(400);
    }

    @Test
    void partition_stops_fetching_when_too_many_records_wait_behind_an_unfinished_one() throws Exception {
        String topic = "flow-stall-" + Long.toHexString(System.nanoTime());
        int maxPending = 10; // the partition stalls at 4 x 10 = 40 records behind the oldest unfinished one
        EventBus bus = bus(topic, maxPending);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger fast = new AtomicInteger();
        CountDownLatch slowStarted = new CountDownLatch(1);
        bus.subscribe(SubscriptionOptions.builder(topic, "stall").concurrency(2).build(), TckPayload.TYPE, e -> {
            if (e.data().key().equals("slow")) {
                slowStarted.countDown();
                release.await();
            } else {
                fast.incrementAndGet();
            }
        });
        // "slow" and "fast" hash to different handler threads of two, else the fast key would wait behind the slow
        // one and the test would prove nothing; checked here rather than assumed.
        assertThat(Math.floorMod(
                        java.util.Arrays.hashCode("slow".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 2))
                .isNotEqualTo(Math.floorMod(
                        java.util.Arrays.hashCode("fast".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 2));
        List<Event<TckPayload>> events = new ArrayList<>();
        events.add(event("slow", 0));
        for (int i = 1; i <= 5_000; i++) {
            events.add(event("fast", i));
        }
        publishAll(bus, topic, events);
        assertThat(slowStarted.await(30, TimeUnit.SECONDS)).isTrue();

        // The fast key runs on until the partition stalls, then stops well short of the 5,000: the stall bound
        // plus what one poll had already fetched (max.poll.records, 500) and the handlers' queues held.
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    int before = fast.get();
                    Thread.sleep(1_000);
                    return fast.get() == before && before > 0;
                });
        assertThat(fast.get()).isLessThan(4 * maxPending + 500 + maxPending);
        assertThat(committed("stall", topic)).isEqualTo(0);

        release.countDown();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fast.get() == 5_000);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> committed("stall", topic) == 5_001);
    }
}
