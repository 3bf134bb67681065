package dev.scaleplane.api.store;

import dev.scaleplane.api.ScaleplaneException;
import org.jspecify.annotations.Nullable;

/** The store could not complete an operation (I/O, corruption, lost connection). */
public class EventStoreException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public EventStoreException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
