package dev.scaleplane.core.orchestration.support;

import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskState;
import java.time.Instant;
import java.util.Objects;

/**
 * What becomes of a task after one of its attempts failed or its lease lapsed: it runs again, it is dead-lettered, or
 * it fails for good. Decided by {@link TaskLifecycle#afterFailedAttempt}; each backend then records the verdict its own
 * way (a heap, a broker message, a Kafka record).
 */
public sealed interface AttemptVerdict {

    /** The state the task is in once the verdict is carried out. */
    TaskState state();

    /** The verdict as {@link Lease#fail(Throwable)} reports it. */
    default Lease.FailureOutcome outcome() {
        return new Lease.FailureOutcome(state(), this instanceof Retry r ? r.at() : null);
    }

    /**
     * The task runs again, not before {@code at}.
     *
     * @param at when the next attempt may start: at once after a lapse, after the retry policy's delay after a failure
     */
    record Retry(Instant at) implements AttemptVerdict {
        /** Validates. */
        public Retry {
            Objects.requireNonNull(at, "at");
        }

        @Override
        public TaskState state() {
            return TaskState.QUEUED;
        }
    }

    /**
     * The task goes to the dead letters.
     *
     * @param reason why
     * @param why the same in words, for {@link dev.scaleplane.api.orchestration.TaskFailedException}: {@code "a
     *     non-retryable failure"} or {@code "all 3 attempts failed"}
     */
    record DeadLetter(TaskDeadLetter.Reason reason, String why) implements AttemptVerdict {
        /** Validates. */
        public DeadLetter {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(why, "why");
        }

        @Override
        public TaskState state() {
            return TaskState.DEAD_LETTERED;
        }
    }

    /**
     * The task fails for good, without a dead letter: its deadline leaves no room for another attempt.
     *
     * @param why for {@link dev.scaleplane.api.orchestration.TaskFailedException}
     */
    record Fail(String why) implements AttemptVerdict {
        /** Validates. */
        public Fail {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public TaskState state() {
            return TaskState.FAILED;
        }
    }
}
