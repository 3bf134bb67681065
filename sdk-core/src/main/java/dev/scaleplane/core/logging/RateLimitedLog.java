package dev.scaleplane.core.logging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a repeating failure at most once per key and interval, saying on the next line how many were held back, so an
 * outage does not flood the log with one line per probe, retry or rejected request.
 *
 * <p>The key names what repeats (an endpoint and path, a cluster, a webhook endpoint and status); lines of different
 * keys never hold each other back. Callers build messages from names, statuses and sizes, never from a secret, a
 * header value or a payload: this class does not redact.
 *
 * <p>Thread-safe. Keys are kept for the life of the instance, so use a bounded set of them.
 */
public final class RateLimitedLog {
    private final Logger log;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong heldBackTotal = new AtomicLong();

    private record Window(Instant start, long heldBack) {}

    /**
     * Creates a log.
     *
     * @param log where lines go
     * @param interval the shortest time between two lines of one key
     * @param clock the time source; tests pass a fixed or virtual one
     */
    public RateLimitedLog(Logger log, Duration interval, Clock clock) {
        this.log = Objects.requireNonNull(log, "log");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must be >= 0, but was " + interval);
        }
    }

    /** A log on the system clock. */
    public RateLimitedLog(Logger log, Duration interval) {
        this(log, interval, Clock.systemUTC());
    }

    /**
     * Logs {@code message} (SLF4J format, {@code args} as usual, a trailing throwable included) at WARN unless a line
     * of {@code key} was logged less than the interval ago; then counts it as held back. The next line of the key
     * ends with {@code " (N similar messages not logged in the last <interval>)"}.
     *
     * @return whether the line was logged
     */
    public boolean warn(String key, String message, Object... args) {
        return log(false, key, message, args);
    }

    /**
     * As {@link #warn}, at ERROR: for failures that lose something (a dead-lettered event), still held back per key
     * so that a burst cannot flood the log.
     *
     * @return whether the line was logged
     */
    public boolean error(String key, String message, Object... args) {
        return log(true, key, message, args);
    }

    private boolean log(boolean error, String key, String message, Object... args) {
        Objects.requireNonNull(key, "key");
        Instant now = clock.instant();
        long[] heldBefore = new long[1];
        Window current = windows.compute(key, (k, w) -> {
            if (w == null || !now.isBefore(w.start().plus(interval))) {
                heldBefore[0] = w == null ? 0 : w.heldBack();
                return new Window(now, 0);
            }
            return new Window(w.start(), w.heldBack() + 1);
        });
        if (current.heldBack() > 0) {
            heldBackTotal.incrementAndGet();
            return false;
        }
        String format = heldBefore[0] > 0 ? message + suffix(heldBefore[0]) : message;
        if (error) {
            log.error(format, args);
        } else {
            log.warn(format, args);
        }
        return true;
    }

    /** How many lines were held back since this log was created. */
    public long heldBackTotal() {
        return heldBackTotal.get();
    }

    /** Appended to the format, so it comes before a trailing throwable's stack trace. */
    private String suffix(long heldBack) {
        return " (" + heldBack + " similar messages not logged in the last " + describe(interval) + ")";
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public String toString() {
        return "RateLimitedLog[" + log.getName() + ", every " + describe(interval) + ", " + windows.size() + " keys]";
    }
}
