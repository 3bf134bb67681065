package dev.scaleplane.core.internal.tracing;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.core.orchestration.TaskHandler;
import org.jspecify.annotations.Nullable;

/**
 * Spans for publish, handle and task execution, following the OpenTelemetry messaging semantic conventions, linked
 * by the W3C {@code traceparent} every event carries: the publish span's context becomes the event's traceparent, the
 * handle span is its child, and a publish made inside a handler (or a task) is a child of that handler's span, so a
 * chain publish → handle → publish → handle is one trace across any broker.
 *
 * <p>A no-op unless {@code io.opentelemetry:opentelemetry-api} is on the class path (checked once; the dependency is
 * optional) and the application has registered an SDK with {@code GlobalOpenTelemetry} (checked on every call, so an
 * SDK registered after the platform was built still takes effect). This class names no OpenTelemetry type, so it
 * loads without the API.
 *
 * <p>Thread-safe: stateless apart from the OpenTelemetry globals.
 */
public final class Tracing {

    /** Whether the OpenTelemetry API is on the class path; the one place that decides whether OTel classes load. */
    private static final boolean API_PRESENT = apiPresent();

    private Tracing() {}

    /** A started publish span and the event to send, whose traceparent names that span. */
    public interface Publish {
        /** The event to hand to the backend: the published one, its traceparent set to the publish span's context. */
        Event<?> event();

        /**
         * Ends the span, as failed if {@code failure} is not null. Call once, when the backend has the event or
         * failed to take it.
         */
        void end(@Nullable Throwable failure);
    }

    /**
     * Starts a {@code PRODUCER} span for publishing {@code event} to {@code topic}. Its parent is the span current on
     * this thread (a handler's or a task's span); without one, the event's traceparent when the caller set it
     * ({@code explicitTraceparent}), else the span starts a new trace.
     *
     * @param system the bus backend's name, for {@code messaging.system}
     * @param topic the destination, for {@code messaging.destination.name}
     * @param event the validated event
     * @param explicitTraceparent whether the event's traceparent came from the caller (and so names a real upstream
     *     span) rather than from the bus's envelope defaults
     * @return the span and the event to send, or {@code null} when tracing is off: then the caller sends
     *     {@code event} as it is and the publish path allocates and registers nothing for tracing (it is benchmarked)
     */
    public static @Nullable Publish publish(String system, String topic, Event<?> event, boolean explicitTraceparent) {
        return API_PRESENT ? OtelTracing.publish(system, topic, event, explicitTraceparent) : null;
    }

    /**
     * Wraps {@code handler} so that each invocation runs in a {@code CONSUMER} span whose parent is the handled
     * event's traceparent, current on the handler's thread while it runs; a failure the handler throws is recorded
     * on the span and rethrown unchanged.
     *
     * @param system the bus backend's name
     * @param topic the subscribed topic
     * @param group the consumer group
     * @return the wrapping handler, or {@code handler} itself when the OpenTelemetry API is absent
     */
    public static EventHandler<Object> handler(
            String system, String topic, String group, EventHandler<Object> handler) {
        if (!API_PRESENT) {
            return handler;
        }
        return event -> OtelTracing.handle(system, topic, group, event, handler);
    }

    /**
     * Runs {@code handler} on {@code task} in a span whose parent is the task's traceparent (or the current span when
     * the task has none), current while the handler runs; a failure is recorded and rethrown unchanged.
     *
     * @param workerId the worker running the task
     * @return what the handler returned
     * @throws Exception what the handler threw
     */
    public static @Nullable Object runTask(Task task, String workerId, TaskHandler handler) throws Exception {
        if (!API_PRESENT) {
            return handler.handle(task);
        }
        return OtelTracing.runTask(task, workerId, handler);
    }

    private static boolean apiPresent() {
        try {
            Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, Tracing.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
