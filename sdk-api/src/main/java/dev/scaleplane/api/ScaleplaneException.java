package dev.scaleplane.api;

import org.jspecify.annotations.Nullable;

/**
 * Base type of every exception the SDK throws on purpose. Catch this to handle all Scaleplane failures in one place;
 * catch a subtype to handle one kind.
 */
public class ScaleplaneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message that should say what failed and, where known, how to fix it. */
    public ScaleplaneException(String message) {
        super(message);
    }

    /** Creates an exception with a message and the underlying cause. */
    public ScaleplaneException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
