package dev.scaleplane.api.adapters;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The rate budget of the credential is spent and waiting for it would take longer than allowed, or the server kept
 * answering 429 (or GitHub's secondary rate limit) after the allowed retries. {@link #retryAfter()} says how long until
 * the budget returns, as far as known.
 */
public class AdapterRateLimitedException extends AdapterException {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param facts the call; status 0 when it was held back before being sent
     * @param retryAfter how long until the budget returns; {@link Duration#ZERO} when unknown
     */
    public AdapterRateLimitedException(AdapterCallFacts facts, Duration retryAfter, @Nullable Throwable cause) {
        super(facts, "rate limit of this credential exhausted; budget returns in " + retryAfter, cause);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** How long until the budget returns; zero when unknown. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
