package dev.scaleplane.api.orchestration;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A queue of tasks that workers lease, complete or fail.
 *
 * <h2>Contract (every backend, checked by the TCK)</h2>
 *
 * <ul>
 *   <li>{@link #submit(TaskRequest)} returns once the backend accepted the task; a task that cannot be accepted fails
 *       the call with a clear exception, nothing is dropped silently.
 *   <li>A ready task is leased to one worker at a time for a visibility timeout; a lease that lapses makes the task
 *       ready again (at-least-once execution: handlers should be idempotent).
 *   <li>Ready tasks are leased in the order of the {@linkplain TaskPriority aging rule}; a task is ready once its
 *       not-before time (or retry time) has come.
 *   <li>A failure is retried by the {@link TaskQueueOptions#retryPolicyFor(String) retry policy of its type}; after
 *       the last attempt, or on a non-retryable failure, the task is dead-lettered with its failure history.
 *   <li>A lease that lapses counts as a failed attempt; when it was the last allowed attempt the task is
 *       dead-lettered.
 *   <li>A task whose deadline passes before it succeeds is not leased again and ends {@link TaskState#FAILED}; an
 *       attempt under lease at the deadline may still complete.
 *   <li>Tasks with the same {@linkplain TaskRequest#key() key} are leased to at most one worker at a time.
 *   <li>At most {@link TaskQueueOptions#capacity()} tasks are unfinished (queued or leased); beyond that submit
 *       throws {@link QueueFullException}.
 *   <li>A submission whose idempotency key was used inside the {@linkplain TaskQueueOptions#idempotencyWindow()
 *       window} returns the first task's handle and does not add a task, whatever the first task's state.
 * </ul>
 *
 * <p>Thread-safety: all methods may be called from any thread. Time is read from the queue's {@link TaskClock}.
 */
public interface TaskQueue extends AutoCloseable {

    /**
     * Adds a task.
     *
     * @return the task's handle, or the first task's handle for a duplicate idempotency key
     * @throws QueueFullException if the queue holds its capacity of unfinished tasks
     * @throws TaskQueueClosedException if the queue is closed
     */
    TaskHandle submit(TaskRequest request);

    /**
     * Leases up to {@code maxTasks} ready tasks to {@code workerId}, without waiting: returns what is ready now,
     * possibly nothing.
     *
     * @param workerId who holds the leases (reported in failures and dead letters)
     * @param maxTasks at most this many, {@code >= 1}
     * @param visibilityTimeout how long the worker holds each task before it is handed out again, positive
     * @param types only tasks of these types; empty for any type
     * @return the leases, in the order the aging rule picked them
     * @throws TaskQueueClosedException if the queue is closed
     */
    List<Lease> lease(String workerId, int maxTasks, Duration visibilityTimeout, Set<String> types);

    /** Leases up to {@code maxTasks} ready tasks of any type; see {@link #lease(String, int, Duration, Set)}. */
    default List<Lease> lease(String workerId, int maxTasks, Duration visibilityTimeout) {
        return lease(workerId, maxTasks, visibilityTimeout, Set.of());
    }

    /** The state of a task, or empty if this queue never had it (or forgot it after its retention). */
    Optional<TaskState> state(String taskId);

    /** The handle of a task by id, or empty if this queue never had it (or forgot it after its retention). */
    Optional<TaskHandle> handle(String taskId);

    /**
     * Cancels a task that is not done yet; see {@link TaskHandle#cancel()}.
     *
     * @return whether this call cancelled it
     */
    boolean cancel(String taskId);

    /** The dead letters of this queue. */
    TaskDeadLetters deadLetters();

    /** Unfinished tasks (queued or leased), the number {@link TaskQueueOptions#capacity()} bounds. */
    int size();

    /**
     * Stops accepting submissions and leases. Unfinished tasks of an in-memory queue are lost and their handles fail
     * with {@link TaskQueueClosedException}; a durable backend keeps them for the next start. Idempotent.
     */
    @Override
    void close();
}
