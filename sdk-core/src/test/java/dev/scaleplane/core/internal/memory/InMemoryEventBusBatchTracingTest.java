package dev.scaleplane.core.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.PublishBatchException;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.core.internal.tracing.SpanChains;
import dev.scaleplane.testing.TestProviderContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Publish spans of {@code publishAll}: one per event, whether the bus takes the batch at once or not. */
class InMemoryEventBusBatchTracingTest {

    @RegisterExtension
    static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final EventBus bus =
            new InMemoryEventBusProvider().create(TestProviderContext.builder().build());

    @AfterEach
    void close() {
        bus.close();
    }

    private static Event<String> event(int i) {
        return Event.builder("test.batch.v1", "e" + i)
                .id("e" + i)
                .source("/test")
                .subject("k" + (i % 2))
                .build();
    }

    @Test
    void eachEventOfABatchIsSentInItsOwnSpanThatTheDeliveredEventNames() {
        Map<String, Event<Object>> delivered = new ConcurrentHashMap<>();
        bus.subscribe(SubscriptionOptions.of("orders", "reader"), e -> delivered.put(e.id(), e));

        bus.publishAll("orders", IntStream.range(0, 3).mapToObj(i -> event(i)).toList())
                .join();

        await().atMost(WAIT).until(() -> delivered.size() == 3);
        await().atMost(WAIT).until(() -> sends().size() == 3);
        Map<String, SpanData> byId = sends().stream()
                .collect(Collectors.toMap(s -> s.getAttributes().get(SpanChains.MESSAGE_ID), Function.identity()));
        assertThat(byId).containsOnlyKeys("e0", "e1", "e2");
        byId.forEach((id, span) -> {
            assertThat(span.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(span.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
            assertThat(delivered.get(id).traceparent()).isEqualTo(SpanChains.traceparentOf(span));
        });
    }

    @Test
    void theSpansOfEventsABatchCouldNotHandOverEndFailedAndTheOthersNot() {
        InMemoryEventBus small = new InMemoryEventBus(
                new MemoryBusSettings(2, 1, 1, Duration.ofMillis(200), Duration.ofSeconds(10), 100),
                EventTypeRegistry.empty(),
                URI.create("/test"),
                Clock.systemUTC(),
                new BusMetrics(new SimpleMeterRegistry(), InMemoryEventBusProvider.NAME));
        CountDownLatch release = new CountDownLatch(1);
        try {
            small.subscribe(SubscriptionOptions.of("orders", "stuck"), e -> release.await());
            List<Event<String>> events = IntStream.range(0, 4)
                    .mapToObj(i -> Event.builder("test.batch.v1", "x" + i)
                            .id("e" + i)
                            .source("/test")
                            .build())
                    .toList();

            Throwable failure = null;
            try {
                small.publishAll("orders", events).join();
            } catch (CompletionException e) {
                failure = e.getCause();
            }

            // Two slots: the first two events are taken, the last two time out.
            assertThat(failure).isInstanceOfSatisfying(PublishBatchException.class, e -> assertThat(e.failures())
                    .containsOnlyKeys(2, 3));
            await().atMost(WAIT).until(() -> sends().size() == 4);
            Map<String, StatusCode> status = sends().stream()
                    .collect(Collectors.toMap(s -> s.getAttributes().get(SpanChains.MESSAGE_ID), s -> s.getStatus()
                            .getStatusCode()));
            assertThat(status.get("e0")).isNotEqualTo(StatusCode.ERROR);
            assertThat(status.get("e1")).isNotEqualTo(StatusCode.ERROR);
            assertThat(status.get("e2")).isEqualTo(StatusCode.ERROR);
            assertThat(status.get("e3")).isEqualTo(StatusCode.ERROR);
        } finally {
            release.countDown();
            small.close();
        }
    }

    private static List<SpanData> sends() {
        return OTEL.getSpans().stream()
                .filter(s -> s.getName().equals("send orders"))
                .toList();
    }
}
