package dev.scaleplane.api.orchestration;

/**
 * Where a task is in its life.
 *
 * <pre>
 * QUEUED -> LEASED -> SUCCEEDED
 *   ^         |  \--> FAILED (deadline passed)
 *   |         v   \-> DEAD_LETTERED (last attempt failed, or a non-retryable failure) --redrive--> QUEUED
 *   +--retry/lease lapsed
 * QUEUED or LEASED --cancel--> CANCELLED
 * </pre>
 *
 * {@link #SUCCEEDED}, {@link #FAILED}, {@link #DEAD_LETTERED} and {@link #CANCELLED} are terminal: the task's
 * {@linkplain TaskHandle#result() result future} is complete. A dead-lettered task is the one terminal state that can
 * be left, by a {@linkplain TaskDeadLetters#redrive(String) redrive}, which gives it a new handle.
 */
public enum TaskState {
    /** Waiting to be leased, possibly until its not-before time or the next retry. */
    QUEUED,
    /** Held by a worker under a lease. */
    LEASED,
    /** An attempt completed; terminal. */
    SUCCEEDED,
    /** Failed for good without a dead letter (its deadline passed); terminal. */
    FAILED,
    /** Failed on its last allowed attempt or with a non-retryable error; kept as a dead letter; terminal. */
    DEAD_LETTERED,
    /** Cancelled before it completed; terminal. */
    CANCELLED;

    /** Whether the task is done (its result future is complete). */
    public boolean isTerminal() {
        return this != QUEUED && this != LEASED;
    }
}
