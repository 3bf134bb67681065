package dev.scaleplane.api.orchestration;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A worker's exclusive, time-limited hold on one task. Until {@link #expiresAt()} no other worker is given the task;
 * a lease that lapses (the worker died or stopped heart-beating) makes the task ready again, counting the lapsed
 * attempt.
 *
 * <p>Exactly one of {@link #complete(Object)}, {@link #fail(Throwable)}, {@link #completeAsync(Object)} and {@link
 * #failAsync(Throwable)} ends a lease; after that, or after the lease was lost, every method except the accessors
 * throws {@link LeaseLostException} (the asynchronous ones fail their future with it). Thread-safe.
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
     * Acknowledges success like {@link #complete(Object)}, without waiting for the backend to record it: the returned
     * future completes once the backend recorded the task as {@link TaskState#SUCCEEDED}, after the task's handle
     * result completed with {@code result}, or exceptionally with what {@link #complete(Object)} would have thrown
     * ({@link LeaseLostException}, or the backend's own exception, unwrapped).
     *
     * <p>Use it to end many leases from few threads: a backend that writes to a broker sends the outcome at once and
     * awaits the broker's acknowledgements of every outcome in flight together, so a worker thread is no longer bound
     * to one broker round trip per task. The caller bounds how many outcomes it keeps in flight.
     *
     * <p>The lease ends for the caller when this method returns: a second {@code complete}, {@code fail} or
     * {@code heartbeat} throws (or fails its future with) {@link LeaseLostException}, and no heartbeat is needed
     * while the outcome is in flight. The lease does not lapse meanwhile, however slow the backend is to answer: the
     * task is neither leased nor ready until the backend answers. If the backend refuses the outcome, the future fails
     * and the task is handed out again (at-least-once). Outcomes given one after another by one thread are recorded in
     * that order.
     *
     * <p>The future may complete on a thread of the backend, never on the caller's stack while the backend holds a
     * lock: a dependent stage may call the queue (submit a follow-up task, end another lease). Dependent stages that
     * block for long should run on an executor of their own ({@code thenAcceptAsync(..., executor)}).
     *
     * <p>The default calls {@link #complete(Object)} on the calling thread and returns its outcome as a completed
     * future, which is correct for every backend; backends that can overlap outcomes override it.
     *
     * @param result the task's result
     * @return completes once the success is recorded
     */
    default CompletableFuture<@Nullable Void> completeAsync(@Nullable Object result) {
        try {
            complete(result);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Reports a failed attempt like {@link #fail(Throwable)}, without waiting for the backend to record it: the
     * returned future completes with the {@link FailureOutcome} once the backend recorded the retry or the end (and,
     * for an end, after the task's handle result completed), or exceptionally with what {@link #fail(Throwable)} would
     * have thrown ({@link LeaseLostException}, or the backend's own exception, unwrapped). The lease ends at once, as
     * for {@link #completeAsync(Object)}, whose notes on ordering, lapse and threads hold here too.
     *
     * <p>The default calls {@link #fail(Throwable)} on the calling thread and returns its outcome as a completed
     * future; backends that can overlap outcomes override it.
     *
     * @param failure why the attempt failed
     * @return completes with what happened to the task
     * @throws NullPointerException if {@code failure} is null (thrown, not reported through the future)
     */
    default CompletableFuture<FailureOutcome> failAsync(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        try {
            return CompletableFuture.completedFuture(fail(failure));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * What {@link Lease#fail(Throwable)} decided.
     *
     * @param state {@link TaskState#QUEUED} for a retry, else the terminal state reached
     * @param retryAt when the retry becomes ready, or {@code null} if there is none
     */
    record FailureOutcome(TaskState state, @Nullable Instant retryAt) {}
}
