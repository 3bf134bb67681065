package dev.scaleplane.api.orchestration;

/**
 * What a task queue backend guarantees beyond the contract of {@link TaskQueue} that every backend keeps. The TCK
 * tests what is declared.
 */
public enum TaskQueueCapability {
    /** Accepted tasks, leases and dead letters survive a restart of the application and of the broker. */
    DURABLE,
    /** Several processes share one queue (not only threads of one JVM). */
    CROSS_PROCESS,
    /** A task is not leased before its {@linkplain TaskRequest#notBefore() not-before time}. */
    DELAYED_TASKS,
    /** Tasks are leased by {@linkplain TaskPriority priority} with the aging rule. */
    PRIORITIES,
    /** A task key is leased to at most one worker at a time. */
    PER_KEY_MUTEX,
    /**
     * {@link TaskQueueOptions#keyConcurrency()} above 1 is honoured exactly: that many tasks of one key may be under
     * lease at once, never more. (Without it a backend supports only the mutex, if {@link #PER_KEY_MUTEX}.)
     */
    KEY_CONCURRENCY,
    /** {@link TaskQueueOptions#rateLimits()} are enforced by the queue when it leases. */
    RATE_LIMITS,
    /** A second submission with the same idempotency key inside the window returns the first task's handle. */
    IDEMPOTENCY,
    /** The queue holds at most {@link TaskQueueOptions#capacity()} unfinished tasks. */
    BOUNDED
}
