package dev.scaleplane.core.internal.discovery;

import dev.scaleplane.api.ScaleplaneException;
import java.util.List;

/**
 * No provider of a service is installed and none was given explicitly. The message says which artifact to add and
 * lists the providers that were registered but failed to load, with their causes.
 */
public final class NoProviderException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final transient List<ProviderFailure> failures;

    /**
     * Creates the exception.
     *
     * @param message the full message, including the fix
     * @param failures providers that failed to load; the first one's cause becomes this exception's cause
     */
    public NoProviderException(String message, List<ProviderFailure> failures) {
        super(message, failures.isEmpty() ? null : failures.get(0).cause());
        this.failures = List.copyOf(failures);
    }

    /** The providers that were registered but could not be loaded. */
    public List<ProviderFailure> failures() {
        return failures;
    }
}
