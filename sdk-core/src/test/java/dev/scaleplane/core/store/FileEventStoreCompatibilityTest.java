package dev.scaleplane.core.store;

import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.core.internal.store.FileEventStoreProvider;
import dev.scaleplane.tck.EventStoreCompatibilityKit;
import dev.scaleplane.tck.store.TckStoreSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@link EventStoreCompatibilityKit} against the file log, created by its provider in a fresh directory per
 * store with the default fsync policy (group commit), wrapped with the kit's upcasters as the platform does. Durable:
 * {@link #reopen} opens the same directory again.
 */
class FileEventStoreCompatibilityTest extends EventStoreCompatibilityKit {
    @TempDir
    Path tmp;

    private final Map<EventStore, Path> directories = new ConcurrentHashMap<>();
    private int stores;

    @Override
    protected EventStore createStore(TckStoreSettings settings) {
        return open(tmp.resolve("store-" + stores++), settings);
    }

    @Override
    protected boolean durable() {
        return new dev.scaleplane.core.internal.store.FileEventStoreProvider()
                .capabilities()
                .contains(dev.scaleplane.api.store.EventStoreCapability.DURABLE);
    }

    @Override
    protected EventStore reopen(EventStore closed, TckStoreSettings settings) {
        return open(directories.get(closed), settings);
    }

    @Override
    protected boolean supportsRetention() {
        return new dev.scaleplane.core.internal.store.FileEventStoreProvider()
                .capabilities()
                .contains(dev.scaleplane.api.store.EventStoreCapability.RETENTION);
    }

    /** The fsync policy under test: the default, group commit, whose appends go through the writer thread. */
    protected String fsync() {
        return "group-commit";
    }

    private EventStore open(Path directory, TckStoreSettings settings) {
        Map<String, String> config = new HashMap<>(settings.retentionConfig());
        config.put("scaleplane.store.file.fsync", fsync());
        config.put("scaleplane.store.file.directory", directory.toString());
        config.put("scaleplane.store.file.segment-size", "65536"); // small, so the kit's tests cross segments
        EventStore store = UpcastingEventStore.wrap(
                new FileEventStoreProvider()
                        .create(StoreTestContext.of(config, settings.eventTypes(), settings.clock())),
                settings.upcasters());
        directories.put(store, directory);
        return store;
    }
}
