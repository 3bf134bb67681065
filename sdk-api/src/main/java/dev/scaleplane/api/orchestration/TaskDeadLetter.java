package dev.scaleplane.api.orchestration;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A task the queue gave up on, with every failed attempt.
 *
 * @param task the task as of its last attempt
 * @param reason why it was dead-lettered
 * @param failures the failed attempts, oldest first (since the last redrive, if any)
 * @param deadLetteredAt when it was dead-lettered
 */
public record TaskDeadLetter(Task task, Reason reason, List<TaskFailure> failures, Instant deadLetteredAt) {

    /** Why a task was dead-lettered. */
    public enum Reason {
        /** Every allowed attempt failed (or lapsed). */
        ATTEMPTS_EXHAUSTED,
        /** An attempt failed with an exception the retry policy marks as non-retryable. */
        NON_RETRYABLE
    }

    /** Validates the record and copies the failures. */
    public TaskDeadLetter {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(reason, "reason");
        failures = List.copyOf(failures);
        Objects.requireNonNull(deadLetteredAt, "deadLetteredAt");
    }

    /** The task id. */
    public String taskId() {
        return task.id();
    }

    /** The last failure. */
    public TaskFailure lastFailure() {
        return failures.get(failures.size() - 1);
    }
}
