package dev.scaleplane.core.orchestration;

import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.core.internal.tasks.InMemoryTaskQueue;

/** The orchestrator kit on the in-memory task queue. */
class InMemoryOrchestratorOnQueueTest extends OrchestratorOnQueueKit {
    @Override
    protected TaskQueue createQueue(TaskQueueOptions options) {
        return new InMemoryTaskQueue(options, TaskClock.system(), () -> 0.5);
    }
}
