package dev.scaleplane.core.internal.memory;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.DeadLetter;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.core.bus.DeduplicationWindow;
import dev.scaleplane.core.bus.EventScope;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One handler thread of a member. It drains the partitions assigned to it, one event at a time per partition, and
 * retries a failing event in place, so later events of the same key wait behind it (per-key order).
 *
 * <p>Idles by spinning briefly, then yielding, then parking; producers unpark it when it has parked.
 */
final class Worker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    static final int RUNNING = 0;
    /** Finish queued events, then exit (bus close). */
    static final int DRAIN = 1;
    /** Finish the event in hand, then exit (member leaves). */
    static final int STOP = 2;

    private static final int BATCH = 256;
    private static final int SPINS = 100;
    private static final int YIELDS = 10;
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Partition[] NONE = new Partition[0];

    private final Member member;
    private final Group group;
    final Thread thread;

    volatile Partition[] partitions = NONE;
    volatile int state = RUNNING;
    /**
     * Read by every producer on every publish, written by this worker only when it parks: kept on a cache line of
     * its own, away from the fields this worker writes per event.
     */
    private final ParkFlag parkFlag = new ParkFlag();

    /** Deliveries not yet added to the group's counter: one add per drained run instead of one per event. */
    private long deliveredUncounted;
    /** This thread's handler scope; set when the thread starts. */
    private EventScope.Frame scope;

    Worker(Member member, Group group, String name) {
        this.member = member;
        this.group = group;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Whether the thread is parked (idle). */
    boolean isParked() {
        return parkFlag.parked;
    }

    /** Unparks the thread if it is parked. Cheap when it is not. */
    void wake() {
        ParkFlag flag = parkFlag;
        if (flag.parked) {
            flag.parked = false;
            LockSupport.unpark(thread);
        }
    }

    void stop(int newState) {
        state = newState;
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        int idle = 0;
        scope = EventScope.frame();
        try {
            while (true) {
                int s = state;
                if (s == STOP) {
                    return;
                }
                int handled = 0;
                boolean pending = false;
                for (Partition p : partitions) {
                    if (!p.hasHead()) {
                        continue;
                    }
                    pending = true;
                    if (p.tryAcquire()) {
                        try {
                            handled += drain(p);
                        } finally {
                            p.release();
                        }
                    }
                }
                if (handled > 0) {
                    idle = 0;
                    continue;
                }
                if (s == DRAIN && !pending) {
                    return;
                }
                idle = idle(idle);
            }
        } catch (Throwable t) {
            // Handler failures are caught per event; reaching here is a bug in the bus itself.
            log.error("in-memory bus worker {} stopped unexpectedly", thread.getName(), t);
        }
    }

    private int idle(int idle) {
        if (idle < SPINS) {
            Thread.onSpinWait();
        } else if (idle < SPINS + YIELDS) {
            Thread.yield();
        } else {
            for (Partition p : partitions) {
                p.requestStamps(); // whatever is published while we park is timed (see Ring)
            }
            parkFlag.parked = true;
            VarHandle.fullFence(); // the store above before the loads of hasWork(): the other half of the hand-shake
            // Re-check after publishing the parked flag: a producer whose claim came before it saw the flag did not
            // unpark us, so its claim must be visible now (its event may still be being written: then we spin).
            if (!hasWork() && state == RUNNING) {
                LockSupport.parkNanos(this, PARK_NANOS);
            }
            parkFlag.parked = false;
            return 0;
        }
        return idle + 1;
    }

    private boolean hasWork() {
        for (Partition p : partitions) {
            if (p.hasAccepted()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Handles up to a batch of each of a partition's stripes' events. Holds the partition's busy flag. Each stripe is
     * one publishing thread's order, so taking the stripes in turn keeps every key's order (see {@link Partition}).
     */
    private int drain(Partition p) {
        int n = 0;
        try {
            for (Ring ring : p.rings()) {
                if (state == STOP) {
                    break;
                }
                int taken = drain(p, ring);
                if (taken < 0) {
                    n -= taken + 1;
                    break; // stopped while retrying: the event stays at the head for the next owner
                }
                n += taken;
            }
        } finally {
            if (deliveredUncounted > 0) {
                group.metrics.delivered.add(deliveredUncounted);
                deliveredUncounted = 0;
            }
        }
        return n;
    }

    /**
     * Handles up to a batch of one stripe's events.
     *
     * @return how many were handled, or {@code -1 - handled} when the worker was stopped while retrying one
     */
    private int drain(Partition p, Ring ring) {
        int n = 0;
        while (n < BATCH && state != STOP) {
            Event<?> event = ring.peek();
            if (event == null) {
                break;
            }
            if (!deliver(p, ring.stripe, event, ring.headNanos(), ring.headIndex())) {
                return -1 - n;
            }
            ring.advance();
            n++;
        }
        return n;
    }

    /**
     * Delivers one event, retrying per policy and dead-lettering after the last attempt.
     *
     * @return true when the event is done with (handled, filtered, duplicate or dead-lettered); false when the worker
     *     was stopped before it could finish, so the event must stay queued
     */
    private boolean deliver(Partition p, int stripe, Event<?> event, long publishNanos, long position) {
        if (!member.options.accepts(event.type())) {
            return true;
        }
        DeduplicationWindow dedupe = p.dedupe;
        String dedupeKey = null;
        if (dedupe != null) {
            dedupeKey = DeduplicationWindow.key(event);
            if (dedupe.seen(dedupeKey, System.nanoTime())) {
                group.metrics.deduplicated.increment();
                return true;
            }
        }
        RetryPolicy policy = member.options.retryPolicy();
        Instant firstFailure = null;
        for (int attempt = 1; ; attempt++) {
            Throwable failure = invoke(event);
            if (failure == null) {
                deliveredUncounted++;
                // Only stamped events (see Ring) are timed: a clock read per event would cost more than the rest.
                boolean timed = publishNanos != Ring.NO_TIME;
                if (dedupe != null || timed) {
                    long now = System.nanoTime();
                    if (dedupe != null) {
                        dedupe.record(dedupeKey, now);
                    }
                    if (timed) {
                        group.metrics.latency.record(now - publishNanos, TimeUnit.NANOSECONDS);
                    }
                }
                return true;
            }
            if (failure instanceof InterruptedException && state != RUNNING) {
                return false; // interrupted by close: not a failure of the handler
            }
            Instant now = group.bus.busClock().instant();
            if (firstFailure == null) {
                firstFailure = now;
            }
            if (!policy.shouldRetry(failure, attempt)) {
                DeadLetter.Reason reason = policy.isNonRetryable(failure)
                        ? DeadLetter.Reason.NON_RETRYABLE
                        : DeadLetter.Reason.HANDLER_FAILED;
                group.metrics.handlerFailed(event.id(), event.type(), attempt, failure, false);
                group.deadLetter(event, reason, failure, attempt, firstFailure, now, p, stripe, position);
                return true;
            }
            group.metrics.handlerFailed(event.id(), event.type(), attempt, failure, true);
            long delay = policy.delayBefore(attempt, ThreadLocalRandom.current().nextDouble())
                    .toNanos();
            if (!pause(delay)) {
                return false;
            }
        }
    }

    private @Nullable Throwable invoke(Event<?> event) {
        EventScope.Frame frame = scope;
        Event<?> previous = frame.enter(event);
        try {
            member.handler.handle(castEvent(event));
            return null;
        } catch (Throwable t) {
            return t;
        } finally {
            frame.exit(previous);
        }
    }

    @SuppressWarnings("unchecked")
    private static Event<Object> castEvent(Event<?> event) {
        return (Event<Object>) event;
    }

    /** Waits before a retry; false if the worker was told to stop or interrupted meanwhile. */
    private boolean pause(long nanos) {
        long deadline = System.nanoTime() + nanos;
        long left = nanos;
        while (left > 0) {
            if (state == STOP || Thread.interrupted()) {
                return false;
            }
            LockSupport.parkNanos(this, left);
            left = deadline - System.nanoTime();
        }
        return state != STOP;
    }

    /** A volatile flag padded to fill a cache line, so that writes near it never invalidate producers' copy. */
    static final class ParkFlag {
        long p00, p01, p02, p03, p04, p05, p06, p07;
        volatile boolean parked;
        long p10, p11, p12, p13, p14, p15, p16, p17;
    }
}
