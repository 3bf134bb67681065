package dev.scaleplane.core.internal.discovery;

import dev.scaleplane.api.ScaleplaneException;
import java.util.List;

/**
 * Two or more installed providers of one service have the same name, so configuration cannot tell them apart. The
 * message names every class involved; the fix is to remove one of the artifacts from the class path.
 */
public final class DuplicateProviderException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    /** The name claimed more than once. */
    private final String providerName;

    /** The classes claiming it, sorted. */
    private final List<String> providerClasses;

    /**
     * Creates the exception.
     *
     * @param kind what the providers provide, e.g. "event bus"
     * @param providerName the shared name
     * @param providerClasses the classes that claim it, at least two
     */
    public DuplicateProviderException(String kind, String providerName, List<String> providerClasses) {
        super("Several " + kind + " providers are named '" + providerName + "': " + String.join(", ", providerClasses)
                + ". Provider names must be unique; remove all but one of the artifacts that contain these classes"
                + " from the class path.");
        this.providerName = providerName;
        this.providerClasses = List.copyOf(providerClasses);
    }

    /** The name claimed more than once. */
    public String providerName() {
        return providerName;
    }

    /** The classes claiming it, sorted. */
    public List<String> providerClasses() {
        return providerClasses;
    }
}
