package dev.scaleplane.core.internal.memory;

import dev.scaleplane.core.bus.DeduplicationWindow;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
    /**
     * Remembers handled events; partition-local, so only the worker holding the busy flag touches it and its lock is
     * never contended.
     */
    final @Nullable DeduplicationWindow dedupe;

    volatile @Nullable Worker owner;

    @SuppressWarnings("unused") // accessed through BUSY
    private volatile int busy;

    Partition(int index, int capacity, @Nullable DeduplicationWindow dedupe) {
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

    /** Whether the owner is parked, that is idle: a read of a line the worker rarely writes. */
    boolean ownerParked() {
        Worker w = owner;
        return w != null && w.isParked();
    }

    /** Wakes the owner if it is parked; called by producers after an offer. */
    void signal() {
        Worker w = owner;
        if (w != null) {
            w.wake();
        }
    }
}
