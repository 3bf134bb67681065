package dev.scaleplane.api.adapters;

import org.jspecify.annotations.Nullable;

/**
 * The system could not serve the call: a 5xx answer, a timeout, a connection failure, or the circuit breaker of its
 * endpoint being open after repeated failures (then no request was sent at all and {@link #circuitOpen()} is true).
 * Thrown once the retries allowed for the call are spent; the call may succeed later.
 */
public class AdapterUnavailableException extends AdapterException {
    private static final long serialVersionUID = 1L;

    private final boolean circuitOpen;

    /** Creates the exception for a failed call; {@code circuitOpen} when it was refused without being sent. */
    public AdapterUnavailableException(AdapterCallFacts facts, boolean circuitOpen, @Nullable Throwable cause) {
        super(
                facts,
                circuitOpen
                        ? "circuit breaker open after repeated failures: not sent, failing fast until it half-opens"
                        : "the system is unavailable or too slow; retry later",
                cause);
        this.circuitOpen = circuitOpen;
    }

    /** Whether the call was refused by an open circuit breaker, without being sent. */
    public boolean circuitOpen() {
        return circuitOpen;
    }
}
