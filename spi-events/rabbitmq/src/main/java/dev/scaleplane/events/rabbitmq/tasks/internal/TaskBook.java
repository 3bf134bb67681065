package dev.scaleplane.events.rabbitmq.tasks.internal;

import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskFailedException;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.orchestration.support.RetentionQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What this process knows about tasks: an {@link Entry} per task it submitted, leased or heard of, how a task's
 * future ends, the finished ones kept for the retention, and the cancellations other processes announced. The broker
 * holds the tasks themselves; this is only this process's view of them.
 *
 * <p>Guarded by the queue's monitor: every method is called with it held. Futures complete after it is released.
 */
final class TaskBook {
    private final Map<String, Entry> tasks = new HashMap<>();
    private final RetentionQueue<Entry> finished;
    /** Tasks another process cancelled that this process may still find in a queue, with when to forget them. */
    private final Map<String, Instant> remoteCancels = new LinkedHashMap<>();

    private final TaskClock clock;
    private final Duration retention;
    private final QueueMonitor monitor;
    private final Function<? super Entry, ? extends TaskHandle> handles;
    /** This process's leases; read by the leased gauge without the monitor. */
    private volatile int leased;

    /**
     * @param handles makes the handle of an entry (again for a redriven task, which gets a new handle)
     */
    TaskBook(
            TaskQueueOptions options,
            TaskClock clock,
            QueueMonitor monitor,
            Function<? super Entry, ? extends TaskHandle> handles) {
        this.finished = new RetentionQueue<>(options.retention(), options.retentionCapacity(), this::forget);
        this.retention = options.retention();
        this.clock = clock;
        this.monitor = monitor;
        this.handles = handles;
    }

    @Nullable
    Entry get(String taskId) {
        return tasks.get(taskId);
    }

    /** This process's leases now; any thread. */
    int leased() {
        return leased;
    }

    /** A lease was granted here. */
    void leaseStarted() {
        leased++;
    }

    /** A lease granted here ended. */
    void leaseEnded() {
        leased--;
    }

    /** Every entry, for closing and for a lost channel. */
    Collection<Entry> entries() {
        return tasks.values();
    }

    /** Records a task this process submitted. */
    Entry add(String id, TaskRequest request, int maxAttempts, Instant submittedAt) {
        Entry e = new Entry(id, request, maxAttempts, submittedAt, handles);
        tasks.put(e.id, e);
        return e;
    }

    /** Records a task this process found in the broker. */
    Entry remember(TaskMessage msg) {
        return add(msg.id, msg.request, msg.maxAttempts, msg.submittedAt);
    }

    /**
     * Records the task another process submitted first with an idempotency key, known here only by that: it is
     * forgotten after the retention unless it is leased here then.
     */
    Entry addRemote(String id, TaskRequest request, int maxAttempts, Instant now) {
        Entry e = add(id, request, maxAttempts, now);
        e.remote = true;
        finished.add(e, now);
        return e;
    }

    /** Gives a redriven task a new future and handle, queued again. */
    void renew(Entry e) {
        e.future = new CompletableFuture<>();
        e.handle = handles.apply(e);
        e.state = TaskState.QUEUED;
    }

    /** The task succeeded: its future completes with {@code result} once the monitor is released. */
    void succeed(Entry e, @Nullable Object result) {
        e.state = TaskState.SUCCEEDED;
        CompletableFuture<@Nullable Object> f = e.future;
        monitor.defer(() -> f.complete(result));
        forgetLater(e);
    }

    /** The task ended without success: its future is cancelled or fails once the monitor is released. */
    void finish(Entry e, TaskState state, String why, @Nullable Throwable cause) {
        e.state = state;
        CompletableFuture<@Nullable Object> f = e.future;
        switch (state) {
            case CANCELLED -> monitor.defer(() -> f.cancel(false));
            case FAILED, DEAD_LETTERED -> {
                TaskFailedException failure =
                        new TaskFailedException(e.id, e.request.type(), state, e.attempt, why, cause);
                monitor.defer(() -> f.completeExceptionally(failure));
            }
            default -> throw new IllegalStateException("not a failure state: " + state);
        }
        if (state != TaskState.DEAD_LETTERED) {
            forgetLater(e);
        }
    }

    /** Keeps a finished task for the retention. */
    void forgetLater(Entry e) {
        finished.add(e, clock.now());
    }

    /** Forgets the finished tasks and the cancellations whose retention passed. */
    void forgetExpired(Instant now) {
        Iterator<Instant> cancels = remoteCancels.values().iterator();
        while (cancels.hasNext() && !cancels.next().isAfter(now)) {
            cancels.remove();
        }
        finished.expire(now);
    }

    /** Another process cancelled the task: a message of it found here is dropped, for the retention. */
    void cancelledElsewhere(String taskId) {
        remoteCancels.put(taskId, clock.now().plus(retention));
    }

    /** Forgets a cancellation from elsewhere; whether there was one. */
    boolean forgetCancel(String taskId) {
        return remoteCancels.remove(taskId) != null;
    }

    /** Forgets a task whose retention passed, unless it was redriven meanwhile or is a remote one under lease here. */
    private void forget(Entry e) {
        boolean done = e.state.isTerminal() && e.state != TaskState.DEAD_LETTERED;
        if ((done || (e.remote && e.lease == null)) && tasks.get(e.id) == e) {
            tasks.remove(e.id);
        }
    }
}
