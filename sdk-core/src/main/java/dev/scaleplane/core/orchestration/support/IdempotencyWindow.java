package dev.scaleplane.core.orchestration.support;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The idempotency keys a queue has seen within {@link dev.scaleplane.api.orchestration.TaskQueueOptions#idempotencyWindow()},
 * each with what a repeated submit returns (its first task's handle). A key counts while {@code now} is before its
 * expiry; keys are purged in insertion order, which is expiry order because the window is one duration.
 *
 * <p>Not thread-safe: the queue guards it with its lock.
 *
 * @param <V> what a key maps to
 */
public final class IdempotencyWindow<V> {
    private final Duration window;
    private final LinkedHashMap<String, Entry<V>> keys = new LinkedHashMap<>();

    /**
     * Creates an empty window.
     *
     * @throws IllegalArgumentException if {@code window} is negative
     */
    public IdempotencyWindow(Duration window) {
        this.window = Objects.requireNonNull(window, "window");
        if (window.isNegative()) {
            throw new IllegalArgumentException("the idempotency window must be >= 0, but was " + window);
        }
    }

    /** What {@code key} maps to if it is still inside its window at {@code now}; purges expired keys first. */
    public @Nullable V find(String key, Instant now) {
        expire(now);
        Entry<V> e = keys.get(key);
        if (e == null) {
            return null;
        }
        if (!e.expiresAt.isAfter(now)) {
            keys.remove(key);
            return null;
        }
        return e.value;
    }

    /** Remembers {@code key} for the window from {@code now}. */
    public void remember(String key, V value, Instant now) {
        rememberUntil(key, value, now.plus(window));
    }

    /**
     * Remembers {@code key} until {@code expiresAt}: for a key first claimed elsewhere, whose window started there.
     * Purging stops at the first live key, so a key remembered out of order may outlive its expiry by at most a window
     * in memory, never in {@link #find}.
     */
    public void rememberUntil(String key, V value, Instant expiresAt) {
        keys.remove(key); // re-inserted at the back, in expiry order
        keys.put(Objects.requireNonNull(key, "key"), new Entry<>(Objects.requireNonNull(value, "value"), expiresAt));
    }

    /** Forgets {@code key} if it still maps to {@code value} (a submit that failed after claiming it). */
    public void forget(String key, V value) {
        Entry<V> e = keys.get(key);
        if (e != null && e.value.equals(value)) {
            keys.remove(key);
        }
    }

    /** Purges the keys expired at {@code now}. */
    public void expire(Instant now) {
        Iterator<Entry<V>> it = keys.values().iterator();
        while (it.hasNext()) {
            if (it.next().expiresAt.isAfter(now)) {
                return;
            }
            it.remove();
        }
    }

    /** Keys remembered now, expired ones not yet purged included. */
    public int size() {
        return keys.size();
    }

    @Override
    public String toString() {
        return "IdempotencyWindow[" + window + ", " + keys.size() + " keys]";
    }

    private record Entry<V>(V value, Instant expiresAt) {}
}
