package dev.scaleplane.core.internal.tasks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The queue's tasks by serial, the number each gets at submission in arrival order. Tasks arrive and are purged
 * roughly in serial order, so a ring indexed by {@code serial & mask} puts neighbours next to each other: adding and
 * purging walk the ring in order, where a hash map of random ids took a cache miss or two per task on each (a tenth
 * of the queue's time under load). A task still held when its slot comes round again (a delayed task, a dead letter)
 * moves to an overflow map; the ring doubles instead while it is more than a quarter full, up to a bound.
 *
 * <p>Not thread-safe: the queue's monitor guards it.
 *
 * @param <E> the queue's record of a task
 */
final class SerialIndex<E> {
    private static final int INITIAL = 1 << 10;

    private final ToLongFunction<? super E> serialOf;
    private final int maxRing;
    private final Map<Long, E> overflow = new HashMap<>();
    private @Nullable Object[] ring = new Object[INITIAL];
    private int inRing;

    /**
     * @param maxRing the largest ring, a power of two
     * @param serialOf a task's serial, which never changes
     */
    SerialIndex(int maxRing, ToLongFunction<? super E> serialOf) {
        if (Integer.bitCount(maxRing) != 1 || maxRing < INITIAL) {
            throw new IllegalArgumentException("maxRing must be a power of two >= " + INITIAL + ", but was " + maxRing);
        }
        this.maxRing = maxRing;
        this.serialOf = Objects.requireNonNull(serialOf, "serialOf");
    }

    /** The ring's bound for a queue that holds up to {@code held} tasks: room for twice as many, at most 2^20. */
    static int ringFor(long held) {
        long want = Math.max(INITIAL, Math.min(1L << 20, 2 * held));
        return (int) Long.highestOneBit(want - 1) << 1;
    }

    /** Adds {@code e}; its serial must not be held by another task. */
    void put(E e) {
        long serial = serialOf.applyAsLong(e);
        int i = slot(serial);
        @SuppressWarnings("unchecked")
        E old = (E) ring[i];
        if (old == null) {
            ring[i] = e;
            inRing++;
            return;
        }
        if (old == e) {
            return;
        }
        if (ring.length < maxRing && inRing > ring.length / 4) {
            grow();
            put(e);
            return;
        }
        // the slot's task is older and still held: it makes room, as new tasks are the ones looked up most
        overflow.put(serialOf.applyAsLong(old), old);
        ring[i] = e;
    }

    /** The task with {@code serial}, or {@code null}. */
    @Nullable
    E get(long serial) {
        @SuppressWarnings("unchecked")
        E e = (E) ring[slot(serial)];
        if (e != null && serialOf.applyAsLong(e) == serial) {
            return e;
        }
        return overflow.isEmpty() ? null : overflow.get(serial);
    }

    /** Removes {@code e} if held (the same object, not only the same serial); whether it was. */
    boolean remove(E e) {
        long serial = serialOf.applyAsLong(e);
        int i = slot(serial);
        if (ring[i] == e) {
            ring[i] = null;
            inRing--;
            return true;
        }
        return !overflow.isEmpty() && overflow.remove(serial, e);
    }

    /** Tasks held. */
    int size() {
        return inRing + overflow.size();
    }

    /** A copy of the tasks held, in no particular order. */
    List<E> values() {
        List<E> all = new ArrayList<>(size());
        for (Object o : ring) {
            if (o != null) {
                @SuppressWarnings("unchecked")
                E e = (E) o;
                all.add(e);
            }
        }
        all.addAll(overflow.values());
        return all;
    }

    private int slot(long serial) {
        return (int) serial & (ring.length - 1);
    }

    private void grow() {
        List<E> all = values();
        ring = new Object[ring.length * 2];
        inRing = 0;
        overflow.clear();
        for (E e : all) {
            put(e);
        }
    }

    @Override
    public String toString() {
        return "SerialIndex[" + inRing + " in a ring of " + ring.length + ", " + overflow.size() + " overflowed]";
    }
}
