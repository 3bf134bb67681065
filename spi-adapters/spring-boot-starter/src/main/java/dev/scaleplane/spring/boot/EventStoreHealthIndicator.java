package dev.scaleplane.spring.boot;

import dev.scaleplane.core.ScaleplanePlatform;
import java.util.Objects;
import java.util.OptionalLong;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The event store's health: opens the store if the platform has not yet ({@code platform.store()}) and reads the
 * version of the probe stream, a read that goes to the backend (a query on PostgreSQL). Up when both succeed; down with
 * the store's own error otherwise, e.g. the {@link dev.scaleplane.api.BackendUnreachableException} naming the
 * PostgreSQL server and its setting. The probe writes nothing.
 *
 * <p>Thread-safe.
 */
public final class EventStoreHealthIndicator implements HealthIndicator {

    /** The stream whose version is read; never written. */
    public static final String PROBE_STREAM = "scaleplane-health";

    private final ScaleplanePlatform platform;

    /** An indicator probing {@code platform}'s store. */
    public EventStoreHealthIndicator(ScaleplanePlatform platform) {
        this.platform = Objects.requireNonNull(platform, "platform");
    }

    /** Reads the probe stream's version and reports the outcome; never throws. */
    @Override
    public Health health() {
        try {
            OptionalLong version = platform.store().streamVersion(PROBE_STREAM);
            return Health.up()
                    .withDetail("probeStream", PROBE_STREAM)
                    .withDetail("probeStreamExists", version.isPresent())
                    .build();
        } catch (RuntimeException e) {
            return Health.down(e).build();
        }
    }
}
