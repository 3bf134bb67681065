package dev.scaleplane.api.orchestration;

import java.time.Duration;
import java.util.Objects;

/**
 * A rate limit on leases of one task type: at most {@code permits} leases in any window of {@code period}, with
 * bursts of up to {@code permits} after a quiet period (a token bucket of {@code permits} tokens refilled evenly
 * over {@code period}). Tasks over the limit stay queued; they are not failed and do not count as attempts.
 *
 * <p>Immutable and thread-safe.
 *
 * @param permits leases per period, {@code >= 1}
 * @param period the window, positive
 */
public record TaskRateLimit(int permits, Duration period) {

    /**
     * @throws IllegalArgumentException if {@code permits < 1} or the period is not positive
     */
    public TaskRateLimit {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be >= 1, but was " + permits);
        }
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be > 0, but was " + period);
        }
    }

    /** {@code permits} leases per {@code period}. */
    public static TaskRateLimit of(int permits, Duration period) {
        return new TaskRateLimit(permits, period);
    }

    /** {@code permits} leases per second. */
    public static TaskRateLimit perSecond(int permits) {
        return new TaskRateLimit(permits, Duration.ofSeconds(1));
    }

    /** Time for one permit to come back: {@code period / permits}, at least one nanosecond. */
    public Duration interval() {
        return Duration.ofNanos(Math.max(1, period.toNanos() / permits));
    }
}
