package dev.scaleplane.core.orchestration.support;

import dev.scaleplane.api.orchestration.TaskRateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A token bucket on a caller-supplied clock: {@link TaskRateLimit#permits()} tokens, refilled one per
 * {@link TaskRateLimit#interval()}, so at most {@code permits} takes in any window of the limit's period, with bursts
 * of up to {@code permits} after a quiet period. The one rate limiter of the project's own loops (task types of the
 * in-memory queue, Kubernetes Event writes per cluster): resilience4j's {@code RateLimiter} reads
 * {@code System.nanoTime()}, so it cannot run on a virtual clock, and it parks callers who wait, while these callers
 * leave the work queued or drop it.
 *
 * <p>Two phases, so that a caller can look without spending: {@link #hasPermit(Instant)}, then {@link #take(Instant)}
 * the permit it found; {@link #tryTake(Instant)} does both. Times must not go backwards between calls.
 *
 * <p>Not thread-safe: the owner guards it with its lock.
 */
public final class TokenBucket {
    private final int capacity;
    private final long intervalNanos;
    private int tokens;
    private Instant refilledAt;

    /**
     * A full bucket for {@code limit}, starting at {@code now}.
     *
     * @param limit permits per period
     * @param now the current time of the caller's clock
     */
    public TokenBucket(TaskRateLimit limit, Instant now) {
        Objects.requireNonNull(limit, "limit");
        this.capacity = limit.permits();
        this.intervalNanos = limit.interval().toNanos();
        this.tokens = capacity;
        this.refilledAt = Objects.requireNonNull(now, "now");
    }

    /** Whether a permit is available at {@code now}; refills what the time since the last refill earned. */
    public boolean hasPermit(Instant now) {
        if (tokens < capacity) {
            long earned = Duration.between(refilledAt, now).toNanos() / intervalNanos;
            if (earned > 0) {
                tokens = (int) Math.min(capacity, tokens + earned);
                // keep the remainder, so permits come back at an even pace
                refilledAt = refilledAt.plusNanos(earned * intervalNanos);
            }
        }
        return tokens > 0;
    }

    /**
     * Takes the permit {@link #hasPermit} just found. A full bucket starts counting its refill now: the answer never
     * depends on when the bucket was looked at, only on when permits were taken. Taking without a permit (a caller
     * that did not look) overdraws the bucket: later permits come back only after the debt is refilled.
     */
    public void take(Instant now) {
        if (tokens == capacity) {
            refilledAt = now;
        }
        tokens--;
    }

    /** Takes a permit if one is available at {@code now}; returns whether it did. */
    public boolean tryTake(Instant now) {
        if (!hasPermit(now)) {
            return false;
        }
        take(now);
        return true;
    }

    /** Permits available as of the last {@link #hasPermit} or {@link #take}. */
    public int tokens() {
        return tokens;
    }

    /** The most permits the bucket holds. */
    public int capacity() {
        return capacity;
    }

    @Override
    public String toString() {
        return "TokenBucket{tokens=" + tokens + ", capacity=" + capacity + ", intervalNanos=" + intervalNanos + '}';
    }
}
