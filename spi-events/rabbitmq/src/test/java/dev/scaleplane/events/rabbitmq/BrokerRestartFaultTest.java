package dev.scaleplane.events.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.PublishTimeoutException;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.events.rabbitmq.testing.RabbitNode;
import dev.scaleplane.events.rabbitmq.testing.SharedRabbit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Publishes 100,000 events while two groups consume them, and restarts the broker node twice in the middle: once
 * gracefully (rabbitmqctl stop, then start) and once with kill -9 of its Erlang VM. Every event whose publish future
 * succeeded must be handled at least once by both groups; the group subscribed with de-duplication must never hand an
 * event to its handler twice. Also: a publish while the broker is down waits for the connection within the publish
 * timeout, then fails with {@link PublishTimeoutException}.
 */
class BrokerRestartFaultTest {
    record Tick(int n) {}

    static final EventType<Tick> TICK = EventType.of("dev.scaleplane.test.fault.tick.v1", Tick.class);
    static final int EVENTS = 100_000;

    private static RabbitNode node;

    @BeforeAll
    static void startNode() {
        node = RabbitNode.start();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private static EventBus bus(String publishTimeout, SimpleMeterRegistry registry) {
        Map<String, String> settings = Map.of(
                RabbitBusConfig.HOST,
                "127.0.0.1",
                RabbitBusConfig.PORT,
                Integer.toString(node.amqpPort()),
                RabbitBusConfig.NAME_PREFIX,
                SharedRabbit.uniqueName("fault"),
                RabbitBusConfig.RECOVERY_INTERVAL,
                "200ms",
                RabbitBusConfig.PUBLISH_TIMEOUT,
                publishTimeout,
                RabbitBusConfig.DRAIN_TIMEOUT,
                "10s");
        return new RabbitEventBusProvider()
                .create(TestContext.of(
                        settings, EventTypeRegistry.builder().register(TICK).build(), URI.create("/fault"), registry));
    }

    @Test
    void everyConfirmedEventIsConsumedAcrossAStopAndAKill() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventBus bus = bus("60s", registry);
        try {
            run(node, bus, registry);
        } finally {
            bus.close();
        }
    }

    @Test
    void aPublishDuringAnOutageWaitsForRecoveryWithinThePublishTimeoutThenFails() throws Exception {
        EventBus bus = bus("1s", new SimpleMeterRegistry());
        try {
            bus.publish(
                            "outage",
                            Event.builder(TICK, new Tick(0)).source("/fault").build())
                    .get(10, TimeUnit.SECONDS);
            node.stop();
            try {
                long start = System.nanoTime();
                assertThatThrownBy(() -> bus.publish(
                                        "outage",
                                        Event.builder(TICK, new Tick(1))
                                                .source("/fault")
                                                .build())
                                .get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(PublishTimeoutException.class)
                        .hasMessageContaining("connection to RabbitMQ to come back");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(990));
            } finally {
                node.restart();
            }
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> bus.publish(
                                            "outage",
                                            Event.builder(TICK, new Tick(2))
                                                    .source("/fault")
                                                    .build())
                                    .get(10, TimeUnit.SECONDS)
                            != null);
        } finally {
            bus.close();
        }
    }

    private void run(RabbitNode node, EventBus bus, SimpleMeterRegistry registry) throws Exception {
        Map<String, AtomicInteger> atLeastOnce = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> deduplicated = new ConcurrentHashMap<>();
        bus.subscribe(
                SubscriptionOptions.builder("fault", "plain").concurrency(4).build(), TICK, e -> atLeastOnce
                        .computeIfAbsent(e.id(), k -> new AtomicInteger())
                        .incrementAndGet());
        bus.subscribe(
                SubscriptionOptions.builder("fault", "dedup")
                        .concurrency(4)
                        .deduplicate(Duration.ofMinutes(10), 2 * EVENTS)
                        .build(),
                TICK,
                e -> deduplicated
                        .computeIfAbsent(e.id(), k -> new AtomicInteger())
                        .incrementAndGet());

        Set<String> confirmed = ConcurrentHashMap.newKeySet();
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        AtomicInteger issued = new AtomicInteger();
        Thread chaos = new Thread(
                () -> {
                    awaitIssued(issued, EVENTS / 4);
                    System.out.println("fault test: stopping the node gracefully after " + issued.get() + " publishes, "
                            + confirmed.size() + " confirmed");
                    node.stop();
                    node.restart();
                    awaitIssued(issued, EVENTS * 3 / 5);
                    System.out.println("fault test: kill -9 of the node after " + issued.get() + " publishes, "
                            + confirmed.size() + " confirmed");
                    node.kill();
                    node.restart();
                },
                "fault-chaos");
        chaos.start();
        List<CompletableFuture<?>> futures = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            Event<Tick> event = Event.builder(TICK, new Tick(i))
                    .source(URI.create("/fault"))
                    .partitionKey("key-" + (i % 64))
                    .build();
            futures.add(bus.publish("fault", event).whenComplete((r, e) -> {
                if (e == null) {
                    confirmed.add(event.id());
                } else {
                    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause()
                            : e;
                    String message = String.valueOf(cause.getMessage());
                    // Group by what happened, not by event: drop the event id from the message.
                    String what = cause.getClass().getSimpleName() + ": "
                            + message.substring(message.indexOf("failed: ") + 1 > 0 ? message.indexOf("failed: ") : 0);
                    failures.computeIfAbsent(what, k -> new LongAdder()).increment();
                }
            }));
            issued.incrementAndGet();
        }
        chaos.join();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();

        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> missing(confirmed, atLeastOnce).isEmpty()
                        && missing(confirmed, deduplicated).isEmpty());

        long redelivered =
                atLeastOnce.values().stream().filter(c -> c.get() > 1).count();
        long duplicatesInDedupGroup =
                deduplicated.values().stream().filter(c -> c.get() > 1).count();
        double skipped = registry.find(BusMetrics.DEDUPLICATED).tag("group", "dedup").functionCounters().stream()
                .mapToDouble(c -> c.count())
                .sum();
        System.out.println("fault test: published " + EVENTS + ", confirmed " + confirmed.size() + ", failed "
                + (EVENTS - confirmed.size()) + " " + failures + "; plain group handled " + atLeastOnce.size()
                + " distinct (" + redelivered + " more than once); dedup group handled " + deduplicated.size()
                + " distinct, " + duplicatesInDedupGroup + " more than once, " + (long) skipped
                + " duplicates skipped");
        assertThat(confirmed.size()
                        + failures.values().stream().mapToLong(LongAdder::sum).sum())
                .as("every publish completed")
                .isEqualTo(EVENTS);
        assertThat(confirmed).as("confirmed events").isNotEmpty();
        assertThat(failures.keySet())
                .as("failed publishes fail with PublishException")
                .allSatisfy(what -> assertThat(what).matches("Publish(Timeout)?Exception: .*"));
        assertThat(missing(confirmed, atLeastOnce))
                .as("confirmed events the plain group never handled")
                .isEmpty();
        assertThat(missing(confirmed, deduplicated))
                .as("confirmed events the dedup group never handled")
                .isEmpty();
        assertThat(duplicatesInDedupGroup)
                .as("events handed twice to the de-duplicating group's handler")
                .isZero();
    }

    private static Set<String> missing(Set<String> confirmed, Map<String, AtomicInteger> handled) {
        Set<String> missing = new java.util.HashSet<>();
        for (String id : confirmed) {
            if (!handled.containsKey(id)) {
                missing.add(id);
            }
        }
        return missing;
    }

    private static void awaitIssued(AtomicInteger issued, int n) {
        while (issued.get() < n) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
