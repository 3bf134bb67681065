package dev.scaleplane.events.postgres;

import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.EventStoreProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventStoreCapability;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.config.ConfigReader;
import dev.scaleplane.core.store.RetentionPolicy;
import dev.scaleplane.events.postgres.internal.PostgresEventStore;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;

/**
 * The PostgreSQL event store, name {@value #NAME}, priority 0: when this artifact is on the class path it wins over
 * the bundled file log unless configuration names another store ({@code scaleplane.store.provider}).
 *
 * <p>The store is the shared backend for several processes: they append to and subscribe on one schema of one
 * database, with optimistic concurrency per stream and one global order that readers can follow without missing
 * events committed out of order (see {@link PostgresEventStore} for how). Settings are in {@link PostgresStoreConfig};
 * at least {@value PostgresStoreConfig#URL} must be set.
 *
 * <p>Stateless and thread-safe; ServiceLoader instantiates it.
 */
public final class PostgresEventStoreProvider implements EventStoreProvider {
    /** The provider name. */
    public static final String NAME = "postgres";

    /** Creates the provider; ServiceLoader calls this. */
    public PostgresEventStoreProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    /** Durable, with retention, shared by every process that connects to the database. */
    @Override
    public Set<EventStoreCapability> capabilities() {
        return Set.of(EventStoreCapability.DURABLE, EventStoreCapability.RETENTION, EventStoreCapability.MULTI_PROCESS);
    }

    @Override
    public int priority() {
        return 0;
    }

    /**
     * Creates a store from the {@code scaleplane.store.postgres.*} settings and the retention rules
     * ({@code scaleplane.store.retention.*}, see {@link RetentionPolicy}), with the platform's codec (or one for its
     * event types when the platform has none) and clock.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid or unknown setting
     * @throws dev.scaleplane.api.store.EventStoreException if the database cannot be reached or migrated
     */
    @Override
    public void validate(ConfigProperties config) {
        ConfigReader reader = new ConfigReader(config);
        PostgresStoreConfig.from(reader);
        RetentionPolicy.fromConfig(reader);
        reader.throwIfInvalid();
    }

    @Override
    public EventStore create(ProviderContext context) {
        Objects.requireNonNull(context, "context");
        ConfigReader reader = new ConfigReader(context.config());
        PostgresStoreConfig config = PostgresStoreConfig.from(reader);
        RetentionPolicy retention = RetentionPolicy.fromConfig(reader);
        reader.throwIfInvalid();
        Objects.requireNonNull(config, "config");
        EventCodec codec = EventCodec.forContext(context);
        return PostgresEventStore.open(config, retention, codec, context.clock());
    }

    /**
     * Opens a store without the platform and without retention rules, for explicit wiring and tools: the caller
     * closes it. Reads return events as stored; wrap the store with
     * {@link dev.scaleplane.core.store.UpcastingEventStore} to apply upcasters.
     *
     * @throws dev.scaleplane.api.store.EventStoreException if the database cannot be reached or migrated
     */
    public static EventStore open(PostgresStoreConfig config, EventCodec codec, Clock clock) {
        return open(config, RetentionPolicy.none(), codec, clock);
    }

    /**
     * Opens a store without the platform: the caller closes it.
     *
     * @throws dev.scaleplane.api.store.EventStoreException if the database cannot be reached or migrated
     */
    public static EventStore open(
            PostgresStoreConfig config, RetentionPolicy retention, EventCodec codec, Clock clock) {
        return PostgresEventStore.open(config, retention, codec, clock);
    }
}
