package dev.scaleplane.core.orchestration.support;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Finished tasks a queue still answers {@code state} and {@code handle} for, until {@link
 * dev.scaleplane.api.orchestration.TaskQueueOptions#retention()} has passed or more than {@link
 * dev.scaleplane.api.orchestration.TaskQueueOptions#retentionCapacity()} are kept; then {@code forget} is called for
 * each, oldest first.
 *
 * <p>A queue rather than a timer per task: the retention is one duration and time only moves forward, so entries are
 * in expiry order and purging is cheap. Entries and their finish times sit in two array deques, so keeping one
 * allocates nothing: a queue under load adds one per task. Not thread-safe: the queue guards it with its lock, and {@code forget} runs
 * under that lock.
 *
 * @param <E> the queue's record of a task
 */
public final class RetentionQueue<E> {
    private final Duration retention;
    private final int capacity;
    private final Consumer<? super E> forget;
    private final ArrayDeque<E> kept = new ArrayDeque<>();
    /** When each of {@link #kept} finished, in the same order. */
    private final ArrayDeque<Instant> since = new ArrayDeque<>();

    /**
     * Creates an empty queue.
     *
     * @param retention how long a finished task is kept
     * @param capacity how many are kept at most, whatever their age
     * @param forget what forgetting one means to the queue (removing it from its index, unless it changed meanwhile)
     */
    public RetentionQueue(Duration retention, int capacity, Consumer<? super E> forget) {
        this.retention = Objects.requireNonNull(retention, "retention");
        this.forget = Objects.requireNonNull(forget, "forget");
        if (capacity < 1) {
            throw new IllegalArgumentException("the retention capacity must be >= 1, but was " + capacity);
        }
        this.capacity = capacity;
    }

    /** Keeps {@code entry} for the retention from {@code now}; forgets the oldest beyond the capacity. */
    public void add(E entry, Instant now) {
        kept.addLast(Objects.requireNonNull(entry, "entry"));
        since.addLast(Objects.requireNonNull(now, "now"));
        // the count bound keeps memory flat at any rate: an hour of finished tasks at 100k/s would not fit
        while (kept.size() > capacity) {
            since.pollFirst();
            forget.accept(kept.pollFirst());
        }
    }

    /** Forgets every entry whose retention has passed at {@code now}. */
    public void expire(Instant now) {
        Instant first = since.peekFirst();
        if (first == null) {
            return;
        }
        Instant cutoff;
        try {
            cutoff = now.minus(retention); // finished at or before it: kept for the whole retention
        } catch (DateTimeException | ArithmeticException e) {
            return; // a retention longer than the time line: nothing has been kept that long
        }
        for (Instant at = first; at != null && !at.isAfter(cutoff); at = since.peekFirst()) {
            since.pollFirst();
            forget.accept(kept.pollFirst());
        }
    }

    /** Entries kept now. */
    public int size() {
        return kept.size();
    }

    @Override
    public String toString() {
        return "RetentionQueue[" + retention + ", " + kept.size() + "/" + capacity + "]";
    }
}
