package dev.scaleplane.core.bus;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The memory behind idempotent consumption ({@link SubscriptionOptions.Builder#deduplicate(Duration, int)}): the
 * identities of events handled successfully within a time window, at most {@code maxEntries} of them. Every backend
 * uses this one class, so that "duplicate" means the same thing on every bus.
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li><b>Key.</b> An event's identity is its (source, id) pair, as in CloudEvents; the key is the source's string
 *       form, the character U+0000 ({@link #SEPARATOR}), then the id ({@link #key(Event)}). A URI's string form never
 *       contains U+0000 (the character is illegal in a URI and {@link URI} quotes or rejects it), so the first U+0000
 *       of a key always ends the source and two different pairs never share a key, whatever the id contains. The same
 *       id from another source is another event.
 *   <li><b>Edge.</b> An entry recorded at {@code t} makes an arrival at {@code t'} a duplicate while
 *       {@code t' - t < window}: it expires at exactly {@code t + window}. The window is the half-open interval
 *       {@code [t, t + window)}, so a window of one second holds an entry for one second, not one second and a tick.
 *   <li><b>Repeats.</b> Only a successful handling ({@link #record}) sets an entry's time; a duplicate that
 *       {@link #seen} filters out does not refresh it. The window therefore runs from the last time the handler
 *       actually ran: an event that keeps being redelivered (a producer retrying forever, a replayed topic) is handed
 *       over again once per window instead of being hidden for as long as the redeliveries go on, and
 *       {@link #seen} stays a pure read. Recording a key again moves it to the back, as the newest entry.
 *   <li><b>Bound.</b> At most {@code maxEntries} keys are kept; recording one more forgets the oldest (by the time
 *       it was recorded) first. Expired entries are dropped as later ones are recorded.
 * </ul>
 *
 * <h2>Use</h2>
 *
 * Two phases, so that a failed attempt is retried rather than swallowed: before calling the handler, skip the event
 * if {@link #seen(String, long)}; only after the handler returned normally, {@link #record(String, long)} it. A key
 * checked but never recorded is not remembered. Between the two phases another thread may check the same key and also
 * find it unseen; filtering such concurrent copies would need a claim held across the handler, which would turn a
 * crashed attempt into a lost event, so they are left to the at-least-once contract.
 *
 * <p>Times are {@link System#nanoTime()}-style readings supplied by the caller (so tests are exact and nothing
 * sleeps); only differences between them matter, and they are compared by subtraction, so the values may wrap
 * around. Callers pass readings of one clock.
 *
 * <p>Thread-safe: each call holds a private lock for a hash lookup and, in {@link #record}, an amortised constant
 * amount of expiry work, so the lock is never held while a handler runs. Backends that confine an instance to one
 * thread at a time (the in-memory bus keeps one per partition) pay only for an uncontended lock; backends whose
 * workers share one per group or member (Kafka, RabbitMQ, the bridge) get mutual exclusion. Memory: one map entry and
 * the key string per remembered event.
 */
public final class DeduplicationWindow {
    /** Separates the source from the id in a {@link #key}; never part of a URI's string form. */
    public static final char SEPARATOR = '\u0000';

    private final Object lock = new Object();
    private final long windowNanos;
    private final int maxEntries;
    /** Key to the time it was recorded; insertion order is record order, so the eldest entry comes first. */
    private final LinkedHashMap<String, Long> entries = new LinkedHashMap<>();

    /**
     * A window remembering each handled event for {@code window}, and at most {@code maxEntries} events.
     *
     * @param window how long a handled event counts as seen; windows longer than about 292 years are treated as that
     * @param maxEntries the most keys remembered at once
     * @throws IllegalArgumentException if {@code window} is not positive or {@code maxEntries < 1}
     */
    public DeduplicationWindow(Duration window, int maxEntries) {
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("deduplication window must be > 0, but was " + window);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("deduplication maxEntries must be >= 1, but was " + maxEntries);
        }
        this.windowNanos = saturatedNanos(window);
        this.maxEntries = maxEntries;
    }

    /**
     * The window a subscription asked for with {@link SubscriptionOptions.Builder#deduplicate(Duration, int)}, or
     * {@code null} when it did not ask for one.
     */
    public static @Nullable DeduplicationWindow of(SubscriptionOptions options) {
        Duration window = options.deduplicationWindow();
        return window == null ? null : new DeduplicationWindow(window, options.deduplicationMaxEntries());
    }

    /** The key of {@code event}'s identity: its source, {@link #SEPARATOR}, its id. */
    public static String key(Event<?> event) {
        return key(event.source(), event.id());
    }

    /** The key of the identity (source, id): the source, {@link #SEPARATOR}, the id. */
    public static String key(URI source, String id) {
        String s = source.toString();
        return new StringBuilder(s.length() + 1 + id.length())
                .append(s)
                .append(SEPARATOR)
                .append(id)
                .toString();
    }

    /**
     * Whether {@code key} was {@link #record recorded} less than the window before {@code nowNanos}, that is, whether
     * an event with this key arriving now is a duplicate. Changes nothing: in particular it does not refresh the entry.
     *
     * @param key from {@link #key(Event)}
     * @param nowNanos the arrival time, a reading of the clock also passed to {@link #record}
     */
    public boolean seen(String key, long nowNanos) {
        Long at;
        synchronized (lock) {
            at = entries.get(key);
        }
        return at != null && nowNanos - at < windowNanos;
    }

    /**
     * Remembers that the event with {@code key} was handled successfully at {@code nowNanos}; call it after the
     * handler returned normally, never before. The entry counts as seen until {@code nowNanos + window}. Recording a
     * key already present sets its time to {@code nowNanos} and makes it the newest entry. Forgets expired entries
     * and, beyond {@code maxEntries}, the oldest ones.
     */
    public void record(String key, long nowNanos) {
        Long at = nowNanos;
        synchronized (lock) {
            // remove first, so that the entry moves to the back and insertion order stays record order
            entries.remove(key);
            entries.put(key, at);
            Iterator<Map.Entry<String, Long>> it = entries.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Long> eldest = it.next();
                if (entries.size() > maxEntries || nowNanos - eldest.getValue() >= windowNanos) {
                    it.remove();
                } else {
                    // Concurrent callers may record slightly out of order, so an expired entry can sit behind a live
                    // one for a while; seen() compares each entry's own time, so it is never taken for live.
                    break;
                }
            }
        }
    }

    /** How many keys are held now, at most {@code maxEntries}; may include expired ones not yet dropped. */
    public int size() {
        synchronized (lock) {
            return entries.size();
        }
    }

    /** The window, in nanoseconds. */
    public long windowNanos() {
        return windowNanos;
    }

    /** The most keys held at once. */
    public int maxEntries() {
        return maxEntries;
    }

    @Override
    public String toString() {
        return "DeduplicationWindow{windowNanos=" + windowNanos + ", maxEntries=" + maxEntries + ", size=" + size()
                + '}';
    }

    private static long saturatedNanos(Duration window) {
        try {
            return window.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
