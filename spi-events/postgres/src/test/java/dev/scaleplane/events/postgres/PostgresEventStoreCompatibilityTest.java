package dev.scaleplane.events.postgres;

import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.core.store.UpcastingEventStore;
import dev.scaleplane.tck.EventStoreCompatibilityKit;
import dev.scaleplane.tck.store.TckStoreSettings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Runs the {@link EventStoreCompatibilityKit} against PostgreSQL: stores are created by the provider, from
 * configuration keys as a platform would, in one schema for the class (dropped afterwards), and wrapped with the
 * kit's upcasters as the platform does. Durable: {@link #reopen} opens the same schema again.
 */
class PostgresEventStoreCompatibilityTest extends EventStoreCompatibilityKit {
    private static String schema = "";

    @BeforeAll
    static void createSchemaName() {
        TestPostgres.user();
        schema = TestPostgres.newSchemaName();
    }

    @AfterAll
    static void dropSchema() {
        TestPostgres.dropSchema(schema);
    }

    @Override
    protected EventStore createStore(TckStoreSettings settings) {
        Map<String, String> config = new HashMap<>(settings.retentionConfig());
        config.put(PostgresStoreConfig.URL, TestPostgres.URL);
        config.put(PostgresStoreConfig.USER, TestPostgres.user());
        config.put(PostgresStoreConfig.SCHEMA, schema);
        config.put(PostgresStoreConfig.POOL_SIZE, "8");
        EventStore store = new PostgresEventStoreProvider()
                .create(TestContext.of(config, settings.eventTypes(), settings.clock()));
        return UpcastingEventStore.wrap(store, settings.upcasters());
    }

    @Override
    protected boolean durable() {
        return new PostgresEventStoreProvider()
                .capabilities()
                .contains(dev.scaleplane.api.store.EventStoreCapability.DURABLE);
    }

    @Override
    protected EventStore reopen(EventStore closed, TckStoreSettings settings) {
        return createStore(settings);
    }

    @Override
    protected boolean supportsRetention() {
        return new PostgresEventStoreProvider()
                .capabilities()
                .contains(dev.scaleplane.api.store.EventStoreCapability.RETENTION);
    }
}
