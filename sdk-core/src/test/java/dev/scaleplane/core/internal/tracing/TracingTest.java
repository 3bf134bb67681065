package dev.scaleplane.core.internal.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.core.internal.memory.InMemoryEventBusProvider;
import dev.scaleplane.core.internal.tasks.InMemoryTaskQueue;
import dev.scaleplane.core.orchestration.Orchestrator;
import dev.scaleplane.testing.TestProviderContext;
import dev.scaleplane.testing.VirtualTaskClock;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Spans of the memory bus and the orchestrator on the memory task queue, with an OpenTelemetry SDK registered
 * globally (by the extension, for this class only) and an in-memory exporter.
 */
class TracingTest {

    @RegisterExtension
    static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

    record Note(String text) {}

    static final EventType<Note> NOTE = EventType.of("dev.scaleplane.test.tracing.note.v1", Note.class);
    static final EventTypeRegistry TYPES =
            EventTypeRegistry.builder().register(NOTE).build();
    static final Duration WAIT = Duration.ofSeconds(30);

    private final EventBus bus = new InMemoryEventBusProvider()
            .create(TestProviderContext.builder().eventTypes(TYPES).build());
    private final VirtualTaskClock clock = new VirtualTaskClock();
    private final InMemoryTaskQueue queue = new InMemoryTaskQueue(
            TaskQueueOptions.builder()
                    .retryPolicy(RetryPolicy.builder().maxAttempts(1).build())
                    .build(),
            clock,
            () -> 0.5);

    @AfterEach
    void close() {
        queue.close();
        bus.close();
    }

    @Test
    void publishHandlePublishHandleIsOneTraceOnTheMemoryBus() {
        CompletableFuture<Event<Object>> delivered = new CompletableFuture<>();
        bus.subscribe(
                SubscriptionOptions.of("orders", "shipper"), event -> bus.publish("shipments", new Note("shipped")));
        bus.subscribe(SubscriptionOptions.of("shipments", "notifier"), delivered::complete);

        bus.publish("orders", new Note("ordered")).join();

        Event<Object> last =
                delivered.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        await().atMost(WAIT).until(() -> OTEL.getSpans().size() >= 4);
        List<SpanData> chain = SpanChains.assertChain(OTEL.getSpans(), "memory", "orders", "shipments");
        // The bus carries the publish span's context: the delivered event names the span that sent it.
        assertThat(last.traceparent()).isEqualTo(SpanChains.traceparentOf(chain.get(2)));
        assertThat(chain.get(3).getAttributes().get(SpanChains.MESSAGE_ID)).isEqualTo(last.id());
        assertThat(chain.get(3).getAttributes().get(SpanChains.CONSUMER_GROUP)).isEqualTo("notifier");
    }

    @Test
    void aPublishedEventsOwnTraceparentParentsThePublishSpanOutsideAnySpan() {
        TraceParent upstream = TraceParent.newRoot();
        CompletableFuture<Event<Object>> delivered = new CompletableFuture<>();
        bus.subscribe(SubscriptionOptions.of("orders", "reader"), delivered::complete);

        bus.publish(
                        "orders",
                        Event.builder(NOTE, new Note("from upstream"))
                                .source(URI.create("/upstream"))
                                .time(Instant.now())
                                .traceparent(upstream)
                                .build())
                .join();

        delivered.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        await().atMost(WAIT).until(() -> OTEL.getSpans().size() >= 2);
        SpanData send = SpanChains.only(OTEL.getSpans(), "send orders").orElseThrow();
        assertThat(send.getTraceId()).isEqualTo(upstream.traceId());
        assertThat(send.getParentSpanId()).isEqualTo(upstream.parentId());
        assertThat(send.getParentSpanContext().isRemote()).isTrue();
    }

    @Test
    void aTaskRunsInASpanUnderItsTraceparentAndParentsWhatItPublishes() {
        TraceParent submitted = TraceParent.newRoot();
        CompletableFuture<Event<Object>> delivered = new CompletableFuture<>();
        bus.subscribe(SubscriptionOptions.of("deployed", "auditor"), delivered::complete);
        try (Orchestrator o =
                Orchestrator.builder(queue).clock(clock).executor(Runnable::run).build()) {
            o.register(WorkerSpec.of("w1", 1), task -> {
                bus.publish("deployed", new Note(task.payload(String.class)));
                return "ok";
            });
            TaskHandle handle = queue.submit(
                    TaskRequest.builder("deploy", "api").traceparent(submitted).build());
            assertThat(o.dispatchOnce()).isEqualTo(1);
            assertThat(handle.result().join()).isEqualTo("ok");
        }

        delivered.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        await().atMost(WAIT).until(() -> OTEL.getSpans().size() >= 3);
        SpanData task = SpanChains.only(OTEL.getSpans(), "task deploy").orElseThrow();
        assertThat(task.getTraceId()).isEqualTo(submitted.traceId());
        assertThat(task.getParentSpanId()).isEqualTo(submitted.parentId());
        assertThat(task.getAttributes().get(OtelTracing.TASK_TYPE)).isEqualTo("deploy");
        assertThat(task.getAttributes().get(OtelTracing.WORKER_ID)).isEqualTo("w1");
        assertThat(task.getAttributes().get(OtelTracing.TASK_ATTEMPT)).isEqualTo(1L);
        assertThat(task.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        SpanData send = SpanChains.only(OTEL.getSpans(), "send deployed").orElseThrow();
        assertThat(send.getParentSpanId()).isEqualTo(task.getSpanId());
        SpanData process = SpanChains.only(OTEL.getSpans(), "process deployed").orElseThrow();
        assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
        assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
    }

    @Test
    void aFailedTaskMarksItsSpanFailedWithTheException() {
        try (Orchestrator o =
                Orchestrator.builder(queue).clock(clock).executor(Runnable::run).build()) {
            o.register(WorkerSpec.of("w1", 1), task -> {
                throw new IllegalStateException("cluster unreachable");
            });
            TaskHandle handle = queue.submit(TaskRequest.of("deploy", "api"));
            assertThat(o.dispatchOnce()).isEqualTo(1);
            assertThat(handle.state()).isEqualTo(TaskState.DEAD_LETTERED);
        }

        SpanData task = SpanChains.only(OTEL.getSpans(), "task deploy").orElseThrow();
        assertThat(task.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(task.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
        // No traceparent on the task and no span around the dispatch: the task's span starts a trace.
        assertThat(task.getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void withoutARegisteredSdkNothingIsTracedAndEventsGoOutUnchanged() throws Exception {
        GlobalOpenTelemetry.resetForTest();
        try {
            Event<Note> event = Event.builder(NOTE, new Note("plain"))
                    .source(URI.create("/plain"))
                    .time(Instant.now())
                    .traceparent(TraceParent.newRoot())
                    .build();
            assertThat(Tracing.publish("memory", "orders", event, true)).isNull(); // sent as it is
            Task task = new Task("t1", TaskRequest.of("deploy", "api"), 1, 1, Instant.now());
            assertThat(Tracing.runTask(task, "w1", t -> "ran")).isEqualTo("ran");
            assertThat(OTEL.getSpans()).isEmpty();
        } finally {
            GlobalOpenTelemetry.set(OTEL.getOpenTelemetry());
        }
    }
}
