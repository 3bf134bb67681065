package dev.scaleplane.api.spi;

import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueCapability;
import java.util.Set;

/**
 * Creates {@link TaskQueue} instances of one backend. Found with {@link java.util.ServiceLoader}; register the
 * implementation in {@code META-INF/services/dev.scaleplane.api.spi.TaskQueueProvider}.
 *
 * <h2>Selection rule</h2>
 *
 * The same as {@link EventBusProvider}'s, with the key {@code scaleplane.tasks.provider}: a queue or provider given
 * to the platform builder; else the provider named in configuration (an unknown name fails with the installed names
 * and the artifact to add); else the only one found; else the highest {@link #priority()}, ties broken by class name
 * with a warning. Two providers with one name are an error. The bundled in-memory provider has priority {@value
 * #EMBEDDED_PRIORITY}.
 *
 * <p>Implementations must be stateless, have a public no-arg constructor and be cheap to instantiate: discovery
 * instantiates every provider on the class path, including those not selected.
 */
public interface TaskQueueProvider {

    /** Priority of the bundled in-memory provider. */
    int EMBEDDED_PRIORITY = -1;

    /**
     * The name used in configuration ({@code scaleplane.tasks.provider}), lower-case, e.g. {@code memory}. Must be
     * unique among installed providers.
     */
    String name();

    /** Selection priority when no provider is configured; higher wins. Default 0. */
    default int priority() {
        return 0;
    }

    /** What queues created by this provider guarantee. Must not change between calls. */
    Set<TaskQueueCapability> capabilities();

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
     * Creates a queue. Called once per platform; the platform closes the queue when it closes. The queue reads time
     * from the context's {@code TaskClock} component if there is one, else from {@link ProviderContext#clock()}.
     *
     * @param context configuration and shared components
     * @return a new, started queue
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting of this provider
     * @throws dev.scaleplane.api.ScaleplaneException if the backend cannot be reached or set up
     */
    TaskQueue create(ProviderContext context);
}
