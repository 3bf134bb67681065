package dev.scaleplane.events.kafka.tasks;

import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueCapability;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.TaskQueueProvider;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.kafka.tasks.internal.KafkaTaskQueue;
import dev.scaleplane.tck.TaskQueueCompatibilityKit;
import dev.scaleplane.testing.VirtualTaskClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;

/**
 * The Kafka task queue passes the task queue TCK against a real broker, on the kit's virtual clock, with new topics
 * and a new consumer group for every queue the kit creates.
 */
class KafkaTaskQueueCompatibilityTest extends TaskQueueCompatibilityKit {

    @Override
    protected TaskQueue createQueue(TaskQueueOptions options, VirtualTaskClock clock) {
        return new KafkaTaskQueue(
                TaskTestKafka.config(TaskTestKafka.uniquePrefix("tck")),
                options,
                clock,
                () -> 0.5,
                new SimpleMeterRegistry());
    }

    @Override
    protected Set<TaskQueueCapability> capabilities() {
        return new KafkaTaskQueueProvider().capabilities();
    }

    @Override
    protected TaskQueueProvider provider() {
        return new KafkaTaskQueueProvider();
    }

    @Override
    protected ConfigProperties providerConfig() {
        return ScaleplaneProperties.of(TaskTestKafka.settings(TaskTestKafka.uniquePrefix("tck")));
    }
}
