package dev.scaleplane.core.store;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.core.logging.RateLimitedLog;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Records a platform decision (a scaling decision, a capacity shortfall, an SLO verdict) the way every component of
 * the SDK does: appended to its stream first, waiting, so the audit trail holds a decision before anyone acts on it;
 * then published without waiting, a failed publish logged rate-limited (the stream already holds the event, so a
 * subscriber that missed it can read it there).
 *
 * <pre>{@code
 * EventRecorder recorder = new EventRecorder(failures, "Scaling decision");
 * recorder.append(platform, "scaling-" + pool, event); // throws if the store fails: handle or rethrow
 * recorder.publish(platform, "scaling", event);         // never throws
 * }</pre>
 *
 * <p>Thread-safe: it holds no state but the log it reports to.
 */
public final class EventRecorder {
    private final RateLimitedLog failures;
    private final String what;

    /**
     * Creates a recorder.
     *
     * @param failures where failed publishes are logged (key {@code "publish-<topic>"}), rate-limited
     * @param what what the events are, for the log ("Scaling decision"); the message adds the event's subject
     */
    public EventRecorder(RateLimitedLog failures, String what) {
        this.failures = Objects.requireNonNull(failures, "failures");
        this.what = Objects.requireNonNull(what, "what");
    }

    /**
     * Appends {@code event} to {@code stream} (expected version any) and waits for the store.
     *
     * @throws RuntimeException the store's failure to append, unwrapped from the future
     */
    public void append(Platform platform, String stream, Event<?> event) {
        try {
            platform.store().append(stream, ExpectedVersion.ANY, List.of(event)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Publishes {@code event} on {@code topic} without waiting; a failure, thrown or completed, is logged. */
    public void publish(Platform platform, String topic, Event<?> event) {
        publish(topic, event.subject(), () -> platform.events().publish(topic, event));
    }

    /**
     * Publishes {@code data} (wrapped by the bus as its registered type) on {@code topic} without waiting; a failure,
     * thrown or completed, is logged naming {@code subject}.
     */
    public void publish(Platform platform, String topic, Object data, String subject) {
        publish(topic, subject, () -> platform.events().publish(topic, data));
    }

    private void publish(String topic, @Nullable String subject, Supplier<CompletableFuture<?>> publishing) {
        try {
            publishing.get().whenComplete((r, e) -> {
                if (e != null) {
                    publishFailed(topic, subject, e);
                }
            });
        } catch (RuntimeException e) {
            publishFailed(topic, subject, e);
        }
    }

    private void publishFailed(String topic, @Nullable String subject, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        failures.warn("publish-" + topic, "{} of {} not published on {}: {}", what, subject, topic, cause.toString());
    }
}
