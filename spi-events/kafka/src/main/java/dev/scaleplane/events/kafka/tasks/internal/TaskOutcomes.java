package dev.scaleplane.events.kafka.tasks.internal;

import static dev.scaleplane.events.kafka.tasks.internal.QueueContext.log;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;

/**
 * How a task this member owns ends or runs again. An end (success, failure, cancel, deadline, dead letter) appends a
 * {@code done} record and a terminal state; a failed or lapsed attempt gets the {@link TaskLifecycle} verdict, and a
 * retry appends a new version of the task (attempts and failure history included). The records are sent under the
 * monitor (a lease's success sends them after releasing it, see {@link #prepareFinish}) and acknowledged in groups
 * ({@link GroupCommit}); memory changes once they are acknowledged, so a write the
 * broker refuses leaves the task to be run again (at-least-once). Meanwhile the task is marked {@link
 * OwnedTask#writing}: neither leased nor queued. The methods return the write for the caller to await outside the
 * monitor.
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
    private final GroupCommit commits;

    TaskOutcomes(
            QueueContext ctx,
            TaskTopics topics,
            OwnedTasks owned,
            StateViews views,
            DeadLetterStore deadLetters,
            TaskQueueMetrics metrics,
            GroupCommit commits) {
        this.ctx = ctx;
        this.topics = topics;
        this.owned = owned;
        this.views = views;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.commits = commits;
    }

    /** A failed attempt's verdict and the write carrying it out, to await outside the monitor. */
    record Verdict(Lease.FailureOutcome outcome, GroupCommit.Write write) {}

    /**
     * Ends a task this member owns: done record and terminal state sent now; once both are acknowledged the task
     * leaves memory, its state is applied (completing its future) and {@code counted} runs.
     *
     * @throws IllegalArgumentException if the result cannot be encoded; nothing was sent
     */
    GroupCommit.Write finish(OwnedTask e, TaskState state, @Nullable Object result, String why, Runnable counted) {
        return finish(e, state, result, why, counted, false);
    }

    /**
     * {@link #finish(OwnedTask, TaskState, Object, String, Runnable)}, with a {@linkplain GroupCommit#beginDetached
     * detached} write when {@code detached}; the records are sent before it returns, under the monitor.
     */
    GroupCommit.Write finish(
            OwnedTask e, TaskState state, @Nullable Object result, String why, Runnable counted, boolean detached) {
        // Encoded before anything changes: a result that is not JSON fails the call and writes nothing.
        JsonNode resultJson = TaskRecords.tree("result", result);
        return prepareFinish(e, state, result, resultJson, why, counted, detached)
                .send();
    }

    /**
     * Decides a task's end under the monitor and returns it unsent: the caller hands its records to the producer with
     * {@link Ending#send()}, after releasing the monitor if it likes, and must call it exactly once. Until the write is
     * applied the task is {@link OwnedTask#writing}: nothing else writes a record of it (a cancel, its deadline, a
     * lapse), so its records keep their order without the monitor.
     *
     * @param resultJson {@code result} as {@link TaskRecords#tree} encoded it
     */
    Ending prepareFinish(
            OwnedTask e,
            TaskState state,
            @Nullable Object result,
            JsonNode resultJson,
            String why,
            Runnable counted,
            boolean detached) {
        e.version++;
        long version = e.version;
        String id = e.snapshot.id();
        StateView sv = e.stateView(state, e.snapshot.attempts(), result, why, ctx.clock.now());
        GroupCommit.Write w = detached ? commits.beginDetached("finish") : commits.begin("finish");
        e.writing = true;
        Runnable onAck = () -> {
            e.writing = false;
            RecordMetadata meta = w.metadata();
            // Unless the consumer read the done record first, it skips it when it comes.
            if (owned.owns(meta.partition()) && !owned.endedAtOrAfter(id, version)) {
                owned.wrote(meta.partition(), meta.offset());
            }
            owned.removeIfHeld(e);
            owned.ended(id, version);
            views.apply(sv);
            counted.run();
        };
        Consumer<RuntimeException> onFailure = ex -> {
            e.writing = false;
            owned.restoreAfterFailedWrite(e);
        };
        ctx.sending();
        return new Ending(e, sv, resultJson, w, onAck, onFailure);
    }

    /** An end decided by {@link #prepareFinish}, its records not yet sent. */
    final class Ending {
        private final OwnedTask task;
        private final StateView state;
        private final JsonNode resultJson;
        private final GroupCommit.Write write;
        private final Runnable onAck;
        private final Consumer<RuntimeException> onFailure;

        private Ending(
                OwnedTask task,
                StateView state,
                JsonNode resultJson,
                GroupCommit.Write write,
                Runnable onAck,
                Consumer<RuntimeException> onFailure) {
            this.task = task;
            this.state = state;
            this.resultJson = resultJson;
            this.write = write;
            this.onAck = onAck;
            this.onFailure = onFailure;
        }

        /**
         * Encodes and sends the done record and the terminal state, then seals the write; under the monitor or not.
         *
         * @return the write, to await (or, detached, whose future to hand out) outside the monitor
         */
        GroupCommit.Write send() {
            try {
                Callback done = write.record(true);
                Callback st = write.record(false);
                byte[] doneBytes;
                byte[] stateBytes;
                try {
                    doneBytes = TaskRecords.bytes(TaskRecords.done(state.id(), state.version(), state.state()));
                    stateBytes = TaskRecords.bytes(TaskRecords.state(state, resultJson));
                } catch (RuntimeException ex) {
                    // Not expected (the result is encoded already): fail the write as if the broker refused it,
                    // which puts the task back in the queue.
                    done.onCompletion(null, ex);
                    st.onCompletion(null, ex);
                    return write;
                }
                topics.sendTask(task.partition, task.routingKey, doneBytes, done);
                topics.sendState(state.id(), state.version(), stateBytes, st);
                return write;
            } finally {
                write.seal(onAck, onFailure);
                ctx.sent();
            }
        }
    }

    /** Cancels a task this member owns: its lease, if any, is lost ({@code CANCELLED}), and it ends. */
    GroupCommit.Write cancel(OwnedTask e, String why) {
        if (e.lease != null) {
            e.lease.end(LeaseLostException.Reason.CANCELLED);
        }
        return finish(e, TaskState.CANCELLED, null, why, metrics::cancelled);
    }

    /**
     * Records a failed (or, with {@code cause} null, lapsed) attempt and carries out the lifecycle's verdict.
     */
    Verdict afterFailedAttempt(OwnedTask e, TaskFailure failure, @Nullable Throwable cause) {
        return afterFailedAttempt(e, failure, cause, false);
    }

    /**
     * {@link #afterFailedAttempt(OwnedTask, TaskFailure, Throwable)}, with a {@linkplain GroupCommit#beginDetached
     * detached} write when {@code detached}.
     */
    Verdict afterFailedAttempt(OwnedTask e, TaskFailure failure, @Nullable Throwable cause, boolean detached) {
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
            return new Verdict(verdict.outcome(), deadLetter(e, d.reason(), d.why(), detached));
        }
        if (verdict instanceof AttemptVerdict.Fail f) {
            return new Verdict(
                    verdict.outcome(), finish(e, TaskState.FAILED, null, f.why(), metrics::failed, detached));
        }
        Instant retryAt = ((AttemptVerdict.Retry) verdict).at();
        e.version++;
        Snapshot retry = new Snapshot(
                s.id(), s.request(), s.maxAttempts(), attempts, s.submittedAt(), retryAt, failures, e.version);
        byte[] record = TaskRecords.bytes(TaskRecords.task(retry));
        GroupCommit.Write w = detached ? commits.beginDetached("retry") : commits.begin("retry");
        e.writing = true;
        topics.sendTask(e.partition, e.routingKey, record, w.record(true));
        w.seal(
                () -> {
                    e.writing = false;
                    if (owned.get(s.id()) != e) {
                        return; // its partition moved meanwhile: the next owner reads the retry from the topic
                    }
                    // Not marked as written by this member: the consumer reads it and finds the version known.
                    e.snapshot = retry;
                    e.offset = w.metadata().offset();
                    owned.requeue(e);
                    StateView sv = e.stateView(TaskState.QUEUED, attempts, null, "", ctx.clock.now());
                    topics.sendState(sv);
                    views.apply(sv);
                    metrics.retried();
                },
                ex -> {
                    e.writing = false;
                    owned.restoreAfterFailedWrite(e);
                });
        return new Verdict(verdict.outcome(), w);
    }

    /** Writes the task's dead letter (awaited: rare), then ends it {@code DEAD_LETTERED}. */
    GroupCommit.Write deadLetter(OwnedTask e, TaskDeadLetter.Reason reason, String why) {
        return deadLetter(e, reason, why, false);
    }

    private GroupCommit.Write deadLetter(OwnedTask e, TaskDeadLetter.Reason reason, String why, boolean detached) {
        Snapshot s = e.snapshot;
        e.version++;
        deadLetters.add(s, e.version, e.routingKey, reason, ctx.clock.now());
        // finish bumps the version again: the dead letter keeps the version of the state record that preceded it.
        GroupCommit.Write w = finish(
                e,
                TaskState.DEAD_LETTERED,
                null,
                why,
                () -> {
                    metrics.deadLettered(reason);
                    deadLetters.trim();
                },
                detached);
        return w;
    }

    /** The clock action at a task's deadline: a task waiting to run fails; one under lease may still complete. */
    void onDeadline(OwnedTask e) {
        GroupCommit.Write w = null;
        synchronized (ctx.lock) {
            if (ctx.closed() || owned.get(e.snapshot.id()) != e) {
                return;
            }
            e.deadlineTimer = null;
            if (e.lease == null && !e.writing) {
                try {
                    w = finish(
                            e,
                            TaskState.FAILED,
                            null,
                            TaskLifecycle.deadlinePassed(e.snapshot.request().deadline()),
                            metrics::failed);
                } catch (RuntimeException ex) {
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
        awaitQuietly(w, e.snapshot.id(), "ending task at its deadline");
    }

    /**
     * Waits for a write made by a clock action or the consumer, outside the monitor, so that its effect is in memory
     * when the action returns (a virtual clock's advance, the next poll). A clock action must not throw: a refused
     * write is logged; the task stays queued here, its last record in Kafka still valid.
     */
    void awaitQuietly(GroupCommit.@Nullable Write w, String taskId, String what) {
        if (w == null) {
            return;
        }
        try {
            w.await();
        } catch (RuntimeException ex) {
            log.error("Kafka task queue {}: {} {} failed: {}", ctx.config.topicPrefix(), what, taskId, ex.toString());
        }
    }
}
