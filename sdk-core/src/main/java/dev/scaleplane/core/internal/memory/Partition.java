package dev.scaleplane.core.internal.memory;

import dev.scaleplane.core.bus.DeduplicationWindow;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One ordered lane of a subscription group: its rings plus the worker that owns it. Events with the same ordering key
 * always land in the same partition, and a partition is drained by one worker at a time (the {@code busy} flag), so
 * per-key order holds even while ownership moves between members.
 *
 * <p>A partition has one ring per publisher stripe ({@code scaleplane.events.memory.publisher-stripes}, default 1),
 * and a publishing thread always uses the same stripe (chosen by its thread id). With one stripe, every publish of
 * the partition claims a slot of one ring, so events of a key are handled in the order their publishes claimed
 * slots: a publish that completed before another began, on any thread, is handled first. With more stripes,
 * publishers on different threads rarely write the same cache lines, which in a shared ring costs them a transfer per
 * event (issue 18, {@code 4p1s}), but per-key order is only each publishing thread's order, which its stripe keeps and
 * the worker, draining one stripe at a time, preserves: events of one key published on different threads are not
 * ordered against each other, even when one publish completed before the other began. That is why striping is
 * opt-in. A stripe's ring is made when a thread first publishes to it, with the partition's full buffer size, so a
 * partition holds at most stripes times the buffer size.
 */
final class Partition extends PartitionPad1 {
    private static final VarHandle STRIPE = MethodHandles.arrayElementVarHandle(Ring[].class);

    final int index;
    private final int capacity;
    private static final Ring[] NONE = new Ring[0];

    /** Indexed by stripe, made on first use (see the class comment); read with acquire, set once under this monitor. */
    private final @Nullable Ring[] stripes;
    /**
     * The stripes made so far, in the order they were made: what the worker polls, so a partition with one publishing
     * thread costs it one ring's check, as before stripes. Replaced (copy-on-write) under this monitor.
     */
    private volatile Ring[] made = NONE;
    /**
     * Remembers handled events; partition-local, so only the worker holding the busy flag touches it and its lock is
     * never contended.
     */
    final @Nullable DeduplicationWindow dedupe;

    volatile @Nullable Worker owner;

    /** @param stripeCount rings at most, a power of two (see the class comment) */
    Partition(int index, int capacity, int stripeCount, @Nullable DeduplicationWindow dedupe) {
        this.index = index;
        this.capacity = capacity;
        this.stripes = new Ring[stripeCount];
        this.dedupe = dedupe;
    }

    /**
     * The stripe the calling thread publishes to, for a bus with {@code stripeMask + 1} stripes; compute it once per
     * publish, for all groups.
     */
    static int stripeOfCurrentThread(int stripeMask) {
        return stripeMask == 0 ? 0 : stripeOfThread(Thread.currentThread(), stripeMask);
    }

    /** The stripe {@code thread} publishes to, for a bus with {@code stripeMask + 1} stripes. */
    static int stripeOfThread(Thread thread, int stripeMask) {
        return (int) thread.getId() & stripeMask;
    }

    /** The ring of a stripe, made if this is its first publish. Any thread. */
    Ring ring(int stripe) {
        Ring ring = (Ring) STRIPE.getAcquire(stripes, stripe);
        if (ring != null) {
            return ring;
        }
        return make(stripe);
    }

    private synchronized Ring make(int stripe) {
        Ring ring = stripes[stripe];
        if (ring == null) {
            ring = new Ring(capacity, stripe);
            STRIPE.setRelease(stripes, stripe, ring);
            Ring[] next = Arrays.copyOf(made, made.length + 1);
            next[made.length] = ring;
            made = next;
        }
        return ring;
    }

    /** The stripes that exist, each a ring that knows its {@link Ring#stripe}; for the worker. */
    Ring[] rings() {
        return made;
    }

    /** The ring of a stripe, or null if no thread published to it yet. */
    @Nullable
    Ring existing(int stripe) {
        return (Ring) STRIPE.getAcquire(stripes, stripe);
    }

    /** Whether any stripe has an event at its head: a read-only check, for any thread. */
    boolean hasHead() {
        for (Ring ring : made) {
            if (ring.peek() != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether any stripe holds an accepted event or a claimed slot (see {@link Ring#hasAccepted()}): the re-check of a
     * worker that just published its parked flag.
     */
    boolean hasAccepted() {
        for (Ring ring : made) {
            if (ring.hasAccepted()) {
                return true;
            }
        }
        return false;
    }

    /** Asks every stripe to stamp its next event (see {@link Ring#requestStamp()}); the owner calls it as it parks. */
    void requestStamps() {
        for (Ring ring : made) {
            ring.requestStamp();
        }
    }

    /** Events accepted and not yet handled over all stripes; approximate while publishers and the worker run. */
    int size() {
        int n = 0;
        for (Ring ring : made) {
            n += ring.size();
        }
        return n;
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

/** Padding so that the busy flag, which the worker writes per drained run, is not on the line publishers read. */
abstract class PartitionPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

/**
 * The busy flag of a {@link Partition}: held by the worker draining it. On a cache line of its own because the worker
 * sets and clears it for every drained run, which is every event when the worker keeps pace with its publisher, while
 * every publish reads the partition's {@code owner} and rings: on one line, each publish paid a cache miss.
 */
abstract class PartitionBusy extends PartitionPad0 {
    private static final VarHandle BUSY;

    static {
        try {
            BUSY = MethodHandles.lookup().findVarHandle(PartitionBusy.class, "busy", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through BUSY
    private volatile int busy;

    final boolean tryAcquire() {
        return BUSY.compareAndSet(this, 0, 1);
    }

    final void release() {
        BUSY.setRelease(this, 0);
    }
}

abstract class PartitionPad1 extends PartitionBusy {
    long p10, p11, p12, p13, p14, p15, p16, p17;
}
