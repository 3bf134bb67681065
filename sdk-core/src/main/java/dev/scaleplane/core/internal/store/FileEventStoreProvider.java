package dev.scaleplane.core.internal.store;

import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.EventStoreProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventStoreCapability;
import dev.scaleplane.core.codec.EventCodec;
import java.util.Set;

/**
 * The embedded file log, the default event store ({@code scaleplane.store.provider=file}, priority {@value
 * EventStoreProvider#EMBEDDED_PRIORITY}). Keys: {@value FileStoreSettings#DIRECTORY} (default {@value
 * FileStoreSettings#DEFAULT_DIRECTORY}, relative to the working directory), {@value FileStoreSettings#FSYNC}
 * ({@code always}, {@code group-commit} (default) or {@code none}), {@value FileStoreSettings#SEGMENT_SIZE} (bytes,
 * default 64 MiB) and {@code scaleplane.store.retention.<category>.max-age} / {@code .max-count}. Unknown keys
 * under {@value FileStoreSettings#PREFIX} are rejected.
 */
public final class FileEventStoreProvider implements EventStoreProvider {

    /** Creates the provider; discovery calls this. */
    public FileEventStoreProvider() {}

    @Override
    public String name() {
        return "file";
    }

    /** Durable and with retention; one process at a time holds the log's lock. */
    @Override
    public Set<EventStoreCapability> capabilities() {
        return Set.of(EventStoreCapability.DURABLE, EventStoreCapability.RETENTION);
    }

    @Override
    public int priority() {
        return EMBEDDED_PRIORITY;
    }

    @Override
    public void validate(ConfigProperties config) {
        FileStoreSettings.fromConfig(config);
    }

    @Override
    public EventStore create(ProviderContext context) {
        FileStoreSettings settings = FileStoreSettings.fromConfig(context.config());
        // The platform's codec knows its registered types; a bare context gets an equivalent one.
        EventCodec codec = EventCodec.forContext(context);
        return FileEventStore.open(settings, codec, context.clock());
    }
}
