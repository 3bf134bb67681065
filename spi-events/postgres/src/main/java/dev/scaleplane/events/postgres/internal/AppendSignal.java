package dev.scaleplane.events.postgres.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tells waiting catch-up subscriptions that something may have been appended: a generation number that appends in
 * this process and notifications from other processes increase. A subscription reads the generation before it reads
 * the store and, if it found nothing new, waits until the generation moves on; so a signal that arrives while it
 * reads is never lost.
 *
 * <p>Thread-safe.
 */
final class AppendSignal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile long generation;

    /** The current generation. */
    long generation() {
        return generation;
    }

    /** Wakes every waiter. */
    void signal() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the generation differs from {@code seen} or the timeout passes.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void await(long seen, long timeoutNanos) throws InterruptedException {
        if (generation != seen) {
            return;
        }
        lock.lock();
        try {
            long left = timeoutNanos;
            while (generation == seen && left > 0) {
                left = changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@link #await(long, long)} with a timeout in milliseconds. */
    void awaitMillis(long seen, long timeoutMillis) throws InterruptedException {
        await(seen, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    }
}
