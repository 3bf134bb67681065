package dev.scaleplane.api.events;

import dev.scaleplane.api.ScaleplaneException;

/** A payload class or type name is not registered in the platform's {@link EventTypeRegistry}. */
public final class UnknownEventTypeException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message says how to register the type. */
    public UnknownEventTypeException(String message) {
        super(message);
    }
}
