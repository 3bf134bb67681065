package dev.scaleplane.core.internal.store;

import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.EventStoreProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventStoreCapability;
import dev.scaleplane.core.config.ConfigReader;
import dev.scaleplane.core.store.RetentionPolicy;
import java.util.Set;

/**
 * The in-memory event store, for tests: select it with {@code scaleplane.store.provider=memory}. Its priority
 * ({@value #PRIORITY}) is below the file log's, so it is never chosen by default. Honours the
 * {@code scaleplane.store.retention.*} keys.
 */
public final class InMemoryEventStoreProvider implements EventStoreProvider {
    /** Selection priority: below the embedded file log. */
    public static final int PRIORITY = -2;

    /** Creates the provider; discovery calls this. */
    public InMemoryEventStoreProvider() {}

    @Override
    public String name() {
        return "memory";
    }

    /** Retention; nothing outlives the process. */
    @Override
    public Set<EventStoreCapability> capabilities() {
        return Set.of(EventStoreCapability.RETENTION);
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public void validate(ConfigProperties config) {
        retention(config);
    }

    @Override
    public EventStore create(ProviderContext context) {
        return new InMemoryEventStore(context.clock(), retention(context.config()));
    }

    private static RetentionPolicy retention(ConfigProperties config) {
        ConfigReader reader = new ConfigReader(config);
        RetentionPolicy retention = RetentionPolicy.fromConfig(reader);
        reader.rejectUnknownKeys("scaleplane.store.memory.");
        reader.throwIfInvalid();
        return retention;
    }
}
