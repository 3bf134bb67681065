package dev.scaleplane.api.spi;

import dev.scaleplane.api.federation.FederationCapability;
import dev.scaleplane.api.federation.Fleet;
import java.util.Set;

/**
 * Creates the {@link Fleet} of one federation backend. Found with {@link java.util.ServiceLoader}; register the
 * implementation in {@code META-INF/services/dev.scaleplane.api.spi.FederationProvider}.
 *
 * <h2>Selection rule</h2>
 *
 * The same as {@link EventBusProvider}'s, with the key {@code scaleplane.federation.provider}: a provider given to
 * the platform builder; else the provider named in configuration (an unknown name fails with the installed names and
 * the artifact to add); else the only one found; else the highest {@link #priority()}, ties broken by class name with
 * a warning. Two providers with one name are an error. No federation provider is bundled with the core: without one,
 * {@code platform.federation()} fails saying which artifact to add.
 *
 * <p>Implementations must be stateless, have a public no-arg constructor and be cheap to instantiate: discovery
 * instantiates every provider on the class path, including those not selected.
 */
public interface FederationProvider {

    /**
     * The name used in configuration ({@code scaleplane.federation.provider}), lower-case, e.g. {@code kubernetes}.
     * Must be unique among installed providers.
     */
    String name();

    /** Selection priority when no provider is configured; higher wins. Default 0. */
    default int priority() {
        return 0;
    }

    /** What fleets created by this provider offer. Must not change between calls. */
    Set<FederationCapability> capabilities();

    /**
     * Checks this provider's settings without opening anything. The platform calls it when it is built, for the
     * selected provider. The default accepts everything.
     *
     * @param config the platform configuration
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting of this provider
     */
    default void validate(ConfigProperties config) {}

    /**
     * Creates the fleet. Called once per platform, on the first {@code platform.federation()}; the platform closes
     * it when it closes. The fleet finds the platform's event store, bus and task queue through the context component
     * {@link dev.scaleplane.api.Platform}, and its clock as {@code TaskClock} if there is one.
     *
     * @param context configuration and shared components
     * @return a started fleet, its registry restored from the event store
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting of this provider
     * @throws dev.scaleplane.api.ScaleplaneException if the fleet cannot be started
     */
    Fleet create(ProviderContext context);
}
