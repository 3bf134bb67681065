package dev.scaleplane.spring.boot;

import dev.scaleplane.api.orchestration.TaskBacklog;
import dev.scaleplane.core.ScaleplanePlatform;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The task queue's health: opens the queue if the platform has not yet ({@code platform.tasks()}) and reads its
 * backlog, which asks the backend (consumer lag on Kafka, queue depth on RabbitMQ). Up with the backlog as details
 * ({@code depth}, {@code oldestReadyAge} where the backend observes it); down with the queue's own error.
 *
 * <p>Thread-safe.
 */
public final class TaskQueueHealthIndicator implements HealthIndicator {

    private final ScaleplanePlatform platform;

    /** An indicator probing {@code platform}'s task queue. */
    public TaskQueueHealthIndicator(ScaleplanePlatform platform) {
        this.platform = Objects.requireNonNull(platform, "platform");
    }

    /** Reads the backlog and reports the outcome; never throws. */
    @Override
    public Health health() {
        try {
            TaskBacklog backlog = platform.tasks().backlog();
            Health.Builder health = Health.up().withDetail("depth", backlog.depth());
            backlog.oldestReadyAgeIfKnown().ifPresent(age -> health.withDetail("oldestReadyAge", age.toString()));
            return health.build();
        } catch (RuntimeException e) {
            return Health.down(e).build();
        }
    }
}
