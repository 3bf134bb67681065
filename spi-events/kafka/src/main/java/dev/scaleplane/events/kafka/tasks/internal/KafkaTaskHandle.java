package dev.scaleplane.events.kafka.tasks.internal;

import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskState;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The submitter's view of a task, in any process: state from the {@link StateViews}, one result future per
 * generation (a redrive starts a new one). Thread-safe.
 */
final class KafkaTaskHandle implements TaskHandle {
    private final String id;
    private final QueueContext ctx;
    private final StateViews views;
    private final Predicate<String> cancel;
    private TaskState lastKnown = TaskState.QUEUED;
    /** The future this handle last returned; guarded by the queue's lock. */
    private @Nullable CompletableFuture<@Nullable Object> lastFuture;

    /**
     * Creates a handle.
     *
     * @param cancel the queue's {@code cancel(taskId)}
     */
    KafkaTaskHandle(String id, QueueContext ctx, StateViews views, Predicate<String> cancel) {
        this.id = id;
        this.ctx = ctx;
        this.views = views;
        this.cancel = cancel;
        StateView sv = views.get(id);
        if (sv != null) {
            lastKnown = sv.state();
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public CompletableFuture<@Nullable Object> result() {
        CompletableFuture<@Nullable Object> f;
        synchronized (ctx.lock) {
            // Once the task is forgotten (retention passed, or beyond the retention capacity) the views would make a
            // new future that never completes: the future this handle already gave out keeps the outcome.
            CompletableFuture<@Nullable Object> last = lastFuture;
            f = last != null && !views.contains(id) ? last : views.future(id);
            lastFuture = f;
        }
        ctx.drainCompletions();
        return f;
    }

    @Override
    public boolean cancel() {
        return cancel.test(id);
    }

    @Override
    public TaskState state() {
        synchronized (ctx.lock) {
            StateView sv = views.get(id);
            if (sv != null) {
                lastKnown = sv.state();
            }
            // Forgotten after the retention (or deleted by its finisher): the last state this handle saw.
            return lastKnown;
        }
    }

    @Override
    public String toString() {
        return "KafkaTaskHandle{" + id + '}';
    }
}
