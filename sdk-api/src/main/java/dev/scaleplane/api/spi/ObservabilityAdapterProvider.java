package dev.scaleplane.api.spi;

import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.ObservabilityCapability;
import java.util.Set;

/**
 * Creates {@link ObservabilityAdapter} instances of one observability system. Found with {@link
 * java.util.ServiceLoader}; register the implementation in {@code
 * META-INF/services/dev.scaleplane.api.spi.ObservabilityAdapterProvider}. Selected per instance by {@code
 * scaleplane.adapters.<instance>.type}, as {@link CiAdapterProvider} describes.
 *
 * <p>Implementations must be stateless, have a public no-arg constructor and be cheap to instantiate.
 */
public interface ObservabilityAdapterProvider {

    /** The system, lower-case, e.g. {@code prometheus}; what {@code scaleplane.adapters.<instance>.type} names. */
    String name();

    /** Priority; unused by instance selection, kept for the common SPI shape. Default 0. */
    default int priority() {
        return 0;
    }

    /** What adapters created by this provider offer. Must not change between calls. */
    Set<ObservabilityCapability> capabilities();

    /**
     * Checks the settings of instance {@code instance} ({@code scaleplane.adapters.<instance>.*}) without connecting.
     * Called when the platform is built. The default accepts everything.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting, secrets redacted
     */
    default void validate(String instance, ConfigProperties config) {}

    /**
     * Creates the adapter of instance {@code instance}. Called once, on the instance's first use; the platform closes
     * it when it closes.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting
     */
    ObservabilityAdapter create(String instance, ProviderContext context);
}
