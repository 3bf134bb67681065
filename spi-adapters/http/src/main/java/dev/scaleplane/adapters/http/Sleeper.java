package dev.scaleplane.adapters.http;

import java.time.Duration;

/**
 * Waits. Every wait of the plumbing (rate-limit pauses, retry backoff) goes through one, so that tests inject a
 * recording sleeper and never sleep for real.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {

    /** The real one: {@link Thread#sleep(long, int)}. */
    Sleeper SYSTEM = duration -> {
        if (!duration.isNegative() && !duration.isZero()) {
            Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
        }
    };

    /**
     * Waits for {@code duration}; returns at once for zero or negative durations.
     *
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void sleep(Duration duration) throws InterruptedException;
}
