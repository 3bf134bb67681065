package dev.scaleplane.core.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.DeadLetters;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.PublishException;
import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.spi.Capabilities;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.internal.memory.InMemoryEventBusProvider;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventBridgeTest {
    record Note(String text, int n) {}

    static final EventType<Note> NOTE = EventType.of("dev.scaleplane.test.bridge.note.v1", Note.class);
    static final EventTypeRegistry TYPES =
            EventTypeRegistry.builder().register(NOTE).build();
    static final Duration WAIT = Duration.ofSeconds(30);

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private EventBus memoryBus() {
        EventBus bus = new InMemoryEventBusProvider().create(new Context(ScaleplaneProperties.of(Map.of())));
        open.add(bus);
        return bus;
    }

    private EventBridge started(EventBridge.Builder builder) {
        EventBridge bridge = builder.start();
        open.add(bridge);
        return bridge;
    }

    /** An event with every attribute and two user extensions set, so that nothing can be lost unnoticed. */
    static Event<Note> fullEvent(int n) {
        return Event.builder(NOTE, new Note("note " + n, n))
                .source(URI.create("/bridge/test"))
                .subject("subject-" + n)
                .time(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .tenant("tenant-" + (n % 3))
                .cluster("ams-1")
                .correlationId("corr-" + n)
                .causationId("cause-" + n)
                .partitionKey("key-" + (n % 7))
                .traceparent(TraceParent.newRoot())
                .extensions(Map.of("region", "eu-west", "shard", Integer.toString(n % 5)))
                .build();
    }

    /** Collects events by id, counting every delivery. */
    static final class Inbox implements EventHandler<Object> {
        final Map<String, Event<?>> events = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

        @Override
        public void handle(Event<Object> event) {
            events.put(event.id(), event);
            counts.computeIfAbsent(event.id(), k -> new AtomicInteger()).incrementAndGet();
        }

        int maxCount() {
            return counts.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
        }
    }

    @Test
    void forwardsEveryEventWithEveryAttributeInEitherDirection() {
        EventBus a = memoryBus();
        EventBus b = memoryBus();
        Inbox atB = new Inbox();
        Inbox atA = new Inbox();
        b.subscribe(SubscriptionOptions.of("orders", "reader"), atB);
        a.subscribe(SubscriptionOptions.of("replies", "reader"), atA);
        EventBridge ab = started(EventBridge.builder(a, "orders", b));
        EventBridge ba = started(EventBridge.builder(b, "replies-out", a).targetTopic("replies"));

        List<Event<Note>> orders =
                IntStream.range(0, 200).mapToObj(EventBridgeTest::fullEvent).toList();
        List<Event<Note>> replies =
                IntStream.range(200, 250).mapToObj(EventBridgeTest::fullEvent).toList();
        orders.forEach(e -> a.publish("orders", e).join());
        replies.forEach(e -> b.publish("replies-out", e).join());

        await().atMost(WAIT).until(() -> atB.events.size() == orders.size() && atA.events.size() == replies.size());
        for (Event<Note> sent : orders) {
            assertThat(atB.events.get(sent.id()))
                    .as("event %s at the far side", sent.id())
                    .isEqualTo(sent);
        }
        for (Event<Note> sent : replies) {
            assertThat(atA.events.get(sent.id())).isEqualTo(sent);
        }
        assertThat(atB.maxCount()).isEqualTo(1);
        assertThat(ab.forwarded()).isEqualTo(orders.size());
        assertThat(ba.forwarded()).isEqualTo(replies.size());
    }

    @Test
    void aFailingTargetThatRecoversLosesNothingAndDeliversNoDuplicate() {
        EventBus a = memoryBus();
        FlakyBus b = new FlakyBus(memoryBus());
        Inbox atB = new Inbox();
        b.subscribe(SubscriptionOptions.of("orders", "reader"), atB);
        b.down = true;
        EventBridge bridge = started(EventBridge.builder(a, "orders", b)
                .concurrency(4)
                .retryPolicy(RetryPolicy.builder()
                        .maxAttempts(Integer.MAX_VALUE)
                        .exponential(Duration.ofMillis(5), 2)
                        .maxDelay(Duration.ofMillis(50))
                        .build()));

        List<Event<Note>> sent =
                IntStream.range(0, 300).mapToObj(EventBridgeTest::fullEvent).toList();
        sent.forEach(e -> a.publish("orders", e).join());
        await().atMost(WAIT).until(() -> bridge.failedForwards() >= 20);
        assertThat(atB.events)
                .as("nothing reaches the far side while it is down")
                .isEmpty();
        b.down = false;

        await().atMost(WAIT).until(() -> atB.events.size() == sent.size());
        assertThat(atB.events.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        sent.stream().map(Event::id).toList());
        assertThat(atB.maxCount()).as("deliveries of one event at the far side").isEqualTo(1);
        assertThat(bridge.forwarded()).isEqualTo(sent.size());
        assertThat(a.deadLetters().list("orders", EventBridge.DEFAULT_GROUP, 10))
                .isEmpty();
    }

    @Test
    void anEventDeliveredTwiceByTheSourceIsForwardedOnce() {
        EventBus a = memoryBus();
        EventBus b = memoryBus();
        Inbox atB = new Inbox();
        b.subscribe(SubscriptionOptions.of("orders", "reader"), atB);
        EventBridge bridge = started(EventBridge.builder(a, "orders", b));

        Event<Note> event = fullEvent(1);
        a.publish("orders", event).join();
        a.publish("orders", event).join();
        Event<Note> next = fullEvent(2);
        a.publish("orders", next).join();

        await().atMost(WAIT).until(() -> atB.events.containsKey(next.id()));
        await().atMost(WAIT).until(() -> bridge.skippedDuplicates() == 1);
        assertThat(atB.counts.get(event.id())).hasValue(1);
        assertThat(bridge.forwarded()).isEqualTo(2);
    }

    @Test
    void anAmbiguousFailureIsFilteredByFarSideDeduplication() {
        EventBus a = memoryBus();
        FlakyBus b = new FlakyBus(memoryBus());
        Inbox plain = new Inbox();
        Inbox deduplicating = new Inbox();
        b.subscribe(SubscriptionOptions.of("orders", "plain"), plain);
        b.subscribe(
                SubscriptionOptions.builder("orders", "dedup")
                        .deduplicate(Duration.ofMinutes(5), 1000)
                        .build(),
                deduplicating);
        // The first publish is accepted by the far side but reported as failed, as after a lost confirm.
        b.acceptButFail.set(1);
        started(EventBridge.builder(a, "orders", b)
                .retryPolicy(RetryPolicy.builder()
                        .maxAttempts(10)
                        .fixed(Duration.ofMillis(1))
                        .build()));

        Event<Note> event = fullEvent(1);
        a.publish("orders", event).join();

        await().atMost(WAIT)
                .until(() -> plain.counts.containsKey(event.id())
                        && plain.counts.get(event.id()).get() == 2);
        await().atMost(WAIT).until(() -> deduplicating.events.containsKey(event.id()));
        assertThat(deduplicating.counts.get(event.id())).hasValue(1);
    }

    @Test
    void aBridgeFromATopicToItselfIsRefused() {
        EventBus a = memoryBus();
        assertThatThrownBy(() -> EventBridge.builder(a, "orders", a).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("to itself");
        assertThatThrownBy(() -> EventBridge.builder(a, "bad topic", a)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeEndsForwarding() {
        EventBus a = memoryBus();
        EventBus b = memoryBus();
        Inbox atB = new Inbox();
        b.subscribe(SubscriptionOptions.of("orders", "reader"), atB);
        EventBridge bridge = started(EventBridge.builder(a, "orders", b));
        Event<Note> first = fullEvent(1);
        a.publish("orders", first).join();
        await().atMost(WAIT).until(() -> atB.events.containsKey(first.id()));

        bridge.close();
        assertThat(bridge.isActive()).isFalse();
        a.publish("orders", fullEvent(2)).join();
        b.publish("orders", fullEvent(3)).join();
        await().atMost(WAIT).until(() -> atB.events.size() == 2);
        assertThat(atB.events).doesNotContainKey(fullEvent(2).id());
        assertThat(bridge.forwarded()).isEqualTo(1);
    }

    /** A bus whose publish fails while {@code down}, or accepts and then reports failure a given number of times. */
    static final class FlakyBus implements EventBus {
        final EventBus delegate;
        volatile boolean down;
        final AtomicInteger acceptButFail = new AtomicInteger();
        final List<String> refused = new CopyOnWriteArrayList<>();

        FlakyBus(EventBus delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<PublishReceipt> publish(String topic, Event<?> event) {
            if (down) {
                refused.add(event.id());
                return CompletableFuture.failedFuture(
                        new PublishException(topic, event.id(), "the far side is down", null));
            }
            if (acceptButFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return delegate.publish(topic, event)
                        .thenCompose(r -> CompletableFuture.failedFuture(
                                new PublishException(topic, event.id(), "confirm lost", null)));
            }
            return delegate.publish(topic, event);
        }

        @Override
        public CompletableFuture<PublishReceipt> publish(String topic, Object data) {
            return delegate.publish(topic, data);
        }

        @Override
        public <T> Subscription subscribe(SubscriptionOptions options, EventType<T> type, EventHandler<T> handler) {
            return delegate.subscribe(options, type, handler);
        }

        @Override
        public Subscription subscribe(SubscriptionOptions options, EventHandler<Object> handler) {
            return delegate.subscribe(options, handler);
        }

        @Override
        public DeadLetters deadLetters() {
            return delegate.deadLetters();
        }

        @Override
        public Capabilities capabilities() {
            return delegate.capabilities();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private record Context(ConfigProperties config) implements ProviderContext {
        @Override
        public EventTypeRegistry eventTypes() {
            return TYPES;
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public URI source() {
            return URI.create("/bridge/test");
        }

        @Override
        public <T> Optional<T> component(Class<T> type) {
            return Optional.empty();
        }
    }
}
