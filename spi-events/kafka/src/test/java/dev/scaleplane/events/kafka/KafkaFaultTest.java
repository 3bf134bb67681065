package dev.scaleplane.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.kafka.testing.KafkaBroker;
import dev.scaleplane.tck.TckBusSettings;
import dev.scaleplane.tck.TckPayload;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Faults against the real broker: the broker killed with SIGKILL mid-stream, a consumer process killed mid-stream. */
class KafkaFaultTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        KafkaBroker broker = TestKafka.broker(); // leaves the shared test broker running for the next class
        assertThat(broker.isRunning()).isTrue();
    }

    @Test
    void broker_killed_mid_stream_loses_no_acknowledged_event_and_dedupe_hides_duplicates() throws Exception {
        int total = 100_000;
        KafkaBroker broker = TestKafka.broker();
        MeterRegistry registry = new SimpleMeterRegistry();
        Platform platform = dev.scaleplane.core.Scaleplane.builder()
                .eventTypes(TckBusSettings.tckEventTypes())
                .meterRegistry(registry)
                .config(dev.scaleplane.core.config.ScaleplaneProperties.of(TestKafka.config(Map.of(
                        KafkaBusConfig.PUBLISH_TIMEOUT,
                        "10s",
                        KafkaBusConfig.PREFIX + "producer.delivery.timeout.ms",
                        "60000"))))
                .build();
        closeables.add(platform);
        EventBus bus = platform.events();
        String topic = "fault-" + Long.toHexString(System.nanoTime());
        Map<String, AtomicInteger> plainSeen = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> dedupedSeen = new ConcurrentHashMap<>();
        bus.subscribe(
                SubscriptionOptions.builder(topic, "plain").concurrency(4).build(),
                TckPayload.TYPE,
                e -> plainSeen.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet());
        bus.subscribe(
                SubscriptionOptions.builder(topic, "deduped")
                        .concurrency(4)
                        .deduplicate(Duration.ofMinutes(30), 2 * total)
                        .build(),
                TckPayload.TYPE,
                e -> dedupedSeen
                        .computeIfAbsent(e.id(), k -> new AtomicInteger())
                        .incrementAndGet());

        List<Event<TckPayload>> events = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            events.add(Event.builder(TckPayload.TYPE, new TckPayload("key-" + (i % 64), i))
                    .source(TckBusSettings.DEFAULT_SOURCE)
                    .build());
        }
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<Event<TckPayload>> failed = new ArrayList<>();
        AtomicLong failures = new AtomicLong();
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>(total);
        Thread killer = null;
        for (int i = 0; i < total; i++) {
            if (i == total / 3) {
                killer = new Thread(() -> {
                    broker.kill9();
                    sleep(3_000);
                    broker.restart();
                });
                killer.start();
            }
            Event<TckPayload> event = events.get(i);
            futures.add(bus.publish(topic, event).whenComplete((receipt, failure) -> {
                if (failure == null) {
                    acknowledged.add(event.id());
                } else {
                    failures.incrementAndGet();
                }
            }));
        }
        for (int i = 0; i < total; i++) {
            try {
                futures.get(i).join();
            } catch (RuntimeException e) {
                failed.add(events.get(i));
            }
        }
        killer.join();
        long acknowledgedFirstTime = acknowledged.size();
        // Publish what failed again, with the same ids: some of them may have been stored although the publish
        // failed (the acknowledgement was lost with the broker), so these are the duplicates dedupe must hide.
        List<CompletableFuture<PublishReceipt>> again = new ArrayList<>();
        for (Event<TckPayload> event : failed) {
            again.add(bus.publish(topic, event).whenComplete((r, f) -> {
                if (f == null) {
                    acknowledged.add(event.id());
                }
            }));
        }
        again.forEach(f -> f.exceptionally(t -> null).join());

        Awaitility.await("every acknowledged event is consumed by both groups")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> plainSeen.keySet().containsAll(acknowledged)
                        && dedupedSeen.keySet().containsAll(acknowledged));
        Thread.sleep(2_000); // late redeliveries after the rebalance would show up as duplicates now

        long plainDuplicates =
                plainSeen.values().stream().mapToLong(c -> c.get() - 1).sum();
        long dedupedDuplicates =
                dedupedSeen.values().stream().mapToLong(c -> c.get() - 1).sum();
        double skipped = registry.find(BusMetrics.DEDUPLICATED).tag("group", "deduped").functionCounters().stream()
                .mapToDouble(FunctionCounter::count)
                .sum();
        System.out.printf(
                "broker kill -9 fault test: published=%d acknowledged=%d (first pass %d) failedPublishes=%d"
                        + " republished=%d consumedPlain=%d duplicatesSeenWithoutDedupe=%d consumedDeduped=%d"
                        + " duplicatesSkippedByDedupe=%.0f duplicatesAtDedupedHandler=%d%n",
                total,
                acknowledged.size(),
                acknowledgedFirstTime,
                failures.get(),
                failed.size(),
                plainSeen.size(),
                plainDuplicates,
                dedupedSeen.size(),
                skipped,
                dedupedDuplicates);
        // Set differences: AssertJ's containsAll scans linearly, far too slow for 100,000 ids.
        assertThat(missing(acknowledged, plainSeen.keySet()))
                .as("acknowledged, not consumed (plain)")
                .isEmpty();
        assertThat(missing(acknowledged, dedupedSeen.keySet()))
                .as("acknowledged, not consumed (deduped)")
                .isEmpty();
        assertThat(dedupedDuplicates)
                .as("duplicates handed to the de-duplicating handler")
                .isZero();
        Set<String> allIds = new HashSet<>();
        events.forEach(e -> allIds.add(e.id()));
        assertThat(missing(plainSeen.keySet(), allIds))
                .as("consumed ids that were never published")
                .isEmpty();
        assertThat(acknowledged.size())
                .as("every event is acknowledged after the republish")
                .isEqualTo(total);
    }

    @Test
    void a_killed_consumer_process_hands_its_partitions_over_and_nothing_is_lost() throws Exception {
        int total = 5_000;
        String topic = "handover-" + Long.toHexString(System.nanoTime());
        String group = "workers";
        Platform platform = TestKafka.platform(
                TckBusSettings.tckEventTypes(),
                TckBusSettings.DEFAULT_SOURCE,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                Map.of());
        closeables.add(platform);
        EventBus bus = platform.events();
        Map<String, AtomicInteger> here = new ConcurrentHashMap<>();
        // Pin the group's start before the other process joins, so that nothing published from now on is skipped.
        bus.subscribe(SubscriptionOptions.of(topic, group), TckPayload.TYPE, e -> {
            here.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(1);
        });

        Path out = Files.createTempFile("consumer-process", ".ids");
        closeables.add(() -> Files.deleteIfExists(out));
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ConsumerProcess.class.getName(),
                        TestKafka.broker().bootstrapServers(),
                        topic,
                        group,
                        out.toString())
                .redirectErrorStream(true)
                .start();
        closeables.add(child::destroyForcibly);
        BufferedReader childOut =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = childOut.readLine()) != null && !line.equals("READY")) {
            // the child's log lines before it joined
        }
        assertThat(line).as("the consumer process started").isEqualTo("READY");
        Thread drain = new Thread(() -> childOut.lines().forEach(l -> {}));
        drain.setDaemon(true);
        drain.start();

        Set<String> published = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            Event<TckPayload> event = Event.builder(TckPayload.TYPE, new TckPayload("key-" + (i % 97), i))
                    .source(TckBusSettings.DEFAULT_SOURCE)
                    .build();
            futures.add(bus.publish(topic, event).thenApply(r -> {
                published.add(event.id());
                return r;
            }));
        }
        futures.forEach(CompletableFuture::join);
        Awaitility.await("the consumer process handles some events")
                .atMost(Duration.ofMinutes(1))
                .until(() -> Files.readAllLines(out).size() > 200);
        child.destroyForcibly().waitFor();
        int handledByChild = Files.readAllLines(out).size();

        Awaitility.await("the remaining member handles everything the killed one did not")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    Set<String> all = new HashSet<>(here.keySet());
                    all.addAll(Files.readAllLines(out));
                    assertThat(missing(published, all)).isEmpty();
                });
        System.out.printf(
                "consumer kill fault test: published=%d handledByKilledProcess=%d handledBySurvivor=%d%n",
                published.size(), handledByChild, here.size());
        assertThat(handledByChild).isLessThan(total);
        assertThat(here.size()).isPositive();
    }

    private static Set<String> missing(Set<String> expected, Set<String> actual) {
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(actual);
        return missing;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
