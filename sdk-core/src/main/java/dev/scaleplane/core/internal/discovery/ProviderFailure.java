package dev.scaleplane.core.internal.discovery;

import java.util.Objects;

/**
 * A provider that was registered but could not be loaded: its class is missing, is not a subtype of the service
 * interface, or its constructor threw.
 *
 * @param providerClass the provider's class name as registered, or {@code "?"} when the error does not name it
 * @param cause what went wrong, usually a {@link java.util.ServiceConfigurationError} whose cause is the original
 *     exception
 */
public record ProviderFailure(String providerClass, Throwable cause) {

    /** Validates the arguments. */
    public ProviderFailure {
        Objects.requireNonNull(providerClass, "providerClass");
        Objects.requireNonNull(cause, "cause");
    }

    /** The deepest cause's description: what to fix. */
    public String reason() {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == cause ? String.valueOf(cause.getMessage()) : cause.getMessage() + " caused by " + root;
    }

    /** {@code class: reason}. */
    @Override
    public String toString() {
        return providerClass + ": " + reason();
    }
}
