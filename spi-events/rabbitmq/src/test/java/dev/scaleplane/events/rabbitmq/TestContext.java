package dev.scaleplane.events.rabbitmq;

import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.config.ScaleplaneProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** A {@link ProviderContext} with given settings, types, source and meter registry. */
record TestContext(ConfigProperties config, EventTypeRegistry eventTypes, URI source, MeterRegistry registry)
        implements ProviderContext {

    static TestContext of(Map<String, String> settings, EventTypeRegistry types, URI source, MeterRegistry registry) {
        return new TestContext(ScaleplaneProperties.of(settings), types, source, registry);
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public <T> Optional<T> component(Class<T> type) {
        return type.isInstance(registry) ? Optional.of(type.cast(registry)) : Optional.empty();
    }
}
