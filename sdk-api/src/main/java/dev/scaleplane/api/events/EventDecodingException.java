package dev.scaleplane.api.events;

import dev.scaleplane.api.ScaleplaneException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message could not be turned into a valid {@link Event}. Buses send such messages to the dead-letter destination
 * with this exception as the reason; they never block a partition on it.
 */
public final class EventDecodingException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    /** What was wrong. */
    public enum Reason {
        /** Not parseable at all (e.g. not JSON). */
        MALFORMED,
        /** A required attribute (id, source, specversion, type) is absent. */
        MISSING_ATTRIBUTE,
        /** {@code specversion} is not 1.0. */
        UNSUPPORTED_SPEC_VERSION,
        /** An attribute has an invalid value (e.g. {@code time} not RFC 3339, a bad {@code traceparent}). */
        INVALID_ATTRIBUTE,
        /** The data does not match the payload class registered for the event's type. */
        DATA_MISMATCH
    }

    private final Reason reason;
    private final @Nullable String attribute;

    /** Creates the exception. */
    public EventDecodingException(
            Reason reason, @Nullable String attribute, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.attribute = attribute;
    }

    /** What was wrong. */
    public Reason reason() {
        return reason;
    }

    /** The attribute concerned, if one. */
    public @Nullable String attribute() {
        return attribute;
    }
}
