package dev.scaleplane.events.kafka.tasks.internal;

import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.TaskPriority;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.core.orchestration.support.RetentionQueue;
import dev.scaleplane.events.kafka.tasks.internal.TaskRecords.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.IntToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * What the owner of tasks-topic partitions holds in memory: the unfinished tasks of its partitions, queued by priority
 * band in ready order, the leases counted per key, which partitions it owns and which are still being replayed, the
 * offsets it wrote itself, and the task versions that ended. Picks the next task to lease: priorities with the aging
 * rule, not-before and retry times, the per-key limit, exact among the tasks it owns.
 *
 * <p>Not thread-safe: every method runs under the queue's monitor ({@link QueueContext#lock}), except {@link
 * #partitions()}, which takes it.
 */
final class OwnedTasks {
    private static final Comparator<OwnedTask> BY_READY =
            Comparator.comparing((OwnedTask e) -> e.snapshot.readyAt()).thenComparingLong(e -> e.seq);

    private final QueueContext ctx;
    private final Map<String, OwnedTask> entries = new HashMap<>();
    private final Map<TaskPriority, TreeSet<OwnedTask>> bands = new EnumMap<>(TaskPriority.class);
    private final Map<String, Integer> leasedPerKey = new HashMap<>();
    private final Set<Integer> owned = new HashSet<>();
    /** Partitions being replayed, with the end offset the replay must reach before their tasks are leased. */
    private final Map<Integer, Long> hydrating = new HashMap<>();
    /** Offsets this member wrote and applied itself, skipped when its consumer reads them. */
    private final Map<Integer, Set<Long>> ownOffsets = new HashMap<>();

    private final Map<String, Long> finishedVersions = new HashMap<>();
    /** The latest end of each task in {@link #finishedVersions}, unless a newer version of it was taken since. */
    private final Map<String, End> lastEnd = new HashMap<>();
    /**
     * Every end in the order it was learnt, forgotten after the retention: pruning pops the expired ones from the head
     * instead of scanning every end each commit round (tens of thousands under load, all under the monitor).
     */
    private final RetentionQueue<End> ends;
    /** Where {@link #forgetEndsBefore} sends the ids of the ends that expired; set for the length of that call. */
    private @Nullable Consumer<String> forgetting;

    /** One end of a task, as {@link #ends} holds it; identity tells a superseded end from the latest. */
    private record End(String id) {}
    /** Tasks leased since the last {@link #publishLeases}. */
    private final List<OwnedTask> unpublished = new ArrayList<>();

    private int leasedCount;
    private long sequence;

    OwnedTasks(QueueContext ctx) {
        this.ctx = ctx;
        // No count bound: an end is kept for the whole retention, it is what keeps a replayed version from running
        // again.
        this.ends = new RetentionQueue<>(ctx.options.retention(), Integer.MAX_VALUE, this::expired);
        for (TaskPriority p : TaskPriority.values()) {
            bands.put(p, new TreeSet<>(BY_READY));
        }
    }

    @Nullable
    OwnedTask get(String id) {
        return entries.get(id);
    }

    int leasedCount() {
        return leasedCount;
    }

    // ---- picking and leasing

    /** The task to lease next among the ready, eligible ones of {@code types} (all if empty), or null. */
    @Nullable
    OwnedTask pick(Instant now, Set<String> types) {
        OwnedTask best = null;
        long bestRank = Long.MAX_VALUE;
        long agingNanos = ctx.options.agingInterval().toNanos();
        for (TaskPriority p : TaskPriority.values()) {
            for (OwnedTask e : bands.get(p)) {
                if (e.snapshot.readyAt().isAfter(now)) {
                    break; // ordered by ready time: the rest of the band is not ready either
                }
                if (!eligible(e, types)) {
                    continue;
                }
                long waited = Duration.between(e.snapshot.readyAt(), now).toNanos();
                long rank = Math.max(0, p.rank() - waited / agingNanos);
                if (best == null || rank < bestRank || (rank == bestRank && BY_READY.compare(e, best) < 0)) {
                    best = e;
                    bestRank = rank;
                }
                break; // later entries of this band are younger: never better than this one
            }
        }
        return best;
    }

    private boolean eligible(OwnedTask e, Set<String> types) {
        if (!owned.contains(e.partition) || hydrating.containsKey(e.partition)) {
            return false;
        }
        TaskRequest r = e.snapshot.request();
        if (!types.isEmpty() && !types.contains(r.type())) {
            return false;
        }
        String key = r.key();
        return key == null || leasedPerKey.getOrDefault(key, 0) < ctx.options.keyConcurrencyFor(r.type());
    }

    /** Takes a picked task out of its band and counts its lease. */
    void lease(OwnedTask e) {
        bands.get(e.snapshot.request().priority()).remove(e);
        String key = e.snapshot.request().key();
        if (key != null) {
            leasedPerKey.merge(key, 1, Integer::sum);
        }
        leasedCount++;
    }

    /** Remembers the {@code LEASED} state of a lease just granted, to publish later. */
    void leased(OwnedTask e, StateView sv) {
        e.unpublishedLease = sv;
        unpublished.add(e);
    }

    /**
     * Publishes the {@code LEASED} state of the tasks leased since the last call and still under that lease. A state
     * record is only a view for other processes (the tasks topic holds the truth), so it waits for the next commit
     * round: a task that ends sooner never writes it, and its terminal state, a higher version, is all they see.
     */
    void publishLeases(Consumer<StateView> publish) {
        for (OwnedTask e : unpublished) {
            StateView sv = e.unpublishedLease;
            e.unpublishedLease = null;
            if (sv != null && e.lease != null && e.version == sv.version() && entries.get(sv.id()) == e) {
                publish.accept(sv);
            }
        }
        unpublished.clear();
    }

    /** Ends the task's lease, if any, and uncounts it. */
    void release(OwnedTask e) {
        Leases.LeaseImpl l = e.lease;
        if (l == null) {
            return;
        }
        e.lease = null;
        l.released();
        leasedCount--;
        String key = e.snapshot.request().key();
        if (key != null) {
            leasedPerKey.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Queues a task again after a retry was written, behind those ready at the same instant. */
    void requeue(OwnedTask e) {
        e.seq = ++sequence;
        bands.get(e.snapshot.request().priority()).add(e);
    }

    /**
     * After a write the broker did not acknowledge: an owned task that is neither leased nor queued any more (its
     * lease was released before the write) is queued again with what is known, so it is not stranded in memory.
     */
    void restoreAfterFailedWrite(OwnedTask e) {
        if (entries.get(e.snapshot.id()) == e && e.lease == null) {
            TreeSet<OwnedTask> band = bands.get(e.snapshot.request().priority());
            if (!band.contains(e)) {
                e.seq = ++sequence;
                band.add(e);
            }
        }
    }

    /** Removes the task unless its partition was dropped (and maybe assigned again) meanwhile. */
    void removeIfHeld(OwnedTask e) {
        if (entries.get(e.snapshot.id()) == e) {
            remove(e);
        }
    }

    void remove(OwnedTask e) {
        entries.remove(e.snapshot.id());
        bands.get(e.snapshot.request().priority()).remove(e);
        if (e.deadlineTimer != null) {
            e.deadlineTimer.cancel();
            e.deadlineTimer = null;
        }
    }

    /** On close: every lease is lost ({@code CLOSED}) and no deadline fires any more. */
    void close() {
        for (OwnedTask e : new ArrayList<>(entries.values())) {
            if (e.lease != null) {
                e.lease.end(LeaseLostException.Reason.CLOSED);
            }
            if (e.deadlineTimer != null) {
                e.deadlineTimer.cancel();
            }
        }
    }

    // ---- task records

    /**
     * Takes version {@code s} of a task read or written at {@code offset} and queues it, unless that version ended
     * already, or a newer one or a lease is known.
     *
     * @return the task, or null if the record was not taken
     */
    @Nullable
    OwnedTask apply(int partition, long offset, Snapshot s) {
        if (endedAtOrAfter(s.id(), s.version())) {
            return null;
        }
        OwnedTask e = entries.get(s.id());
        if (e != null) {
            if (e.version >= s.version() || e.lease != null) {
                return null;
            }
            bands.get(e.snapshot.request().priority()).remove(e);
        } else {
            e = new OwnedTask(partition, TaskTopics.routingKey(s));
            entries.put(s.id(), e);
        }
        lastEnd.remove(s.id()); // its end is no longer the latest news of it: never forgotten by the retention
        e.snapshot = s;
        e.version = s.version();
        e.offset = offset;
        e.seq = ++sequence;
        bands.get(s.request().priority()).add(e);
        return e;
    }

    /** Remembers that this member wrote the record at {@code offset}, so its consumer skips it. */
    void wrote(int partition, long offset) {
        ownOffsets.computeIfAbsent(partition, p -> new HashSet<>()).add(offset);
    }

    /** Whether this member wrote (and applied) the record at {@code offset}; forgets it. */
    boolean wroteItself(int partition, long offset) {
        Set<Long> own = ownOffsets.get(partition);
        return own != null && own.remove(offset);
    }

    /** This member ended {@code version} of a task. */
    void ended(String id, long version) {
        finishedVersions.put(id, version);
        remember(id);
    }

    /** A done record for {@code version} of a task was read; the highest version ended is kept. */
    void endRead(String id, long version) {
        finishedVersions.merge(id, version, Math::max);
        remember(id);
    }

    private void remember(String id) {
        End end = new End(id);
        lastEnd.put(id, end);
        ends.add(end, ctx.clock.now());
    }

    boolean endedAtOrAfter(String id, long version) {
        return finishedVersions.getOrDefault(id, -1L) >= version;
    }

    /** A redriven task may run again. */
    void forgetEnd(String id) {
        finishedVersions.remove(id);
        lastEnd.remove(id);
    }

    /**
     * Forgets the ends that are older than the retention at {@code now}, telling {@code forgotten} each task id, in
     * the order they ended. Ends are timed on the queue's clock, which only moves forward.
     */
    void forgetEndsBefore(Instant now, Consumer<String> forgotten) {
        forgetting = forgotten;
        try {
            ends.expire(now);
        } finally {
            forgetting = null;
        }
    }

    /** An end left the retention: forgotten unless the task ended again, was taken again or redriven since. */
    private void expired(End end) {
        if (lastEnd.get(end.id()) == end) {
            lastEnd.remove(end.id());
            finishedVersions.remove(end.id());
            Consumer<String> to = forgetting;
            if (to != null) {
                to.accept(end.id());
            }
        }
    }

    // ---- partitions

    boolean owns(int partition) {
        return owned.contains(partition);
    }

    /** The partitions owned now; takes the monitor. */
    Set<Integer> partitions() {
        synchronized (ctx.lock) {
            return new HashSet<>(owned);
        }
    }

    /** A partition assigned to this member. */
    void assign(int partition) {
        owned.add(partition);
    }

    /** An assigned partition to replay first: its tasks are leased once the consumer's position reached {@code end}. */
    void replayUntil(int partition, long end) {
        hydrating.put(partition, end);
    }

    /** Ends the replay of the partitions whose consumer position reached the end taken at assignment. */
    void replayed(IntToLongFunction position) {
        hydrating.entrySet().removeIf(h -> position.applyAsLong(h.getKey()) >= h.getValue());
    }

    /** Whether every owned partition has been replayed. */
    boolean replayed() {
        return hydrating.isEmpty();
    }

    /**
     * The offset to commit for a partition: the oldest unfinished task version in it, else the consumer's position;
     * none while it is being replayed.
     */
    OptionalLong committable(int partition, long position) {
        if (hydrating.containsKey(partition)) {
            return OptionalLong.empty();
        }
        long min = position;
        for (OwnedTask e : entries.values()) {
            if (e.partition == partition) {
                min = Math.min(min, e.offset);
            }
        }
        return OptionalLong.of(min);
    }

    /** Partitions revoked or lost: their leases are lost ({@code EXPIRED}) and their tasks forgotten here. */
    void drop(Set<Integer> partitions) {
        for (OwnedTask e : new ArrayList<>(entries.values())) {
            if (partitions.contains(e.partition)) {
                if (e.lease != null) {
                    e.lease.end(LeaseLostException.Reason.EXPIRED);
                }
                remove(e);
            }
        }
        owned.removeAll(partitions);
        partitions.forEach(hydrating::remove);
        partitions.forEach(ownOffsets::remove);
    }
}
