package dev.scaleplane.core.internal.tasks;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * Leases under way by expiry, for the queue's one expiry timer. A lease call grants all its leases at one instant
 * with one timeout, so they share an expiry, and with one timeout expiries only grow: each call's leases form a batch
 * appended to a line in constant time, and a lease that ends leaves its batch in constant time too (a sorted set cost
 * a logarithmic insert and remove with a comparison per level for every task). Expiries out of order (another
 * timeout, a heartbeat) go to a heap of batches. Emptied batches are dropped when they reach a head, and the line and
 * the heap are compacted when more than half their batches are empty, so memory follows the leases held.
 *
 * <p>{@link #takeDue} returns the due leases in (expiry, grant sequence) order, the order of a set sorted that way.
 * Not thread-safe: the queue's monitor guards it.
 *
 * @param <M> the queue's lease
 */
final class ExpiryIndex<M extends ExpiryIndex.Member> {
    private static final int COMPACT_ABOVE = 32;

    /** What a lease carries for the index: its batch and place in it, and its grant sequence. */
    abstract static class Member {
        @Nullable
        Batch batch;

        int slot;

        /** The order among leases of one expiry: the grant sequence. */
        abstract long sequence();

        /** The expiry it was indexed with. */
        abstract Instant expiry();

        /** Whether it is in the index. */
        final boolean indexed() {
            return batch != null;
        }
    }

    private static final class Batch {
        final Instant at;
        final long order;
        final boolean inLine;
        Member[] members = new Member[8];
        int size;
        int live;

        Batch(Instant at, long order, boolean inLine) {
            this.at = at;
            this.order = order;
            this.inLine = inLine;
        }
    }

    private static final Comparator<Batch> BY_EXPIRY =
            Comparator.<Batch, Instant>comparing(b -> b.at).thenComparingLong(b -> b.order);

    private final ArrayDeque<Batch> line = new ArrayDeque<>();
    private final PriorityQueue<Batch> heap = new PriorityQueue<>(BY_EXPIRY);
    private long batches;
    private int liveInLine;
    private int liveInHeap;
    private int size;

    /** Indexes {@code m} to expire {@code at}; it must not be indexed. */
    void add(M m, Instant at) {
        Objects.requireNonNull(at, "at");
        if (m.batch != null) {
            throw new IllegalStateException("already indexed: " + m);
        }
        Batch tail = line.peekLast();
        Batch b;
        if (tail != null && tail.at.equals(at)) {
            b = tail;
        } else if (tail == null || tail.at.isBefore(at)) {
            b = new Batch(at, batches++, true);
            line.addLast(b);
        } else {
            b = new Batch(at, batches++, false);
            heap.add(b);
        }
        if (b.size == b.members.length) {
            b.members = Arrays.copyOf(b.members, b.size * 2);
        }
        if (b.live++ == 0) {
            if (b.inLine) {
                liveInLine++;
            } else {
                liveInHeap++;
            }
        }
        m.batch = b;
        m.slot = b.size;
        b.members[b.size++] = m;
        size++;
    }

    /** Takes {@code m} out of the index, if in it. */
    void remove(M m) {
        Batch b = m.batch;
        if (b == null) {
            return;
        }
        b.members[m.slot] = null;
        m.batch = null;
        size--;
        if (--b.live == 0) {
            if (b.inLine) {
                liveInLine--;
                if (line.size() > COMPACT_ABOVE && line.size() > 2 * liveInLine) {
                    line.removeIf(x -> x.live == 0);
                }
            } else {
                liveInHeap--;
                if (heap.size() > COMPACT_ABOVE && heap.size() > 2 * liveInHeap) {
                    heap.removeIf(x -> x.live == 0);
                }
            }
        }
    }

    /** The earliest expiry indexed, or {@code null} if none. */
    @Nullable
    Instant earliest() {
        Batch first = first();
        return first == null ? null : first.at;
    }

    /** Takes every lease expiring at or before {@code now} out of the index, in (expiry, sequence) order. */
    List<M> takeDue(Instant now) {
        List<M> due = new ArrayList<>();
        for (Batch b = first(); b != null && !b.at.isAfter(now); b = first()) {
            if (b.inLine) {
                line.pollFirst();
            } else {
                heap.poll();
            }
            for (int i = 0; i < b.size; i++) {
                Member m = b.members[i];
                if (m != null) {
                    @SuppressWarnings("unchecked")
                    M lease = (M) m;
                    due.add(lease);
                    remove(lease);
                }
            }
        }
        // a heartbeat may have put a lease of an earlier grant into a later batch of the same expiry
        due.sort(Comparator.comparing((M m) -> m.expiry()).thenComparingLong(Member::sequence));
        return due;
    }

    /** Leases indexed. */
    int size() {
        return size;
    }

    /** The first batch of the line or the heap with a lease left, dropping empty heads. */
    private @Nullable Batch first() {
        while (!line.isEmpty() && line.peekFirst().live == 0) {
            line.pollFirst();
        }
        while (!heap.isEmpty() && heap.peek().live == 0) {
            heap.poll();
        }
        Batch a = line.peekFirst();
        Batch b = heap.peek();
        if (a == null) {
            return b;
        }
        return b == null || BY_EXPIRY.compare(a, b) <= 0 ? a : b;
    }

    @Override
    public String toString() {
        return "ExpiryIndex[" + size + " leases, " + line.size() + " + " + heap.size() + " batches]";
    }
}
