package dev.scaleplane.events.kafka.tasks;

import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.orchestration.OrchestratorOnQueueKit;
import dev.scaleplane.testing.TestProviderContext;

/** The orchestrator kit on the Kafka task queue, created by its provider as a platform does, on a real broker. */
class KafkaOrchestratorOnQueueTest extends OrchestratorOnQueueKit {
    @Override
    protected TaskQueue createQueue(TaskQueueOptions options) {
        return new KafkaTaskQueueProvider()
                .create(TestProviderContext.builder()
                        .config(ScaleplaneProperties.of(
                                TaskTestKafka.settings(TaskTestKafka.uniquePrefix("orchestrated"))))
                        .component(TaskQueueOptions.class, options)
                        .component(TaskClock.class, TaskClock.system())
                        .build());
    }

    @Override
    protected int tasks() {
        return 30;
    }
}
