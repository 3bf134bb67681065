package dev.scaleplane.events.postgres;

import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** A {@link ProviderContext} with given settings, types and clock, and no shared components (so no codec). */
record TestContext(ConfigProperties config, EventTypeRegistry eventTypes, Clock clock) implements ProviderContext {

    static TestContext of(Map<String, String> settings, EventTypeRegistry types, Clock clock) {
        return new TestContext(ScaleplaneProperties.of(settings), types, clock);
    }

    @Override
    public URI source() {
        return URI.create("/test");
    }

    @Override
    public <T> Optional<T> component(Class<T> type) {
        return Optional.empty();
    }
}
