package dev.scaleplane.spring.boot;

import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.api.events.catalog.HealthStatus;
import dev.scaleplane.api.events.catalog.PlatformHealthCheck;
import dev.scaleplane.core.ScaleplanePlatform;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The event bus's health: publishes one {@link PlatformHealthCheck} event (component {@code events}) to the probe topic
 * and waits for the backend's acknowledgement, the same round trip an application's publish makes. Up when it is
 * acknowledged within the timeout (details: backend, topic, position); down with the backend's own error (for a broker
 * never reached, the {@link dev.scaleplane.api.BackendUnreachableException} that names it and its setting) or when
 * the timeout passes.
 *
 * <p>Each probe is a real event on the probe topic: subscribers of that topic see it, and a broker keeps it for the
 * topic's retention. Thread-safe.
 */
public final class EventBusHealthIndicator implements HealthIndicator {

    private final ScaleplanePlatform platform;
    private final String topic;
    private final Duration timeout;
    private final String region;

    /**
     * An indicator probing {@code platform}'s bus.
     *
     * @param topic the topic of the probe events
     * @param timeout the longest wait for the acknowledgement; positive
     * @param region the region the probe events name
     */
    public EventBusHealthIndicator(ScaleplanePlatform platform, String topic, Duration timeout, String region) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.region = Objects.requireNonNull(region, "region");
    }

    /** Publishes the probe and reports the outcome; never throws. */
    @Override
    public Health health() {
        String backend = platform.eventBusBackend();
        try {
            PublishReceipt receipt = platform.events()
                    .publish(
                            topic,
                            new PlatformHealthCheck("events", HealthStatus.UP, region, Map.of("backend", backend)))
                    .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return Health.up()
                    .withDetail("backend", backend)
                    .withDetail("topic", topic)
                    .withDetail("position", receipt.position())
                    .build();
        } catch (ExecutionException e) {
            return Health.down(e.getCause() != null ? e.getCause() : e)
                    .withDetail("backend", backend)
                    .withDetail("topic", topic)
                    .build();
        } catch (TimeoutException e) {
            return Health.down()
                    .withDetail("backend", backend)
                    .withDetail("topic", topic)
                    .withDetail("error", "no acknowledgement of the probe event within " + timeout)
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.unknown().withDetail("backend", backend).build();
        } catch (RuntimeException e) {
            // publish() itself throws for a closed bus or a backend that refuses the event outright.
            return Health.down(e)
                    .withDetail("backend", backend)
                    .withDetail("topic", topic)
                    .build();
        }
    }
}
