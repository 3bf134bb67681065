package dev.scaleplane.api.spi;

import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventStoreCapability;
import java.util.Set;

/**
 * Creates {@link EventStore} instances of one backend. Found with {@link java.util.ServiceLoader}; register the
 * implementation in {@code META-INF/services/dev.scaleplane.api.spi.EventStoreProvider}.
 *
 * <p>Selection follows the same rule as {@link EventBusProvider} with the key {@code scaleplane.store.provider}; the
 * bundled file-log provider has priority {@value #EMBEDDED_PRIORITY}. Upcasting is applied by the SDK on top of
 * every store, so providers return events exactly as stored.
 *
 * <p>Implementations must be stateless, have a public no-arg constructor and be cheap to instantiate.
 */
public interface EventStoreProvider {

    /** Priority of the bundled embedded provider. */
    int EMBEDDED_PRIORITY = -1;

    /** The name used in configuration ({@code scaleplane.store.provider}), lower-case, e.g. {@code postgres}. */
    String name();

    /** Selection priority when no provider is configured; higher wins. Default 0. */
    default int priority() {
        return 0;
    }

    /**
     * What stores created by this provider offer beyond the {@link EventStore} contract every store keeps. Must not
     * change between calls.
     */
    Set<EventStoreCapability> capabilities();

    /**
     * Checks this provider's settings without opening anything. The platform calls it when it is built, for the
     * selected provider, so a misconfigured backend fails the build with every other configuration problem even
     * though the backend itself is only opened on first use. The default accepts everything.
     *
     * @param config the platform configuration
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting of this provider
     */
    default void validate(ConfigProperties config) {}

    /**
     * Creates a store. Called once per platform; the platform closes it when it closes.
     *
     * @param context configuration and shared components (e.g. the core's event codec)
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting of this provider
     * @throws dev.scaleplane.api.store.EventStoreException if the store cannot be opened
     */
    EventStore create(ProviderContext context);
}
