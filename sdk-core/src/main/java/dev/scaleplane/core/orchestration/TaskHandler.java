package dev.scaleplane.core.orchestration;

import dev.scaleplane.api.orchestration.Task;
import org.jspecify.annotations.Nullable;

/**
 * Runs one attempt of a task on a worker registered with an {@link Orchestrator}.
 *
 * <p>Called on the orchestrator's executor, at most {@link dev.scaleplane.api.orchestration.WorkerSpec#slots()} times
 * at once per worker. Delivery is at least once: a task whose lease lapsed (slow handler, unhealthy worker) is handed
 * out again, possibly while the first attempt still runs, so handlers should be idempotent.
 */
@FunctionalInterface
public interface TaskHandler {

    /**
     * Runs {@code task}.
     *
     * @param task the leased task, with this attempt's number
     * @return the task's result, completing its handle; may be {@code null}
     * @throws Exception to fail the attempt: the queue retries it by its retry policy or dead-letters it
     */
    @Nullable
    Object handle(Task task) throws Exception;
}
