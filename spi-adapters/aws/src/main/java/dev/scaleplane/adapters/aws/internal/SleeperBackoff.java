package dev.scaleplane.adapters.aws.internal;

import dev.scaleplane.adapters.http.Sleeper;
import java.time.Duration;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * The SDK's backoff, waited out through the plumbing's {@link Sleeper} instead of the SDK's own sleep: the SDK's retry
 * strategy asks for the delay just before it would sleep, so this waits here and hands it zero. Every wait of an
 * adapter then goes through one {@link Sleeper}, which tests replace with one that records and returns.
 *
 * <p>Thread-safe if the delegate and the sleeper are.
 */
final class SleeperBackoff implements BackoffStrategy {
    private final BackoffStrategy delegate;
    private final Sleeper sleeper;

    SleeperBackoff(BackoffStrategy delegate, Sleeper sleeper) {
        this.delegate = delegate;
        this.sleeper = sleeper;
    }

    @Override
    public Duration computeDelay(int attempt) {
        Duration delay = delegate.computeDelay(attempt);
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AbortedException.builder()
                    .message("interrupted while waiting to retry")
                    .cause(e)
                    .build();
        }
        return Duration.ZERO;
    }

    @Override
    public String toString() {
        return "SleeperBackoff[" + delegate + "]";
    }
}
