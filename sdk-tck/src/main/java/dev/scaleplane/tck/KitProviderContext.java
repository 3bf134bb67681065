package dev.scaleplane.tck;

import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/**
 * What a platform hands a task queue provider, as the kit's tests need it: the configuration, the task queue options
 * and the kit's virtual clock as components, and the virtual clock's time as the platform clock.
 */
final class KitProviderContext implements ProviderContext {
    private final ConfigProperties config;
    private final TaskQueueOptions options;
    private final VirtualTaskClock clock;

    KitProviderContext(ConfigProperties config, TaskQueueOptions options, VirtualTaskClock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public ConfigProperties config() {
        return config;
    }

    @Override
    public EventTypeRegistry eventTypes() {
        return EventTypeRegistry.platformDefaults();
    }

    @Override
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return clock.now();
            }
        };
    }

    @Override
    public URI source() {
        return URI.create("/scaleplane-tck");
    }

    @Override
    public <T> Optional<T> component(Class<T> type) {
        if (type == TaskQueueOptions.class) {
            return Optional.of(type.cast(options));
        }
        if (type == TaskClock.class) {
            return Optional.of(type.cast(clock));
        }
        return Optional.empty();
    }
}
