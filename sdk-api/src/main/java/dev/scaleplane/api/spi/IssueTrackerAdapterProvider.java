package dev.scaleplane.api.spi;

import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.issues.IssueTrackerCapability;
import java.util.Set;

/**
 * Creates {@link IssueTrackerAdapter} instances of one issue tracker. Found with {@link java.util.ServiceLoader}; register the
 * implementation in {@code META-INF/services/dev.scaleplane.api.spi.IssueTrackerAdapterProvider}.
 *
 * <h2>Selection</h2>
 *
 * Adapters are named instances: {@code scaleplane.adapters.<instance>.type} names the system, which must be the
 * {@link #name()} of exactly one installed provider (an unknown system fails the build with the installed names and
 * the artifact to add, {@code dev.scaleplane:scaleplane-adapters-<system>}); two providers with one name are an
 * error. {@link #priority()} breaks nothing here but keeps the shape every SPI has.
 *
 * <p>Implementations must be stateless, have a public no-arg constructor and be cheap to instantiate.
 */
public interface IssueTrackerAdapterProvider {

    /** The system, lower-case, e.g. {@code jira}; what {@code scaleplane.adapters.<instance>.type} names. */
    String name();

    /** Priority; unused by instance selection, kept for the common SPI shape. Default 0. */
    default int priority() {
        return 0;
    }

    /** What adapters created by this provider offer. Must not change between calls. */
    Set<IssueTrackerCapability> capabilities();

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
    IssueTrackerAdapter create(String instance, ProviderContext context);
}
