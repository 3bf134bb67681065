package dev.scaleplane.testing;

import dev.scaleplane.api.orchestration.TaskClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A {@link TaskClock} on virtual time for tests: time stands still until {@link #advance(Duration)} moves it, and
 * scheduled actions run on the advancing thread, in due-time order (ties in scheduling order), each with the clock
 * set to its due time. Leases, retries, delays and deadlines can so be tested exactly and without sleeping.
 *
 * <p>Thread-safe. Actions run outside the clock's lock, so they may schedule further actions (those due within the
 * same advance run in it too) and may take their own locks.
 */
public final class VirtualTaskClock implements TaskClock {

    /** The instant a clock made by {@link #VirtualTaskClock()} starts at. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private Instant now;
    private long sequence;

    /** A clock at {@link #DEFAULT_START}. */
    public VirtualTaskClock() {
        this(DEFAULT_START);
    }

    /** A clock at {@code start}. */
    public VirtualTaskClock(Instant start) {
        now = Objects.requireNonNull(start, "start");
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    /**
     * A UTC {@link Clock} reading this clock's time, for the platform builder's {@code clock(...)}, so that event times
     * and store timestamps follow virtual time too.
     */
    public Clock asClock() {
        VirtualTaskClock self = this;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException("a virtual clock is UTC only");
            }

            @Override
            public Instant instant() {
                return self.now();
            }
        };
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable action) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(action, "action");
        Timer timer;
        synchronized (this) {
            timer = new Timer(now.plus(delay.isNegative() ? Duration.ZERO : delay), sequence++, action);
            timers.add(timer);
        }
        return () -> {
            synchronized (this) {
                timers.remove(timer);
            }
        };
    }

    /**
     * Moves time forward by {@code duration}, running every action due until then.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must be >= 0, but was " + duration);
        }
        Instant target;
        synchronized (this) {
            target = now.plus(duration);
        }
        advanceTo(target);
    }

    /**
     * Moves time forward to {@code target}, running every action due until then; no effect if {@code target} is not
     * after now.
     */
    public void advanceTo(Instant target) {
        Objects.requireNonNull(target, "target");
        while (true) {
            Timer next;
            synchronized (this) {
                next = timers.peek();
                if (next == null || next.due.isAfter(target)) {
                    if (target.isAfter(now)) {
                        now = target;
                    }
                    return;
                }
                timers.poll();
                if (next.due.isAfter(now)) {
                    now = next.due;
                }
            }
            next.action.run();
        }
    }

    /** Actions scheduled and not yet run or cancelled. */
    public synchronized int pendingActions() {
        return timers.size();
    }

    @Override
    public synchronized String toString() {
        return "VirtualTaskClock{now=" + now + ", pending=" + timers.size() + '}';
    }

    private record Timer(Instant due, long sequence, Runnable action) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            int c = due.compareTo(o.due);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
