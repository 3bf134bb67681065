package dev.scaleplane.federation.kubernetes.internal;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a failure at most once per key and interval, with the number suppressed since, so a cluster that stays down
 * does not flood the log with one line per probe or retry.
 *
 * <p>Thread-safe.
 */
final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private final ConcurrentHashMap<String, long[]> last = new ConcurrentHashMap<>();
    private final AtomicLong suppressedTotal = new AtomicLong();

    RateLimitedLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    /** Warns {@code message} (SLF4J format) unless {@code key} was logged within the interval. */
    void warn(String key, String message, Object... args) {
        long now = System.nanoTime();
        long[] slot = last.computeIfAbsent(key, k -> new long[] {now - intervalNanos - 1, 0});
        long suppressed;
        synchronized (slot) {
            if (now - slot[0] <= intervalNanos) {
                slot[1]++;
                suppressedTotal.incrementAndGet();
                return;
            }
            slot[0] = now;
            suppressed = slot[1];
            slot[1] = 0;
        }
        if (suppressed > 0) {
            log.warn(message + " (" + suppressed + " similar messages suppressed)", args);
        } else {
            log.warn(message, args);
        }
    }
}
