package dev.scaleplane.adapters.http.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when a test (or an {@link AdapterTestContext}'s sleeper) moves it, so rate-limit resets,
 * token expiries and renewals are tested without sleeping. Thread-safe.
 */
public final class VirtualClock extends Clock {
    private volatile Instant now;

    /** A clock standing at {@code start}. */
    public VirtualClock(Instant start) {
        now = start;
    }

    /** Moves the clock forward by {@code by}. */
    public synchronized void advance(Duration by) {
        now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
