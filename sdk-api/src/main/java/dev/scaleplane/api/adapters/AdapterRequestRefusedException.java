package dev.scaleplane.api.adapters;

import org.jspecify.annotations.Nullable;

/**
 * The system refused the request as invalid (400 or 422) or in conflict with the resource's state (409). Never
 * retried: the request must change. {@link #serverMessage()} usually says what was wrong.
 */
public class AdapterRequestRefusedException extends AdapterException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message ends with what the user can do about it. */
    public AdapterRequestRefusedException(AdapterCallFacts facts, @Nullable Throwable cause) {
        super(facts, "the request must change; see the server's message", cause);
    }
}
