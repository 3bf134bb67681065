package dev.scaleplane.events.rabbitmq.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.rabbitmq.testing.SharedRabbit;
import dev.scaleplane.tck.VirtualTaskClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The platform selects the RabbitMQ task queue by name, validates its settings when built and opens it on use. */
class RabbitTaskQueuePlatformTest {

    @Test
    void thePlatformSelectsTheRabbitQueueAndRejectsItsBadSettingsWhenBuilt() {
        try (SharedRabbit.VirtualHost vhost = SharedRabbit.newVirtualHost()) {
            Map<String, String> settings = new HashMap<>();
            settings.put("scaleplane.events.provider", "memory");
            settings.put("scaleplane.tasks.provider", "rabbitmq");
            settings.put(RabbitTaskQueueConfig.VIRTUAL_HOST, vhost.name());
            settings.put(RabbitTaskQueueConfig.QUEUE, SharedRabbit.uniqueName("platform"));
            VirtualTaskClock clock = new VirtualTaskClock();
            try (ScaleplanePlatform platform = Scaleplane.builder()
                    .config(ScaleplaneProperties.of(settings))
                    .taskClock(clock)
                    .build()) {
                assertThat(platform.tasks()).isInstanceOf(RabbitTaskQueue.class);
                TaskHandle h = platform.tasks().submit(TaskRequest.of("deploy", "service-a"));
                Lease lease =
                        platform.tasks().lease("w", 1, Duration.ofMinutes(1)).get(0);
                lease.complete("deployed");
                assertThat(h.result()).isCompletedWithValue("deployed");
            }

            settings.put(RabbitTaskQueueConfig.PREFIX + "queue-typ", "classic");
            assertThatThrownBy(() -> Scaleplane.builder()
                            .config(ScaleplaneProperties.of(settings))
                            .build()
                            .close())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("did you mean " + RabbitTaskQueueConfig.QUEUE_TYPE);
        }
    }
}
