package dev.scaleplane.events.rabbitmq.tasks;

import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.orchestration.OrchestratorOnQueueKit;
import dev.scaleplane.events.rabbitmq.testing.SharedRabbit;
import dev.scaleplane.events.rabbitmq.testing.ThrowAwayVirtualHost;
import dev.scaleplane.testing.TestProviderContext;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The orchestrator kit on the RabbitMQ task queue, created by its provider as a platform does, on the machine's broker
 * in a throw-away virtual host.
 */
class RabbitOrchestratorOnQueueTest extends OrchestratorOnQueueKit {
    @RegisterExtension
    static final ThrowAwayVirtualHost vhost = ThrowAwayVirtualHost.perTest();

    @Override
    protected TaskQueue createQueue(TaskQueueOptions options) {
        Map<String, String> settings = vhost.taskQueueSettings(SharedRabbit.uniqueName("orchestrated"));
        settings.put(RabbitTaskQueueConfig.IDLE_POLL_INTERVAL, "20ms");
        return new RabbitTaskQueueProvider()
                .create(TestProviderContext.builder()
                        .config(ScaleplaneProperties.of(settings))
                        .component(TaskQueueOptions.class, options)
                        .component(TaskClock.class, TaskClock.system())
                        .build());
    }
}
