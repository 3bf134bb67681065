package dev.scaleplane.core.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.PublishBatchException;
import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.api.events.PublishTimeoutException;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.bus.BusMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-memory bus's batch path ({@code publishAll}): a batch that fills one group's buffer, the checks that run
 * before anything is published, and the receipts. Batches under contention: {@link InMemoryHandOffTest}.
 */
class InMemoryEventBusBatchTest {

    private static final String TOPIC = "batch";
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    record Note(String text) {}

    private static final EventType<Note> NOTE = EventType.of("dev.scaleplane.test.batch.note.v1", Note.class);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private InMemoryEventBus bus;

    private InMemoryEventBus bus(int bufferSize, int partitions, Duration publishTimeout) {
        bus = new InMemoryEventBus(
                new MemoryBusSettings(bufferSize, 1, partitions, publishTimeout, Duration.ofSeconds(10), 1000),
                EventTypeRegistry.builder().register(NOTE).build(),
                URI.create("/test"),
                Clock.systemUTC(),
                new BusMetrics(registry, InMemoryEventBusProvider.NAME));
        return bus;
    }

    @AfterEach
    void close() {
        if (bus != null) {
            bus.close();
        }
    }

    private static Event<String> event(int producer, int key, int seq) {
        return Event.builder("test.batch.v1", producer + ":" + key + ":" + seq)
                .id(producer + ":" + key + ":" + seq)
                .source("/test")
                .subject("key-" + key)
                .build();
    }

    @Test
    void aBatchThatFillsOneGroupsBufferFailsTheRestAfterOneTimeoutWhileTheOtherGroupGetsEverything() throws Exception {
        // Long enough for the free group's worker to make room for the whole batch before the deadline.
        Duration timeout = Duration.ofSeconds(2);
        InMemoryEventBus bus = bus(4, 1, timeout);
        AtomicLong free = new AtomicLong();
        // The free group comes first in the topic, so the batch reaches it before the blocked group makes it wait.
        bus.subscribe(SubscriptionOptions.of(TOPIC, "free"), event -> free.incrementAndGet());
        CountDownLatch release = new CountDownLatch(1);
        List<String> blockedHandled = new ArrayList<>();
        bus.subscribe(SubscriptionOptions.of(TOPIC, "blocked"), event -> {
            release.await();
            synchronized (blockedHandled) {
                blockedHandled.add(event.id());
            }
        });
        List<Event<String>> events =
                IntStream.range(0, 10).mapToObj(i -> event(0, 0, i)).toList();

        long start = System.nanoTime();
        Throwable failure;
        try {
            failure = catchFailure(() -> bus.publishAll(TOPIC, events).join());
        } finally {
            release.countDown();
        }
        long waited = System.nanoTime() - start;

        assertThat(failure).isInstanceOfSatisfying(PublishBatchException.class, e -> {
            // The blocked group's ring holds 4 events (the first stays at the head while its handler blocks).
            assertThat(e.accepted()).containsOnlyKeys(0, 1, 2, 3);
            assertThat(e.accepted().get(2))
                    .isEqualTo(new PublishReceipt(TOPIC, events.get(2).id(), "memory"));
            assertThat(e.failures()).containsOnlyKeys(4, 5, 6, 7, 8, 9);
            assertThat(e.failures().values()).allSatisfy(f -> assertThat(f)
                    .isInstanceOf(PublishTimeoutException.class)
                    .hasMessageContaining("partition 0"));
        });
        assertThat(Duration.ofNanos(waited)).isGreaterThanOrEqualTo(timeout);
        awaitTrue(() -> free.get() == 10); // as with publish, a group that took an event keeps it
        awaitTrue(() -> {
            synchronized (blockedHandled) {
                return blockedHandled.size() == 4;
            }
        });
        assertThat(blockedHandled)
                .containsExactlyElementsOf(
                        events.subList(0, 4).stream().map(Event::id).toList());
        assertThat(bus.metrics().published(TOPIC).count()).isEqualTo(4);
        assertThat(bus.metrics().publishFailed(TOPIC).count()).isEqualTo(6);
    }

    @Test
    void aBatchWithAMislabelledEventPublishesNothing() throws Exception {
        InMemoryEventBus bus = bus(64, 1, Duration.ofSeconds(5));
        List<String> handled = new ArrayList<>();
        bus.subscribe(SubscriptionOptions.of(TOPIC, "g"), event -> {
            synchronized (handled) {
                handled.add(event.id());
            }
        });
        Event<?> good = Event.builder(NOTE, new Note("ok")).source("/test").build();
        Event<?> mislabelled =
                Event.builder(NOTE.name(), "not a Note").source("/test").build();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> bus.publishAll(TOPIC, List.of(good, mislabelled)))
                .withMessageContaining(mislabelled.id());
        Event<?> marker =
                Event.builder(NOTE, new Note("marker")).source("/test").build();
        bus.publish(TOPIC, marker).join();

        awaitTrue(() -> {
            synchronized (handled) {
                return handled.contains(marker.id());
            }
        });
        assertThat(handled)
                .as("only the marker; the valid event of the refused batch was not published")
                .containsExactly(marker.id());
    }

    @Test
    void theReceiptsOfAnAcceptedBatchAreMadeWhenReadAndCannotBeChanged() {
        InMemoryEventBus bus = bus(64, 1, Duration.ofSeconds(5));
        bus.subscribe(SubscriptionOptions.of(TOPIC, "g"), event -> {});
        List<Event<String>> events = new ArrayList<>(List.of(event(0, 0, 0), event(0, 1, 0)));

        List<PublishReceipt> receipts = bus.publishAll(TOPIC, events).join();
        events.set(0, event(0, 2, 0));

        assertThat(receipts)
                .containsExactly(
                        new PublishReceipt(TOPIC, "0:0:0", "memory"), new PublishReceipt(TOPIC, "0:1:0", "memory"));
        assertThatThrownBy(() -> receipts.set(0, receipts.get(1))).isInstanceOf(UnsupportedOperationException.class);
    }

    private static Throwable catchFailure(Runnable call) {
        try {
            call.run();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("the call completed normally; it must fail");
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline)
                    .as("condition not met in time")
                    .isNegative();
            Thread.sleep(1);
        }
    }
}
