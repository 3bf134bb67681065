package dev.scaleplane.api.orchestration;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

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
 *   <li>A failed attempt is not leased again before its retry time.
 *   <li>A failure is retried by the {@link TaskQueueOptions#retryPolicyFor(String) retry policy of its type}; after
 *       the last attempt, or on a non-retryable failure, the task is dead-lettered with its failure history.
 *   <li>A lease that lapses counts as a failed attempt; when it was the last allowed attempt the task is
 *       dead-lettered.
 *   <li>A task whose deadline passes before it succeeds is not leased again and ends {@link TaskState#FAILED}; an
 *       attempt under lease at the deadline may still complete.
 * </ul>
 *
 * <h2>Clauses that depend on a capability</h2>
 *
 * A backend keeps these only when {@link #capabilities()} declares the capability named; the TCK tests exactly
 * what is declared, and options that need a missing one are refused with
 * {@link dev.scaleplane.api.events.UnsupportedCapabilityException} when the platform is built.
 *
 * <ul>
 *   <li>{@link TaskQueueCapability#PRIORITIES}: ready tasks are leased in the order of the
 *       {@linkplain TaskPriority aging rule}.
 *   <li>{@link TaskQueueCapability#DELAYED_TASKS}: a task is not leased before its not-before (or retry) time.
 *   <li>{@link TaskQueueCapability#PER_KEY_MUTEX}: tasks with the same {@linkplain TaskRequest#key() key} are leased
 *       to at most one worker at a time; {@link TaskQueueCapability#KEY_CONCURRENCY}: exactly
 *       {@link TaskQueueOptions#keyConcurrencyFor(String)} at a time.
 *   <li>{@link TaskQueueCapability#RATE_LIMITS}: {@link TaskQueueOptions#rateLimits()} are enforced when leasing.
 *   <li>{@link TaskQueueCapability#BOUNDED}: at most {@link TaskQueueOptions#capacity()} tasks are unfinished
 *       (queued or leased); beyond that submit throws {@link QueueFullException}.
 *   <li>{@link TaskQueueCapability#IDEMPOTENCY}: a submission whose idempotency key was used inside the
 *       {@linkplain TaskQueueOptions#idempotencyWindow() window} returns the first task's handle and does not add a
 *       task, whatever the first task's state.
 *   <li>{@link TaskQueueCapability#DURABLE} and {@link TaskQueueCapability#CROSS_PROCESS}: what survives restarts and
 *       who shares the queue.
 * </ul>
 *
 * <p>Thread-safety: all methods may be called from any thread. Time is read from the queue's {@link TaskClock}.
 */
public interface TaskQueue extends AutoCloseable {

    /** What this queue guarantees beyond the clauses every backend keeps; equal to its provider's. */
    Set<TaskQueueCapability> capabilities();

    /**
     * Adds a task.
     *
     * @return the task's handle, or the first task's handle for a duplicate idempotency key
     * @throws QueueFullException if the queue holds its capacity of unfinished tasks
     * @throws TaskQueueClosedException if the queue is closed
     */
    TaskHandle submit(TaskRequest request);

    /**
     * Adds a task without waiting for the backend to accept it: the returned future completes with what
     * {@link #submit(TaskRequest)} would have returned (the task's handle, or the first task's for a duplicate
     * idempotency key) once the backend accepted the task, or exceptionally with what it would have thrown
     * ({@link QueueFullException}, {@link TaskQueueClosedException} or the backend's own exception, unwrapped).
     *
     * <p>Use it to submit many tasks from few threads: a backend that writes to a broker sends each submission at once
     * and awaits the broker's acknowledgements of every submission in flight together, so a thread is no longer bound
     * to one broker round trip per task. The caller bounds how many submissions it keeps in flight (for example with a
     * {@link java.util.concurrent.Semaphore}); beyond that only the queue's capacity limits them.
     *
     * <p>Submissions made one after another by one thread are submitted in that order, as with consecutive
     * {@link #submit(TaskRequest)} calls, whatever order their futures complete in. The future may complete on a
     * thread of the backend: dependent stages that block should run on an executor of their own
     * ({@code thenAcceptAsync(..., executor)}).
     *
     * <p>The default calls {@link #submit(TaskRequest)} on the calling thread and returns its outcome as a completed
     * future, which is correct for every backend; backends that can overlap submissions override it.
     *
     * @param request the task to add
     * @return the handle once the task is accepted
     * @throws NullPointerException if {@code request} is null (thrown, not reported through the future)
     */
    default CompletableFuture<TaskHandle> submitAsync(TaskRequest request) {
        Objects.requireNonNull(request, "request");
        try {
            return CompletableFuture.completedFuture(submit(request));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

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
     * The backlog an autoscaler scales on: the {@link #size() depth} and, where the backend observes it, the age of the
     * oldest ready task. The default reports {@link #size()} with the age unknown; a backend that can tell the age
     * overrides it. Like {@link #size()} it may cost a round trip to the broker, so callers read it once per decision,
     * not per task.
     *
     * @throws TaskQueueClosedException if the queue is closed and the backend cannot count without it
     */
    default TaskBacklog backlog() {
        return TaskBacklog.ofDepth(size());
    }

    /**
     * Stops accepting submissions and leases. Unfinished tasks of an in-memory queue are lost and their handles fail
     * with {@link TaskQueueClosedException}; a durable backend keeps them for the next start. Idempotent.
     */
    @Override
    void close();
}
