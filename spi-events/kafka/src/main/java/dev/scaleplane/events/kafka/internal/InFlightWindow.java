package dev.scaleplane.events.kafka.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounds the publishes waiting for the broker's acknowledgement, like a {@link java.util.concurrent.Semaphore} with
 * {@code max} permits, but built for one fact of the Kafka producer: permits are taken by publishing threads and given
 * back by the producer's single I/O thread. A semaphore makes both threads write one counter for every record, and
 * that counter's cache line travels between the cores twice per record, on the I/O thread that bounds throughput.
 * Here each side counts on a line of its own ({@code sent} and {@code completed}), and a publisher reads the other
 * side's count only when its last look says the window may be full.
 *
 * <p>A publisher that finds the window full waits by parking in growing steps (10 µs up to 1 ms), rechecking, until
 * the deadline; releases never signal, so the I/O thread never pays for waiters. Thread-safe.
 */
final class InFlightWindow {
    // Counters 128 bytes apart in one array, so neither shares a cache line with the other or with the array header.
    private static final int SENT = 16;
    private static final int COMPLETED = 32;
    private static final long MIN_PARK = TimeUnit.MICROSECONDS.toNanos(10);
    private static final long MAX_PARK = TimeUnit.MILLISECONDS.toNanos(1);

    private final long max;
    private final AtomicLongArray counters = new AtomicLongArray(48);
    /** The completed count a publisher last read; stale is safe (it only undercounts completions). */
    private volatile long completedSeen;

    InFlightWindow(int max) {
        this.max = max;
    }

    /**
     * Takes a place in the window, waiting up to {@code timeoutNanos} for one.
     *
     * @return whether a place was taken; on false nothing is held
     * @throws InterruptedException if interrupted while waiting (nothing is held then)
     */
    boolean acquire(long timeoutNanos) throws InterruptedException {
        long sent = counters.incrementAndGet(SENT);
        if (sent - completedSeen <= max) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        long park = MIN_PARK;
        while (true) {
            long completed = counters.get(COMPLETED);
            if (completed > completedSeen) {
                completedSeen = completed;
            }
            // Places are handed out in the order publishers arrived: the n-th waiter goes once n more completed.
            if (sent - completed <= max) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                release(); // give the reserved place back: it counts as sent and completed at once
                return false;
            }
            if (Thread.interrupted()) {
                release();
                throw new InterruptedException();
            }
            LockSupport.parkNanos(this, Math.min(park, left));
            park = Math.min(park * 2, MAX_PARK);
        }
    }

    /** Gives back a place taken by {@link #acquire}. */
    void release() {
        counters.incrementAndGet(COMPLETED);
    }

    /** Places taken and not given back. */
    long inFlight() {
        return counters.get(SENT) - counters.get(COMPLETED);
    }
}
