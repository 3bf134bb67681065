package dev.scaleplane.events.kafka.tasks.internal;

import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.events.kafka.tasks.internal.TaskRecords.Snapshot;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A task of a partition this member owns, as its owner holds it in memory. Guarded by the queue's monitor. */
final class OwnedTask {
    final int partition;
    final String routingKey;
    /** The latest version read or written. */
    Snapshot snapshot;
    /** The task's version: bumped by every record and state this member writes for it. */
    long version;
    /** The offset of its latest task record: the partition's commits never pass it while the task is unfinished. */
    long offset;
    /** Arrival order among tasks ready at the same instant. */
    long seq;

    @Nullable
    Leases.LeaseImpl lease;

    /**
     * A write that ends or requeues the task is in flight ({@link GroupCommit}): it is neither leased nor queued, and
     * nothing else may end it meanwhile (a cancel, its deadline).
     */
    boolean writing;

    /** The {@code LEASED} state of its current lease, until it is published (see {@link OwnedTasks#publishLeases}). */
    @Nullable
    StateView unpublishedLease;

    TaskClock.@Nullable Cancellable deadlineTimer;

    OwnedTask(int partition, String routingKey) {
        this.partition = partition;
        this.routingKey = routingKey;
    }

    /** Its state record for {@code state} at the current version, learnt at {@code now}. */
    StateView stateView(TaskState state, int attempts, @Nullable Object result, String message, Instant now) {
        Snapshot s = snapshot;
        return new StateView(
                s.id(),
                state,
                version,
                s.request().type(),
                attempts,
                partition,
                routingKey,
                s.request().idempotencyKey(),
                s.submittedAt(),
                result,
                message,
                now);
    }
}
