package dev.scaleplane.adapters.github;

import dev.scaleplane.adapters.http.RateLimitGovernor;
import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a platform hands the providers, for tests: the configuration, the system clock, a sleeper that records waits
 * instead of sleeping, and a governor of the test's own (so budgets do not leak between tests).
 */
final class TestContext implements ProviderContext {
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final ConfigProperties config;
    private final Sleeper sleeper = waits::add;
    private final RateLimitGovernor governor = RateLimitGovernor.builder().build();

    TestContext(Map<String, String> config) {
        this.config = ScaleplaneProperties.of(config);
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
        return Clock.systemUTC();
    }

    @Override
    public URI source() {
        return URI.create("urn:scaleplane:test");
    }

    @Override
    public <T> Optional<T> component(Class<T> type) {
        if (type == Sleeper.class) {
            return Optional.of(type.cast(sleeper));
        }
        if (type == RateLimitGovernor.class) {
            return Optional.of(type.cast(governor));
        }
        return Optional.empty();
    }
}
