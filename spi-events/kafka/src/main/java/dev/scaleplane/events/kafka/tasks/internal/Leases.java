package dev.scaleplane.events.kafka.tasks.internal;

import static dev.scaleplane.events.kafka.tasks.internal.QueueContext.log;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.orchestration.TaskQueueMetrics;
import dev.scaleplane.core.orchestration.support.TaskLifecycle;
import dev.scaleplane.events.kafka.tasks.internal.TaskRecords.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Leases on the tasks this member owns: granting them in the order {@link OwnedTasks#pick} gives, their expiry on the
 * {@link TaskClock}, and {@link LeaseImpl}, a worker's hold on one attempt. Leases live in the owning process only;
 * when a partition is revoked its leases are lost ({@code EXPIRED}) before the next owner replays it, so a task is
 * leased by one member at a time.
 *
 * <p>Guarded by the queue's monitor ({@link QueueContext#lock}): {@link #grant} runs under it; the lease's own methods
 * and its expiry take it.
 */
final class Leases {
    private final QueueContext ctx;
    private final OwnedTasks owned;
    private final StateViews views;
    private final TaskOutcomes outcomes;
    private final TaskQueueMetrics metrics;

    Leases(QueueContext ctx, OwnedTasks owned, StateViews views, TaskOutcomes outcomes, TaskQueueMetrics metrics) {
        this.ctx = ctx;
        this.owned = owned;
        this.views = views;
        this.outcomes = outcomes;
        this.metrics = metrics;
    }

    /** Leases up to {@code maxTasks} ready tasks of {@code types} (all if empty) to {@code workerId}. */
    List<Lease> grant(String workerId, int maxTasks, Duration visibilityTimeout, Set<String> types) {
        List<Lease> out = new ArrayList<>();
        Instant now = ctx.clock.now();
        while (out.size() < maxTasks) {
            OwnedTask e = owned.pick(now, types);
            if (e == null) {
                break;
            }
            owned.lease(e);
            Snapshot s = e.snapshot;
            Task task = new Task(s.id(), s.request(), s.attempts() + 1, s.maxAttempts(), s.submittedAt());
            LeaseImpl lease = new LeaseImpl(e, task, workerId, now.plus(visibilityTimeout));
            e.lease = lease;
            lease.schedule(visibilityTimeout);
            e.version++;
            StateView sv = e.stateView(TaskState.LEASED, s.attempts() + 1, null, "", ctx.clock.now());
            owned.leased(e, sv); // written to the state topic at the next commit round if still leased then
            views.apply(sv);
            metrics.waited(Duration.between(s.readyAt(), now));
            out.add(lease);
        }
        return out;
    }

    /** The clock action at a lease's expiry, unless it was heartbeaten, ended or lost meanwhile. */
    private void onExpired(LeaseImpl lease) {
        GroupCommit.Write w = null;
        OwnedTask e = lease.entry;
        synchronized (ctx.lock) {
            if (ctx.closed() || lease.ended || e.lease != lease) {
                return;
            }
            Instant now = ctx.clock.now();
            owned.release(e);
            lease.reason = LeaseLostException.Reason.EXPIRED;
            metrics.leaseExpired();
            TaskFailure f = TaskLifecycle.leaseLapsed(lease.task.attempt(), lease.workerId, lease.expiresAt, now);
            try {
                w = outcomes.afterFailedAttempt(e, f, null).write();
            } catch (RuntimeException ex) {
                // A clock action must not throw: keep the task queued here; its record in Kafka is still valid.
                log.error(
                        "Kafka task queue {}: recording the lapse of task {} failed: {}",
                        ctx.config.topicPrefix(),
                        e.snapshot.id(),
                        ex.toString());
                owned.restoreAfterFailedWrite(e);
            }
        }
        ctx.drainCompletions();
        outcomes.awaitQuietly(w, e.snapshot.id(), "recording the lapse of task");
    }

    /** A lease held by a worker of this process. Guarded by the queue's monitor. */
    final class LeaseImpl implements Lease {
        final OwnedTask entry;
        final Task task;
        final String workerId;
        Instant expiresAt;
        boolean ended;
        LeaseLostException.Reason reason = LeaseLostException.Reason.ENDED;
        TaskClock.@Nullable Cancellable timer;

        LeaseImpl(OwnedTask entry, Task task, String workerId, Instant expiresAt) {
            this.entry = entry;
            this.task = task;
            this.workerId = workerId;
            this.expiresAt = expiresAt;
        }

        void schedule(Duration in) {
            timer = ctx.clock.schedule(in, () -> onExpired(this));
        }

        void cancelTimer() {
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
        }

        /** Called by {@link OwnedTasks#release} as it takes the lease off its task. */
        void released() {
            ended = true;
            cancelTimer();
        }

        /** Ends the lease for a reason other than its own complete or fail. */
        void end(LeaseLostException.Reason why) {
            owned.release(entry);
            reason = why;
        }

        private void requireActive() {
            if (ended || entry.lease != this) {
                throw new LeaseLostException(task.id(), workerId, task.attempt(), reason, expiresAt);
            }
        }

        @Override
        public Task task() {
            return task;
        }

        @Override
        public String workerId() {
            return workerId;
        }

        @Override
        public Instant expiresAt() {
            synchronized (ctx.lock) {
                return expiresAt;
            }
        }

        @Override
        public Instant heartbeat(Duration extension) {
            TaskLifecycle.requirePositive(extension, "extension");
            synchronized (ctx.lock) {
                requireActive();
                cancelTimer();
                expiresAt = ctx.clock.now().plus(extension);
                schedule(extension);
                return expiresAt;
            }
        }

        @Override
        public void complete(@Nullable Object result) {
            GroupCommit.Write w = succeed(result, false);
            ctx.drainCompletions();
            // Outside the monitor: completions of many workers share the broker's acknowledgement.
            w.await();
        }

        /**
         * Sends the records at once and returns; the future completes on the group commit's callback thread once they
         * are acknowledged and applied (the task's handle first), never on the thread that applies acknowledgements,
         * so a dependent stage may submit or end another lease. The lease's timer is cancelled now: the task is being
         * written, neither leased nor ready, so a slow acknowledgement cannot make it lapse and be leased again; a
         * refused write puts it back in the queue.
         */
        @Override
        public CompletableFuture<@Nullable Void> completeAsync(@Nullable Object result) {
            GroupCommit.Write w;
            try {
                w = succeed(result, true);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            ctx.drainCompletions();
            return w.applied();
        }

        /**
         * Ends the lease under the monitor and sends the success's records after releasing it: the monitor is shared
         * by every submitter, worker and consumer, and encoding and handing records to the producer need none of its
         * state (the task is {@link OwnedTask#writing} meanwhile, see {@link TaskOutcomes#prepareFinish}).
         */
        private GroupCommit.Write succeed(@Nullable Object result, boolean detached) {
            JsonNode resultJson = null;
            RuntimeException unencodable = null;
            try {
                resultJson = TaskRecords.tree("result", result);
            } catch (IllegalArgumentException ex) {
                unencodable = ex; // thrown once the lease is known to be active, as a refused write would be
            }
            TaskOutcomes.Ending ending;
            synchronized (ctx.lock) {
                requireActive();
                owned.release(entry);
                reason = LeaseLostException.Reason.ENDED;
                entry.snapshot = new Snapshot(
                        task.id(),
                        task.request(),
                        task.maxAttempts(),
                        task.attempt(),
                        task.submittedAt(),
                        entry.snapshot.readyAt(),
                        entry.snapshot.failures(),
                        entry.version);
                if (unencodable != null) {
                    owned.restoreAfterFailedWrite(entry);
                    throw unencodable;
                }
                ending = outcomes.prepareFinish(
                        entry, TaskState.SUCCEEDED, result, resultJson, "", metrics::succeeded, detached);
            }
            return ending.send();
        }

        @Override
        public FailureOutcome fail(Throwable failure) {
            Objects.requireNonNull(failure, "failure");
            TaskOutcomes.Verdict verdict = failed(failure, false);
            ctx.drainCompletions();
            verdict.write().await();
            return verdict.outcome();
        }

        /** As {@link #completeAsync}: the records are sent now, the future completes on the callback thread. */
        @Override
        public CompletableFuture<FailureOutcome> failAsync(Throwable failure) {
            Objects.requireNonNull(failure, "failure");
            TaskOutcomes.Verdict verdict;
            try {
                verdict = failed(failure, true);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            ctx.drainCompletions();
            FailureOutcome outcome = verdict.outcome();
            return verdict.write().applied().thenApply(ignored -> outcome);
        }

        /** Ends the lease, applies the retry policy and sends its records, under the monitor. */
        private TaskOutcomes.Verdict failed(Throwable failure, boolean detached) {
            synchronized (ctx.lock) {
                requireActive();
                owned.release(entry);
                reason = LeaseLostException.Reason.ENDED;
                TaskFailure f = TaskLifecycle.failure(task.attempt(), workerId, failure, ctx.clock.now());
                try {
                    return outcomes.afterFailedAttempt(entry, f, failure, detached);
                } catch (RuntimeException ex) {
                    owned.restoreAfterFailedWrite(entry);
                    throw ex;
                }
            }
        }
    }
}
