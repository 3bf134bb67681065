package dev.scaleplane.events.kafka.tasks.internal;

import static dev.scaleplane.events.kafka.tasks.internal.QueueContext.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.orchestration.TaskQueueMetrics;
import dev.scaleplane.core.orchestration.support.AttemptVerdict;
import dev.scaleplane.core.orchestration.support.TaskLifecycle;
import dev.scaleplane.events.kafka.tasks.internal.TaskRecords.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;

/**
 * How a task this member owns ends or runs again. An end (success, failure, cancel, deadline, dead letter) appends a
 * {@code done} record and a terminal state; a failed or lapsed attempt gets the {@link TaskLifecycle} verdict, and a
 * retry appends a new version of the task (attempts and failure history included). Each write is acknowledged before
 * memory changes, so a write the broker refuses leaves the task to be run again (at-least-once).
 *
 * <p>Not thread-safe: every method runs under the queue's monitor ({@link QueueContext#lock}), except {@link
 * #onDeadline}, a clock action, which takes it.
 */
final class TaskOutcomes {
    private final QueueContext ctx;
    private final TaskTopics topics;
    private final OwnedTasks owned;
    private final StateViews views;
    private final DeadLetterStore deadLetters;
    private final TaskQueueMetrics metrics;

    TaskOutcomes(
            QueueContext ctx,
            TaskTopics topics,
            OwnedTasks owned,
            StateViews views,
            DeadLetterStore deadLetters,
            TaskQueueMetrics metrics) {
        this.ctx = ctx;
        this.topics = topics;
        this.owned = owned;
        this.views = views;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    /** Ends a task this member owns: done record, terminal state, future. */
    void finish(OwnedTask e, TaskState state, @Nullable Object result, String why) {
        e.version++;
        StateView sv = e.stateView(state, e.snapshot.attempts(), result, why, ctx.clock.now());
        ObjectNode done = TaskRecords.done(e.snapshot.id(), e.version, state);
        Future<RecordMetadata> st = topics.sendState(sv);
        RecordMetadata meta = topics.await(topics.sendTask(e.partition, e.routingKey, done), "finish");
        owned.wrote(meta.partition(), meta.offset());
        topics.await(st, "finish");
        // Only now that the end is written: a failed write leaves the task to be run again (at-least-once).
        owned.remove(e);
        owned.ended(e.snapshot.id(), e.version);
        views.apply(sv);
    }

    /** Cancels a task this member owns: its lease, if any, is lost ({@code CANCELLED}), and it ends. */
    void cancel(OwnedTask e, String why) {
        if (e.lease != null) {
            e.lease.end(LeaseLostException.Reason.CANCELLED);
        }
        finish(e, TaskState.CANCELLED, null, why);
        metrics.cancelled();
    }

    /**
     * Records a failed (or, with {@code cause} null, lapsed) attempt and carries out the lifecycle's verdict.
     */
    Lease.FailureOutcome afterFailedAttempt(OwnedTask e, TaskFailure failure, @Nullable Throwable cause) {
        Snapshot s = e.snapshot;
        List<TaskFailure> failures = new ArrayList<>(s.failures());
        failures.add(failure);
        int attempts = failure.attempt();
        Snapshot failed = new Snapshot(
                s.id(), s.request(), s.maxAttempts(), attempts, s.submittedAt(), s.readyAt(), failures, e.version);
        e.snapshot = failed;
        AttemptVerdict verdict = TaskLifecycle.afterFailedAttempt(
                ctx.options.retryPolicyFor(s.request().type()),
                attempts,
                s.maxAttempts(),
                cause,
                s.request().deadline(),
                failure.at(),
                ctx.random.getAsDouble());
        metrics.attemptFailed(s.id(), s.request().type(), failure, verdict);
        if (verdict instanceof AttemptVerdict.DeadLetter d) {
            deadLetter(e, d.reason(), d.why());
            return verdict.outcome();
        }
        if (verdict instanceof AttemptVerdict.Fail f) {
            finish(e, TaskState.FAILED, null, f.why());
            metrics.failed();
            return verdict.outcome();
        }
        Instant retryAt = ((AttemptVerdict.Retry) verdict).at();
        e.version++;
        Snapshot retry = new Snapshot(
                s.id(), s.request(), s.maxAttempts(), attempts, s.submittedAt(), retryAt, failures, e.version);
        RecordMetadata meta =
                topics.await(topics.sendTask(e.partition, e.routingKey, TaskRecords.task(retry)), "retry");
        owned.wrote(meta.partition(), meta.offset());
        e.snapshot = retry;
        e.offset = meta.offset();
        owned.requeue(e);
        StateView sv = e.stateView(TaskState.QUEUED, attempts, null, "", ctx.clock.now());
        topics.sendState(sv);
        views.apply(sv);
        metrics.retried();
        return verdict.outcome();
    }

    /** Writes the task's dead letter, then ends it {@code DEAD_LETTERED}. */
    void deadLetter(OwnedTask e, TaskDeadLetter.Reason reason, String why) {
        Snapshot s = e.snapshot;
        e.version++;
        deadLetters.add(s, e.version, e.routingKey, reason, ctx.clock.now());
        finish(e, TaskState.DEAD_LETTERED, null, why);
        // finish bumped the version again: the dead letter keeps the version of the state record that preceded it.
        metrics.deadLettered(reason);
        deadLetters.trim();
    }

    /** The clock action at a task's deadline: a task waiting to run fails; one under lease may still complete. */
    void onDeadline(OwnedTask e) {
        synchronized (ctx.lock) {
            if (ctx.closed() || owned.get(e.snapshot.id()) != e) {
                return;
            }
            e.deadlineTimer = null;
            if (e.lease == null) {
                try {
                    finish(
                            e,
                            TaskState.FAILED,
                            null,
                            TaskLifecycle.deadlinePassed(e.snapshot.request().deadline()));
                    metrics.failed();
                } catch (RuntimeException ex) {
                    // A clock action must not throw; the next owner (or the next lease here) finds the deadline past.
                    log.error(
                            "Kafka task queue {}: ending task {} at its deadline failed: {}",
                            ctx.config.topicPrefix(),
                            e.snapshot.id(),
                            ex.toString());
                }
            }
            // An attempt under lease at the deadline may still complete; its failure or lapse ends it FAILED.
        }
        ctx.drainCompletions();
    }
}
