package dev.scaleplane.core.internal.tracing;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.core.orchestration.TaskHandler;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.jspecify.annotations.Nullable;

/**
 * The OpenTelemetry side of {@link Tracing}; loaded only when the API is on the class path.
 *
 * <p>Attribute names are those of the messaging semantic conventions (v1.26 and later: {@code messaging.operation.type}
 * {@code send} for the producer span, {@code process} for the consumer span). Thread-safe.
 */
final class OtelTracing {
    /** The instrumentation scope name of every span the SDK makes. */
    static final String SCOPE = "dev.scaleplane";

    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("scaleplane.event.type");
    static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("scaleplane.task.id");
    static final AttributeKey<String> TASK_TYPE = AttributeKey.stringKey("scaleplane.task.type");
    static final AttributeKey<Long> TASK_ATTEMPT = AttributeKey.longKey("scaleplane.task.attempt");
    static final AttributeKey<String> WORKER_ID = AttributeKey.stringKey("scaleplane.worker.id");

    /** The global instance the cached tracer came from; replaced together with it when the global changes. */
    private static volatile @Nullable Cached cached;

    private OtelTracing() {}

    private record Cached(OpenTelemetry openTelemetry, Tracer tracer) {}

    /** The tracer of the registered SDK, or null when none is registered (then every span would be a no-op). */
    private static @Nullable Tracer tracer() {
        // getOrNoop, not get: get() would try to auto-configure an SDK the application did not ask for.
        OpenTelemetry global = GlobalOpenTelemetry.getOrNoop();
        if (global == OpenTelemetry.noop()) {
            return null;
        }
        Cached c = cached;
        if (c == null || c.openTelemetry != global) {
            c = new Cached(global, global.getTracer(SCOPE));
            cached = c;
        }
        return c.tracer;
    }

    static Tracing.@Nullable Publish publish(String system, String topic, Event<?> event, boolean explicitTraceparent) {
        Tracer tracer = tracer();
        if (tracer == null) {
            return null;
        }
        Context parent = Context.current();
        TraceParent carried = event.traceparent();
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            // Outside any span: an explicit traceparent names the upstream span; the bus's own default (a fresh
            // random root) names no real span, so the publish span starts the trace instead.
            parent = explicitTraceparent && carried != null ? remote(carried) : Context.root();
        }
        Span span = tracer.spanBuilder("send " + topic)
                .setSpanKind(SpanKind.PRODUCER)
                .setParent(parent)
                .setAttribute(SYSTEM, system)
                .setAttribute(DESTINATION, topic)
                .setAttribute(OPERATION_TYPE, "send")
                .setAttribute(OPERATION_NAME, "send")
                .setAttribute(MESSAGE_ID, event.id())
                .setAttribute(EVENT_TYPE, event.type())
                .startSpan();
        SpanContext sc = span.getSpanContext();
        Event<?> sent = event;
        if (sc.isValid()) {
            // The broker carries the publish span's context, so the handler's span becomes its child.
            sent = event.toBuilder()
                    .traceparent(new TraceParent(
                            sc.getTraceId(), sc.getSpanId(), sc.getTraceFlags().asByte()))
                    .build();
        }
        return new Started(span, sent);
    }

    static void handle(String system, String topic, String group, Event<Object> event, EventHandler<Object> handler)
            throws Exception {
        Tracer tracer = tracer();
        if (tracer == null) {
            handler.handle(event);
            return;
        }
        TraceParent carried = event.traceparent();
        Span span = tracer.spanBuilder("process " + topic)
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(carried != null ? remote(carried) : Context.current())
                .setAttribute(SYSTEM, system)
                .setAttribute(DESTINATION, topic)
                .setAttribute(OPERATION_TYPE, "process")
                .setAttribute(OPERATION_NAME, "process")
                .setAttribute(MESSAGE_ID, event.id())
                .setAttribute(CONSUMER_GROUP, group)
                .setAttribute(EVENT_TYPE, event.type())
                .startSpan();
        inSpan(span, () -> {
            handler.handle(event);
            return null;
        });
    }

    static @Nullable Object runTask(Task task, String workerId, TaskHandler handler) throws Exception {
        Tracer tracer = tracer();
        if (tracer == null) {
            return handler.handle(task);
        }
        TraceParent carried = task.request().traceparent();
        Span span = tracer.spanBuilder("task " + task.type())
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(carried != null ? remote(carried) : Context.current())
                .setAttribute(OPERATION_TYPE, "process")
                .setAttribute(MESSAGE_ID, task.id())
                .setAttribute(TASK_ID, task.id())
                .setAttribute(TASK_TYPE, task.type())
                .setAttribute(TASK_ATTEMPT, (long) task.attempt())
                .setAttribute(WORKER_ID, workerId)
                .startSpan();
        return inSpan(span, () -> handler.handle(task));
    }

    /** Work that runs in a span. */
    private interface Body {
        @Nullable
        Object run() throws Exception;
    }

    /**
     * Runs {@code body} with {@code span} current on this thread (so what it publishes becomes the span's child),
     * records a failure on the span and rethrows it unchanged, and ends the span.
     */
    private static @Nullable Object inSpan(Span span, Body body) throws Exception {
        Scope scope = span.makeCurrent();
        try {
            return body.run();
        } catch (Throwable t) {
            failed(span, t);
            throw t;
        } finally {
            scope.close();
            span.end();
        }
    }

    private static Context remote(TraceParent tp) {
        SpanContext sc = SpanContext.createFromRemoteParent(
                tp.traceId(), tp.parentId(), TraceFlags.fromByte(tp.flags()), TraceState.getDefault());
        return Context.root().with(Span.wrap(sc));
    }

    private static void failed(Span span, Throwable t) {
        span.recordException(t);
        span.setStatus(StatusCode.ERROR, t.getClass().getName());
    }

    /** A publish span in flight. */
    private record Started(Span span, Event<?> event) implements Tracing.Publish {
        @Override
        public void end(@Nullable Throwable failure) {
            if (failure != null) {
                failed(span, failure);
            }
            span.end();
        }
    }
}
