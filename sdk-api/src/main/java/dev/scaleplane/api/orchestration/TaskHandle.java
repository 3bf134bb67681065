package dev.scaleplane.api.orchestration;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The submitter's view of one task.
 *
 * <p>Thread-safe. Every handle of one task (for example, the one returned to a duplicate submission) shares one
 * result future, until a {@linkplain TaskDeadLetters#redrive(String) redrive} gives the task a new handle and
 * future.
 */
public interface TaskHandle {

    /** The task id. */
    String id();

    /**
     * Completes with the result given to {@link Lease#complete(Object)}, or exceptionally with a
     * {@link TaskFailedException} when the task ends {@link TaskState#FAILED} or {@link TaskState#DEAD_LETTERED}, or
     * with a {@link java.util.concurrent.CancellationException} when it is cancelled. Cancelling this future does not
     * cancel the task; call {@link #cancel()}. Dependent stages may run on the thread that completes the task.
     */
    CompletableFuture<@Nullable Object> result();

    /**
     * Cancels the task if it is not done yet. A task under lease is cancelled at once; its worker learns it when its
     * next heartbeat, completion or failure throws {@link LeaseLostException}.
     *
     * @return whether this call cancelled it ({@code false} if it was already in a terminal state)
     */
    boolean cancel();

    /** The task's current state. */
    TaskState state();
}
