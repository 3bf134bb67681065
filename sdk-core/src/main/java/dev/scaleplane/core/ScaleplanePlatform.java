package dev.scaleplane.core;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.spi.ConfigProperties;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A running platform built by {@link Scaleplane#builder()}: the {@link Platform} services plus the core's metrics
 * and configuration.
 *
 * <p>Thread-safe.
 */
public interface ScaleplanePlatform extends Platform {

    /** Where the platform's meters are registered. */
    MeterRegistry meterRegistry();

    /** The configuration the platform was built from. */
    ConfigProperties config();

    /** The name of the event bus backend in use, e.g. {@code memory} or {@code kafka}. */
    String eventBusBackend();

    @Override
    EventBus events();

    @Override
    EventTypeRegistry eventTypes();
}
