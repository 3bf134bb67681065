package dev.scaleplane.core.store;

import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.core.internal.store.InMemoryEventStoreProvider;
import dev.scaleplane.tck.EventStoreCompatibilityKit;
import dev.scaleplane.tck.store.TckStoreSettings;

/**
 * Runs the {@link EventStoreCompatibilityKit} against the in-memory store, created by its provider from the kit's
 * retention settings and wrapped with the kit's upcasters as the platform does. Not durable.
 */
class InMemoryEventStoreCompatibilityTest extends EventStoreCompatibilityKit {

    @Override
    protected EventStore createStore(TckStoreSettings settings) {
        EventStore store = new InMemoryEventStoreProvider()
                .create(StoreTestContext.of(settings.retentionConfig(), settings.eventTypes(), settings.clock()));
        return UpcastingEventStore.wrap(store, settings.upcasters());
    }

    @Override
    protected boolean supportsRetention() {
        return new dev.scaleplane.core.internal.store.InMemoryEventStoreProvider()
                .capabilities()
                .contains(dev.scaleplane.api.store.EventStoreCapability.RETENTION);
    }
}
