package dev.scaleplane.api.orchestration;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A worker's exclusive, time-limited hold on one task. Until {@link #expiresAt()} no other worker is given the task;
 * a lease that lapses (the worker died or stopped heart-beating) makes the task ready again, counting the lapsed
 * attempt.
 *
 * <p>Exactly one of {@link #complete(Object)} and {@link #fail(Throwable)} ends a lease; after that, or after the
 * lease was lost, every method except the accessors throws {@link LeaseLostException}. Thread-safe.
 */
public interface Lease {

    /** The leased task, with this attempt's number. */
    Task task();

    /** The worker that holds the lease. */
    String workerId();

    /** When the lease lapses unless extended. */
    Instant expiresAt();

    /**
     * Extends the lease to {@code now + extension}.
     *
     * @return the new expiry
     * @throws LeaseLostException if the lease lapsed, ended or the task was cancelled
     * @throws IllegalArgumentException if {@code extension} is not positive
     */
    Instant heartbeat(Duration extension);

    /**
     * Acknowledges success: the task ends {@link TaskState#SUCCEEDED} and its handle completes with {@code result}.
     *
     * @throws LeaseLostException if the lease lapsed, ended or the task was cancelled; the result is discarded
     */
    void complete(@Nullable Object result);

    /**
     * Reports a failed attempt and applies the retry policy: the task is queued again after the policy's backoff
     * when the failure is retryable, attempts remain and the retry would start before the deadline; otherwise it is
     * dead-lettered (or ends {@link TaskState#FAILED} when only the deadline stops it).
     *
     * @return what happened to the task
     * @throws LeaseLostException if the lease lapsed, ended or the task was cancelled
     */
    FailureOutcome fail(Throwable failure);

    /**
     * What {@link Lease#fail(Throwable)} decided.
     *
     * @param state {@link TaskState#QUEUED} for a retry, else the terminal state reached
     * @param retryAt when the retry becomes ready, or {@code null} if there is none
     */
    record FailureOutcome(TaskState state, @Nullable Instant retryAt) {}
}
