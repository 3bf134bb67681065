package dev.scaleplane.core.orchestration.support;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The rules of a task's life that every queue applies the same way, and the words it uses for them. Pure functions;
 * thread-safe.
 */
public final class TaskLifecycle {
    private TaskLifecycle() {}

    /**
     * The attempts a task gets: its own {@link TaskRequest#maxAttempts()} when set, else its type's retry policy's.
     */
    public static int maxAttempts(TaskRequest request, TaskQueueOptions options) {
        return request.maxAttempts() > 0
                ? request.maxAttempts()
                : options.retryPolicyFor(request.type()).maxAttempts();
    }

    /** When a newly submitted task may first run: its {@link TaskRequest#notBefore()} if later than now, else now. */
    public static Instant readyAt(TaskRequest request, Instant now) {
        Instant notBefore = request.notBefore();
        return notBefore != null && notBefore.isAfter(now) ? notBefore : now;
    }

    /**
     * Decides what becomes of a task after attempt {@code attempt} failed (with {@code cause}) or lapsed ({@code cause}
     * null), in this order:
     *
     * <ol>
     *   <li>a failure the type's policy calls non-retryable: dead letter, {@link TaskDeadLetter.Reason#NON_RETRYABLE};
     *   <li>the last attempt: dead letter, {@link TaskDeadLetter.Reason#ATTEMPTS_EXHAUSTED};
     *   <li>a retry that could not start before the task's deadline: {@link AttemptVerdict.Fail};
     *   <li>otherwise a retry: at once after a lapse (the visibility timeout already made the task wait), else after
     *       the policy's delay for this attempt.
     * </ol>
     *
     * @param policy the retry policy of the task's type
     * @param attempt the attempt that ended, from 1
     * @param maxAttempts as {@link #maxAttempts}
     * @param cause the failure, or null for a lapsed lease
     * @param deadline the task's deadline, or null
     * @param now the queue's time
     * @param random a value in [0, 1) for the policy's jitter
     */
    public static AttemptVerdict afterFailedAttempt(
            RetryPolicy policy,
            int attempt,
            int maxAttempts,
            @Nullable Throwable cause,
            @Nullable Instant deadline,
            Instant now,
            double random) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(now, "now");
        if (cause != null && policy.isNonRetryable(cause)) {
            return new AttemptVerdict.DeadLetter(TaskDeadLetter.Reason.NON_RETRYABLE, "a non-retryable failure");
        }
        if (attempt >= maxAttempts) {
            return new AttemptVerdict.DeadLetter(
                    TaskDeadLetter.Reason.ATTEMPTS_EXHAUSTED, "all " + maxAttempts + " attempts failed");
        }
        Instant retryAt = cause == null ? now : now.plus(policy.delayBefore(attempt, random));
        if (deadline != null && !retryAt.isBefore(deadline)) {
            return new AttemptVerdict.Fail("the next attempt would start after its deadline " + deadline);
        }
        return new AttemptVerdict.Retry(retryAt);
    }

    /** Why a task that was waiting to run failed when its deadline came: {@code "its deadline <deadline> passed"}. */
    public static String deadlinePassed(Instant deadline) {
        return "its deadline " + deadline + " passed";
    }

    /** The record of attempt {@code attempt} failing with {@code failure} on {@code workerId} at {@code at}. */
    public static TaskFailure failure(int attempt, String workerId, Throwable failure, Instant at) {
        String message = failure.getMessage();
        return new TaskFailure(attempt, workerId, failure.getClass().getName(), message == null ? "" : message, at);
    }

    /** The record of attempt {@code attempt}'s lease, due at {@code expiresAt}, lapsing (noticed at {@code at}). */
    public static TaskFailure leaseLapsed(int attempt, String workerId, Instant expiresAt, Instant at) {
        return new TaskFailure(
                attempt,
                workerId,
                TaskFailure.LEASE_EXPIRED,
                "lease expired at " + expiresAt + " without a heartbeat",
                at);
    }

    /**
     * Checks a lease duration ({@code visibilityTimeout}, a heartbeat's {@code extension}).
     *
     * @throws IllegalArgumentException naming {@code what} unless it is positive
     */
    public static Duration requirePositive(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be > 0, but was " + duration);
        }
        return duration;
    }

    /**
     * Checks the {@code limit} of a dead-letter listing.
     *
     * @throws IllegalArgumentException unless it is at least 1
     */
    public static int requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, but was " + limit);
        }
        return limit;
    }
}
