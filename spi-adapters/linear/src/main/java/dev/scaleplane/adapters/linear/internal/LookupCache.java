package dev.scaleplane.adapters.linear.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A small per-instance cache of lookups (team, label, issue id), bounded twice: at most {@code maxEntries}, the least
 * recently used going first, and each entry forgotten {@code ttl} after it was stored, so that renamed states, deleted
 * labels and moved issues are seen again within that time. A TTL of zero stores nothing. Thread-safe; lookups are
 * short map operations under one lock.
 */
final class LookupCache<K, V> {
    private record Entry<V>(V value, Instant storedAt) {}

    private final Duration ttl;
    private final Clock clock;
    private final LinkedHashMap<K, Entry<V>> entries;

    LookupCache(int maxEntries, Duration ttl, Clock clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, but was " + maxEntries);
        }
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The value stored for {@code key}, unless absent or older than the TTL. */
    synchronized Optional<V> get(K key) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.storedAt().plus(ttl))) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    /** Stores {@code value} for {@code key} (nothing when the TTL is zero). */
    synchronized void put(K key, V value) {
        if (!ttl.isZero()) {
            entries.put(key, new Entry<>(value, clock.instant()));
        }
    }

    /** Forgets {@code key}. */
    synchronized void invalidate(K key) {
        entries.remove(key);
    }

    /** How many entries are held, expired ones included until read. */
    synchronized int size() {
        return entries.size();
    }
}
