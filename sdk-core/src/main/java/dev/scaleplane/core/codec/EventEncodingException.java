package dev.scaleplane.core.codec;

import dev.scaleplane.api.ScaleplaneException;
import org.jspecify.annotations.Nullable;

/**
 * An event could not be encoded: its payload cannot be serialized for its content type (for example a record with no
 * serializable properties under {@code application/json}, or an object under a non-JSON content type that is neither
 * {@code byte[]} nor {@code String}), or an extension attribute collides with a CloudEvents context attribute.
 *
 * <p>This is a programming or configuration error on the publishing side; it is thrown before anything reaches the
 * wire.
 */
public final class EventEncodingException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that names the event type and what could not be encoded. */
    public EventEncodingException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
