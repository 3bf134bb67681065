package dev.scaleplane.events.rabbitmq.tasks;

import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueCapability;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.TaskQueueProvider;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.rabbitmq.tasks.internal.RabbitTaskQueue;
import dev.scaleplane.events.rabbitmq.testing.SharedRabbit;
import dev.scaleplane.events.rabbitmq.testing.ThrowAwayVirtualHost;
import dev.scaleplane.tck.TaskQueueCompatibilityKit;
import dev.scaleplane.testing.VirtualTaskClock;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The RabbitMQ task queue passes the task queue TCK against the machine's broker (quorum queues, the default), in a
 * throw-away virtual host, one set of queues per queue the kit creates.
 */
class RabbitTaskQueueCompatibilityTest extends TaskQueueCompatibilityKit {
    @RegisterExtension
    static final ThrowAwayVirtualHost vhost = ThrowAwayVirtualHost.perTest();

    @Override
    protected TaskQueue createQueue(TaskQueueOptions options, VirtualTaskClock clock) {
        return new RabbitTaskQueue(
                RabbitTaskQueueConfig.from(
                        ScaleplaneProperties.of(vhost.taskQueueSettings(SharedRabbit.uniqueName("tck")))),
                options,
                clock,
                () -> 0.5);
    }

    @Override
    protected Set<TaskQueueCapability> capabilities() {
        return new RabbitTaskQueueProvider().capabilities();
    }

    @Override
    protected TaskQueueProvider provider() {
        return new RabbitTaskQueueProvider();
    }

    @Override
    protected ConfigProperties providerConfig() {
        return ScaleplaneProperties.of(vhost.taskQueueSettings(SharedRabbit.uniqueName("tck")));
    }
}
