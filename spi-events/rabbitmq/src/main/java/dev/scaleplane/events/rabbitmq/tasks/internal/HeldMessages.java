package dev.scaleplane.events.rabbitmq.tasks.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The messages this process holds unacknowledged and has not leased: per band, the ready ones a lease call fetched to
 * choose from, and the waiting ones (not ready yet) with a timer on the task clock for their ready time. Leased
 * messages are held by their lease instead.
 *
 * <p>A delivery must not reach the broker's {@code consumer_timeout}, which would close the channel: ready messages go
 * back at the end of the lease call that fetched them, and messages held longer than the hold limit (real time) go
 * back to the broker, to be fetched again.
 *
 * <p>Guarded by the queue's monitor: every method is called with it held.
 */
final class HeldMessages {
    private final Topology topology;
    private final BrokerLink broker;
    private final long holdLimitNanos;
    private final List<TreeSet<Held>> bands = new ArrayList<>();
    private final TreeSet<Held> waiting = new TreeSet<>(Held.READY_ORDER);

    HeldMessages(Topology topology, BrokerLink broker, Duration holdLimit) {
        this.topology = topology;
        this.broker = broker;
        this.holdLimitNanos = holdLimit.toNanos();
        for (int i = 0; i < topology.bands(); i++) {
            bands.add(new TreeSet<>(Held.READY_ORDER));
        }
    }

    /** The ready messages held in a band, in ready order. */
    TreeSet<Held> band(int band) {
        return bands.get(band);
    }

    /** Holds a ready message in its band. */
    void ready(Held h) {
        bands.get(topology.band(h.msg)).add(h);
    }

    /** Takes a message out of its band (to lease it, or to re-check it). */
    void unready(Held h) {
        bands.get(topology.band(h.msg)).remove(h);
    }

    /** Holds a message that is not ready yet; the caller sets its timer. */
    void waitFor(Held h) {
        waiting.add(h);
    }

    /** Moves a waiting message to its band; false if it no longer waits here. */
    boolean becameReady(Held h) {
        if (!waiting.remove(h)) {
            return false;
        }
        ready(h);
        return true;
    }

    /** The waiting messages held. */
    int waitingCount() {
        return waiting.size();
    }

    /** Every message held here, waiting or ready. */
    int count() {
        int h = waiting.size();
        for (TreeSet<Held> band : bands) {
            h += band.size();
        }
        return h;
    }

    /** The message held here for a task, if any. */
    @Nullable
    Held find(String taskId) {
        for (TreeSet<Held> band : bands) {
            for (Held h : band) {
                if (h.msg.id.equals(taskId)) {
                    return h;
                }
            }
        }
        for (Held h : waiting) {
            if (h.msg.id.equals(taskId)) {
                return h;
            }
        }
        return null;
    }

    /** Stops holding {@code h} (its timer too); the caller acknowledges or returns it. */
    void remove(Held h) {
        unready(h);
        if (waiting.remove(h)) {
            h.cancelTimer();
        }
    }

    /** Drops the message held here for a finished task, if any (see {@link BrokerLink#drop}). */
    void drop(String taskId) {
        Held h = find(taskId);
        if (h != null) {
            remove(h);
            broker.drop(h);
        }
    }

    /**
     * Returns messages held (not leased) longer than the hold limit to the broker, so that no delivery reaches the
     * broker's consumer timeout; the next lease call fetches them again.
     */
    void releaseStale() {
        long nowNanos = System.nanoTime();
        List<Held> stale = new ArrayList<>();
        for (TreeSet<Held> band : bands) {
            band.stream().filter(h -> nowNanos - h.heldSince >= holdLimitNanos).forEach(stale::add);
        }
        waiting.stream().filter(h -> nowNanos - h.heldSince >= holdLimitNanos).forEach(stale::add);
        for (Held h : stale) {
            remove(h);
            broker.requeue(h);
        }
    }

    /**
     * Returns the ready messages a lease call fetched but did not lease, so that no process sits on tasks another
     * process could run: holding them between calls would only save fetches. Waiting (delayed) messages stay held
     * for their timers.
     */
    void returnReady() {
        for (TreeSet<Held> band : bands) {
            for (Held h : band) {
                broker.requeue(h);
            }
            band.clear();
        }
    }

    /**
     * Forgets every held message and stops the timers, when the channel they came on is gone (the broker put them
     * back) or the queue closes; whether there were any.
     */
    boolean clear() {
        boolean hadHolds = false;
        for (TreeSet<Held> band : bands) {
            hadHolds |= !band.isEmpty();
            band.clear();
        }
        waiting.forEach(Held::cancelTimer);
        hadHolds |= !waiting.isEmpty();
        waiting.clear();
        return hadHolds;
    }
}
