package dev.scaleplane.core.internal.memory;

import dev.scaleplane.api.events.Event;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.LinkedHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One ordered lane of a subscription group: a ring plus the worker that owns it. Events with the same ordering key
 * always land in the same partition, and a partition is drained by one worker at a time (the {@code busy} flag), so
 * per-key order holds even while ownership moves between members.
 */
final class Partition {
    private static final VarHandle BUSY;

    static {
        try {
            BUSY = MethodHandles.lookup().findVarHandle(Partition.class, "busy", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int index;
    final Ring ring;
    /** Remembers handled event ids; touched only by the worker holding the busy flag. */
    final @Nullable Dedupe dedupe;

    volatile @Nullable Worker owner;

    @SuppressWarnings("unused") // accessed through BUSY
    private volatile int busy;

    Partition(int index, int capacity, @Nullable Dedupe dedupe) {
        this.index = index;
        this.ring = new Ring(capacity);
        this.dedupe = dedupe;
    }

    boolean tryAcquire() {
        return BUSY.compareAndSet(this, 0, 1);
    }

    void release() {
        BUSY.setRelease(this, 0);
    }

    /** Wakes the owner if it is parked; called by producers after an offer. */
    void signal() {
        Worker w = owner;
        if (w != null) {
            w.wake();
        }
    }

    /**
     * Ids of events handled successfully within a time window, bounded in count. Insertion-ordered so that the
     * oldest entries are the first to expire or be evicted.
     */
    static final class Dedupe {
        private final long windowNanos;
        private final int maxEntries;
        private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

        Dedupe(long windowNanos, int maxEntries) {
            this.windowNanos = windowNanos;
            this.maxEntries = maxEntries;
        }

        static String key(Event<?> event) {
            return event.id() + '\u0000' + event.source();
        }

        boolean seen(String key, long now) {
            expire(now);
            return seen.containsKey(key);
        }

        void record(String key, long now) {
            seen.put(key, now);
            if (seen.size() > maxEntries) {
                Iterator<String> it = seen.keySet().iterator();
                it.next();
                it.remove();
            }
        }

        private void expire(long now) {
            Iterator<Long> it = seen.values().iterator();
            while (it.hasNext() && now - it.next() > windowNanos) {
                it.remove();
            }
        }
    }
}
