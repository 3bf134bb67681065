package dev.scaleplane.core.store;

import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** A provider context for store tests: given configuration, types and clock, and the core's codec as a component. */
record StoreTestContext(ConfigProperties config, EventTypeRegistry eventTypes, Clock clock) implements ProviderContext {

    static StoreTestContext of(Map<String, String> config, EventTypeRegistry types, Clock clock) {
        return new StoreTestContext(ScaleplaneProperties.of(config), types, clock);
    }

    @Override
    public URI source() {
        return URI.create("/scaleplane/test");
    }

    @Override
    public <T> Optional<T> component(Class<T> type) {
        if (type == EventCodec.class) {
            return Optional.of(
                    type.cast(EventCodec.builder(eventTypes).clock(clock).build()));
        }
        return Optional.empty();
    }
}
