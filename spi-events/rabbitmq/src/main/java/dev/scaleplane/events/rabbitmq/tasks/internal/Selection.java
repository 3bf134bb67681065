package dev.scaleplane.events.rabbitmq.tasks.internal;

import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.orchestration.TaskQueueMetrics;
import dev.scaleplane.core.orchestration.support.TaskLifecycle;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which task a lease call hands out next, and the timers on the task clock that make tasks ready or fail them.
 *
 * <ul>
 *   <li><b>Priorities and aging</b>: a lease call fetches the heads of the bands (up to {@code prefetch} per band to
 *       look past busy keys and other types) and leases the one with the best effective rank, the same rule as the
 *       in-memory queue: its priority's rank less one per aging interval it waited. Exact among the fetched heads; a
 *       head another process is fetching at that moment is not seen.
 *   <li><b>Delays</b>: a task ready within the hold limit waits in {@code Q.delayed}; the next lease call of any
 *       process holds it and sets a timer on its clock for its ready time. One further off goes back to a TTL wait
 *       queue.
 *   <li><b>Ended while away</b>: a message whose task was cancelled (here or elsewhere), finished here, or passed its
 *       deadline while it waited in the broker is dropped when found, with its ledger token.
 *   <li><b>Deadlines</b>: the submitter's timer fails a task still queued at its deadline; whichever process finds
 *       its message later drops it.
 * </ul>
 *
 * <p>Guarded by the queue's monitor: every method is called with it held; timers only queue work for it.
 */
final class Selection {
    private final int prefetch;
    private final Duration holdLimit;
    private final long agingNanos;
    private final TaskClock clock;
    private final QueueMonitor monitor;
    private final Topology topology;
    private final BrokerLink broker;
    private final HeldMessages held;
    private final TaskBook book;
    private final KeyLocks keyLocks;
    private final TaskEvents events;
    private final TaskQueueMetrics metrics;

    Selection(
            QueueParts parts,
            BrokerLink broker,
            HeldMessages held,
            TaskBook book,
            KeyLocks keyLocks,
            TaskEvents events,
            TaskQueueMetrics metrics) {
        this.prefetch = parts.config().prefetch();
        this.holdLimit = parts.config().holdLimit();
        this.agingNanos = parts.options().agingInterval().toNanos();
        this.clock = parts.clock();
        this.monitor = parts.monitor();
        this.topology = parts.topology();
        this.broker = broker;
        this.held = held;
        this.book = book;
        this.keyLocks = keyLocks;
        this.events = events;
        this.metrics = metrics;
    }

    /** Holds messages of {@code Q.delayed}: ready ones join their band, the others wait for their timer. */
    void drainDelayed(Instant now) {
        int limit = prefetch * Topology.LEVELS * 4;
        while (held.waitingCount() < limit) {
            Held h = broker.fetch(topology.delayed());
            if (h == null) {
                return;
            }
            if (!keep(h)) {
                continue;
            }
            if (!h.msg.readyAt.isAfter(now)) {
                held.ready(h);
            } else if (Duration.between(now, h.msg.readyAt).compareTo(holdLimit) > 0) {
                broker.publishTask(h.msg, now); // still far off: back to a TTL wait queue
                broker.ack(h);
            } else {
                held.waitFor(h);
                h.timer =
                        clock.schedule(Duration.between(now, h.msg.readyAt), () -> monitor.later(() -> becameReady(h)));
            }
        }
    }

    private void becameReady(Held h) {
        if (h.epoch == broker.epoch()) {
            held.becameReady(h);
        }
    }

    /**
     * The held message to lease next among those of {@code types} (all if empty), fetching band heads as needed, with
     * its key locked broker-wide; null if there is none.
     */
    @Nullable
    Held nextReady(Instant now, Set<String> types) {
        while (true) {
            Held best = null;
            long bestRank = Long.MAX_VALUE;
            for (int band = 0; band < topology.bands(); band++) {
                Held candidate = firstEligible(band, types);
                while (candidate == null && held.band(band).size() < prefetch) {
                    Held h = broker.fetch(topology.bandQueue(band));
                    if (h == null) {
                        break;
                    }
                    if (keep(h)) {
                        held.ready(h);
                        candidate = firstEligible(band, types);
                    }
                }
                if (candidate == null) {
                    continue;
                }
                long waited =
                        Math.max(0, Duration.between(candidate.msg.readyAt, now).toNanos());
                long rank = Math.max(0, candidate.msg.request.priority().rank() - waited / agingNanos);
                if (best == null
                        || rank < bestRank
                        || (rank == bestRank && Held.READY_ORDER.compare(candidate, best) < 0)) {
                    best = candidate;
                    bestRank = rank;
                }
            }
            if (best == null) {
                return null;
            }
            if (!stillValid(best, now)) {
                continue; // best was dropped (its task was cancelled or passed its deadline while held)
            }
            String key = best.msg.request.key();
            if (key != null && !keyLocks.lock(key)) {
                continue; // another process holds a task of this key: the key is skipped in this call
            }
            return best;
        }
    }

    /** Re-checks a held candidate at grant time; drops it if its task ended while it was held. */
    private boolean stillValid(Held h, Instant now) {
        held.unready(h);
        if (endedWhileAway(h, now)) {
            return false;
        }
        held.ready(h);
        return true;
    }

    private @Nullable Held firstEligible(int band, Set<String> types) {
        for (Held h : held.band(band)) {
            if (!types.isEmpty() && !types.contains(h.msg.request.type())) {
                continue;
            }
            String key = h.msg.request.key();
            if (key != null && !keyLocks.mayLease(key)) {
                continue;
            }
            Entry e = book.get(h.msg.id);
            if (e != null && e.lease != null) {
                continue; // a duplicate copy of a task leased here right now
            }
            return h;
        }
        return null;
    }

    /**
     * Decides what to do with a fetched message: false if it was dropped (cancelled, past its deadline, or a copy of
     * a task this process already finished).
     */
    private boolean keep(Held h) {
        return !endedWhileAway(h, clock.now());
    }

    /**
     * Drops {@code h} if its task already ended (cancelled here or by another process, finished here, or past its
     * deadline): acknowledges it and takes its ledger token when it owes one.
     *
     * @return whether it was dropped
     */
    private boolean endedWhileAway(Held h, Instant now) {
        Entry e = book.get(h.msg.id);
        Instant deadline = h.msg.request.deadline();
        boolean cancelled = book.forgetCancel(h.msg.id);
        if (e != null && e.state == TaskState.SUCCEEDED
                || e != null && e.state == TaskState.DEAD_LETTERED && h.msg.generation <= e.deadGeneration) {
            // A copy of a task that already ended: a crash between a publish and its ack, or a broker crash
            // that lost a recent acknowledgement, brought it back. A redrive has a newer generation.
            broker.ack(h);
            return true;
        }
        if (e != null && (e.state == TaskState.CANCELLED || e.state == TaskState.FAILED)) {
            broker.drop(h); // the task ended while its message waited in the broker
            return true;
        }
        boolean late = deadline != null && !now.isBefore(deadline);
        if (!cancelled && !late) {
            return false;
        }
        broker.drop(h);
        if (e != null && !e.state.isTerminal()) {
            if (cancelled) {
                book.finish(e, TaskState.CANCELLED, "cancelled", null);
            } else {
                book.finish(e, TaskState.FAILED, TaskLifecycle.deadlinePassed(deadline), null);
            }
        }
        if (!cancelled) {
            metrics.failed();
            events.publish(h.msg.id, TaskState.FAILED, null);
        }
        return true;
    }

    /** Fails the task of {@code e} at its deadline unless it is leased or finished by then. */
    void watchDeadline(Entry e, Instant now) {
        Instant deadline = e.request.deadline();
        if (deadline != null) {
            clock.schedule(Duration.between(now, deadline), () -> monitor.later(() -> deadlinePassed(e)));
        }
    }

    private void deadlinePassed(Entry e) {
        if (monitor.closed() || e.state != TaskState.QUEUED || book.get(e.id) != e) {
            return;
        }
        held.drop(e.id);
        book.finish(e, TaskState.FAILED, TaskLifecycle.deadlinePassed(e.request.deadline()), null);
        metrics.failed();
    }
}
