package dev.scaleplane.events.rabbitmq.internal;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Event ids (with their source) a group handled successfully within a window, at most {@code maxEntries} of them,
 * oldest forgotten first. Shared by the members of one group in one bus, so a shard moving between them keeps its
 * history. Thread-safe.
 */
final class Dedup {
    private final long windowNanos;
    private final int maxEntries;
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    Dedup(Duration window, int maxEntries) {
        this.windowNanos = window.toNanos();
        this.maxEntries = maxEntries;
    }

    static String key(String id, String source) {
        return source + "\u0000" + id;
    }

    synchronized boolean seen(String key, long now) {
        Long at = seen.get(key);
        return at != null && now - at < windowNanos;
    }

    synchronized void record(String key, long now) {
        seen.remove(key);
        seen.put(key, now);
        Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> e = it.next();
            if (seen.size() > maxEntries || now - e.getValue() >= windowNanos) {
                it.remove();
            } else {
                break;
            }
        }
    }
}
