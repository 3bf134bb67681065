package dev.scaleplane.api.spi;

import dev.scaleplane.api.events.EventBus;

/**
 * Creates {@link EventBus} instances of one backend. Found with {@link java.util.ServiceLoader}; register the
 * implementation in {@code META-INF/services/dev.scaleplane.api.spi.EventBusProvider}.
 *
 * <h2>Selection rule</h2>
 *
 * When a platform is built, its bus is chosen by the first rule that applies:
 *
 * <ol>
 *   <li>a bus instance or provider given to the platform builder;
 *   <li>the provider whose {@link #name()} equals the configured {@code scaleplane.events.provider}; an unknown name
 *       fails with the installed names and the artifact to add;
 *   <li>the only provider found;
 *   <li>the provider with the highest {@link #priority()}; on a tie the first by class name wins and a warning lists
 *       the tied classes.
 * </ol>
 *
 * Two providers with the same name are an error. The bundled in-memory provider has priority {@value
 * #EMBEDDED_PRIORITY}, so any other backend on the class path wins over it.
 *
 * <p>Implementations must be stateless, have a public no-arg constructor and be cheap to instantiate: discovery
 * instantiates every provider on the class path, including those not selected.
 */
public interface EventBusProvider {

    /** Priority of the bundled in-memory provider. */
    int EMBEDDED_PRIORITY = -1;

    /**
     * The name used in configuration ({@code scaleplane.events.provider}), lower-case, e.g. {@code kafka}. Must be
     * unique among installed providers.
     */
    String name();

    /** Selection priority when no provider is configured; higher wins. Default 0. */
    default int priority() {
        return 0;
    }

    /** What buses created by this provider guarantee. Must not change between calls. */
    Capabilities capabilities();

    /**
     * Checks this provider's settings without connecting anywhere. The platform calls it when it is built, for the
     * selected provider, so that a misconfigured bus fails the build with every other configuration problem in one
     * {@link dev.scaleplane.api.ConfigurationException}. The default accepts everything.
     *
     * @param config the platform configuration
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting of this provider
     */
    default void validate(ConfigProperties config) {}

    /**
     * Creates a bus. Called once per platform; the platform closes the bus when it closes.
     *
     * @param context configuration and shared components
     * @return a new, started bus
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting of this provider
     * @throws dev.scaleplane.api.ScaleplaneException if the backend cannot be reached or set up
     */
    EventBus create(ProviderContext context);
}
