package dev.scaleplane.api.spi;

import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import java.util.Set;

/**
 * Creates {@link SecretsAdapter} instances of one secrets system. Found with {@link java.util.ServiceLoader};
 * register the implementation in {@code META-INF/services/dev.scaleplane.api.spi.SecretsAdapterProvider}. Selected
 * per instance by {@code scaleplane.adapters.<instance>.type}, as {@link CiAdapterProvider} describes.
 *
 * <p>Implementations must be stateless, have a public no-arg constructor and be cheap to instantiate.
 */
public interface SecretsAdapterProvider {

    /** The system, lower-case, e.g. {@code vault}; what {@code scaleplane.adapters.<instance>.type} names. */
    String name();

    /** Priority; unused by instance selection, kept for the common SPI shape. Default 0. */
    default int priority() {
        return 0;
    }

    /** What adapters created by this provider offer. Must not change between calls. */
    Set<SecretsCapability> capabilities();

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
    SecretsAdapter create(String instance, ProviderContext context);
}
