package dev.scaleplane.tck.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A clock the kit moves by hand, so retention by age is tested without waiting. Starts at the real time (whole
 * milliseconds) and stands still until {@link #advance(Duration)}.
 *
 * <p>Thread-safe.
 */
public final class TckClock extends Clock {
    private volatile Instant now;

    /** A clock at the current time, truncated to milliseconds. */
    public TckClock() {
        this(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    /** A clock at {@code start}. */
    public TckClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    /** Moves the clock forward. */
    public synchronized void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("the clock only moves forward, but by was " + by);
        }
        now = now.plus(by);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (ZoneOffset.UTC.equals(zone)) {
            return this;
        }
        throw new UnsupportedOperationException("the kit's clock is UTC only");
    }

    @Override
    public String toString() {
        return "TckClock[" + now + ']';
    }
}
