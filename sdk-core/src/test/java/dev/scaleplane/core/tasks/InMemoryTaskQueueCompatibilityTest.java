package dev.scaleplane.core.tasks;

import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueCapability;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.TaskQueueProvider;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.internal.tasks.InMemoryTaskQueue;
import dev.scaleplane.core.internal.tasks.InMemoryTaskQueueProvider;
import dev.scaleplane.tck.TaskQueueCompatibilityKit;
import dev.scaleplane.testing.VirtualTaskClock;
import java.util.Map;
import java.util.Set;

/** The in-memory queue passes the task queue TCK. */
class InMemoryTaskQueueCompatibilityTest extends TaskQueueCompatibilityKit {

    @Override
    protected TaskQueue createQueue(TaskQueueOptions options, VirtualTaskClock clock) {
        return new InMemoryTaskQueue(options, clock, () -> 0.5);
    }

    @Override
    protected Set<TaskQueueCapability> capabilities() {
        return new InMemoryTaskQueueProvider().capabilities();
    }

    @Override
    protected TaskQueueProvider provider() {
        return new InMemoryTaskQueueProvider();
    }

    @Override
    protected ConfigProperties providerConfig() {
        return ScaleplaneProperties.of(Map.of());
    }
}
