package dev.scaleplane.api.orchestration;

/**
 * The five priority levels of a task, most urgent first.
 *
 * <h2>No starvation: the aging rule</h2>
 *
 * Every queue backend picks the next ready task by its <em>effective rank</em>: the {@link #rank()} of its priority
 * minus one for every whole {@linkplain TaskQueueOptions#agingInterval() aging interval} it has been ready (queued
 * and past its not-before time), never below 0. Ties go to the task that became ready first. So a {@link #LOWEST}
 * task competes as {@link #HIGHEST} after at most {@code 4 * agingInterval}, from then on it is ahead of every task
 * that became ready after it, and it waits no longer than that plus the time to drain the tasks that were ready
 * before it, however many urgent tasks keep arriving.
 */
public enum TaskPriority {
    /** Rank 0. */
    HIGHEST,
    /** Rank 1. */
    HIGH,
    /** Rank 2; the default. */
    NORMAL,
    /** Rank 3. */
    LOW,
    /** Rank 4. */
    LOWEST;

    /** 0 for {@link #HIGHEST} to 4 for {@link #LOWEST}; lower is served first. */
    public int rank() {
        return ordinal();
    }
}
