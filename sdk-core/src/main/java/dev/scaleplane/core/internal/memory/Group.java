package dev.scaleplane.core.internal.memory;

import dev.scaleplane.api.events.DeadLetter;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.core.bus.DeadLetterRecords;
import dev.scaleplane.core.bus.DeduplicationWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription group on one topic: a fixed set of partitions shared by the group's members. Partitions are spread
 * over all members' workers round-robin and reassigned when a member joins or leaves; the partition's busy flag makes
 * the hand-over safe for per-key order.
 *
 * <p>The group lives while it has members. The first member fixes the partition count, the de-duplication window and
 * the dead-letter destination; each member keeps its own handler, type filter and retry policy.
 */
final class Group {
    private static final Logger log = LoggerFactory.getLogger(Group.class);

    final InMemoryEventBus bus;
    final Topic topic;
    final String name;
    final String deadLetterDestination;
    final Partition[] partitions;
    final BusMetrics.Group metrics;
    private final int partitionMask;
    private final List<Member> members = new ArrayList<>(); // guarded by topic
    private int nextMemberId; // guarded by topic

    Group(
            InMemoryEventBus bus,
            Topic topic,
            SubscriptionOptions first,
            int defaultPartitions,
            int bufferSize,
            int publisherStripes) {
        this.bus = bus;
        this.topic = topic;
        this.name = first.group();
        this.deadLetterDestination = first.deadLetterDestination();
        int count = MemoryBusSettings.powerOfTwo(Math.max(defaultPartitions, first.concurrency()));
        this.partitions = new Partition[count];
        this.partitionMask = count - 1;
        Duration window = first.deduplicationWindow();
        int perPartition = Math.max(1, first.deduplicationMaxEntries() / count);
        for (int i = 0; i < count; i++) {
            partitions[i] = new Partition(
                    i,
                    bufferSize,
                    publisherStripes,
                    window == null ? null : new DeduplicationWindow(window, perPartition));
        }
        this.metrics = bus.metrics().group(topic.name, name, this::inFlight);
    }

    /** The partition for an event's ordering key. */
    Partition partitionFor(Event<?> event) {
        return partition(spread(event.orderingKey()));
    }

    /** The partition for a {@link #spread} hash; publishing computes the hash once for all groups of a topic. */
    Partition partition(int spreadHash) {
        return partitions[spreadHash & partitionMask];
    }

    /** The hash of an ordering key, spread so that similar keys still scatter over few partitions. */
    static int spread(String orderingKey) {
        int h = orderingKey.hashCode();
        return h ^ (h >>> 16);
    }

    int inFlight() {
        int n = 0;
        for (Partition p : partitions) {
            n += p.size();
        }
        return n;
    }

    /** Adds a member and starts its workers. Caller holds the topic lock. */
    Member join(SubscriptionOptions options, dev.scaleplane.api.events.EventHandler<Object> handler) {
        Member member = new Member(options, handler, this, nextMemberId++);
        members.add(member);
        rebalance();
        for (Worker w : member.workers) {
            w.start();
        }
        return member;
    }

    /** Removes a member; the others take over its partitions. The last member's leaving ends the group. */
    void leave(Member member) {
        boolean last;
        synchronized (topic) {
            if (!members.remove(member)) {
                return;
            }
            last = members.isEmpty();
            if (last) {
                topic.remove(this); // stop intake before the workers go
            } else {
                rebalance();
            }
        }
        for (Worker w : member.workers) {
            w.stop(Worker.STOP);
        }
        boolean fromOwnHandler = member.ownsCurrentThread();
        if (!fromOwnHandler) {
            awaitWorkers(List.of(member.workers), bus.settings().drainTimeout());
        }
        if (last) {
            // Closed from its own handler, the event in hand is still counted; it is being handled, not dropped.
            int left = inFlight() - (fromOwnHandler ? 1 : 0);
            if (left > 0) {
                log.warn(
                        "subscription group '{}' on topic '{}' ended with {} queued event(s) that no member will"
                                + " handle (the in-memory bus keeps events only while a group has members)",
                        name,
                        topic.name,
                        left);
            }
            metrics.remove();
        }
    }

    /** Bus close: every worker finishes the queued events, then exits. Returns the workers to wait for. */
    List<Worker> drain() {
        List<Worker> workers = new ArrayList<>();
        synchronized (topic) {
            for (Member m : members) {
                m.markInactive();
                for (Worker w : m.workers) {
                    if (w.state == Worker.RUNNING) {
                        w.stop(Worker.DRAIN);
                    }
                    workers.add(w);
                }
            }
        }
        return workers;
    }

    boolean hasMembers() {
        synchronized (topic) {
            return !members.isEmpty();
        }
    }

    /** Spreads partitions over all members' workers round-robin. Caller holds the topic lock. */
    private void rebalance() {
        List<Worker> workers = new ArrayList<>();
        for (Member m : members) {
            for (Worker w : m.workers) {
                workers.add(w);
            }
        }
        int n = workers.size();
        List<List<Partition>> assigned = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            assigned.add(new ArrayList<>());
        }
        for (Partition p : partitions) {
            Worker owner = workers.get(p.index % n);
            assigned.get(p.index % n).add(p);
            p.owner = owner;
        }
        for (int i = 0; i < n; i++) {
            Worker w = workers.get(i);
            w.partitions = assigned.get(i).toArray(new Partition[0]);
            w.wake();
        }
    }

    void deadLetter(
            Event<?> event,
            DeadLetter.Reason reason,
            Throwable failure,
            int attempts,
            Instant firstFailure,
            Instant lastFailure,
            Partition p,
            int stripe,
            long position) {
        DeadLetter letter = new DeadLetter(
                Event.newId(),
                topic.name,
                name,
                deadLetterDestination,
                reason,
                event,
                null,
                failure.getClass().getName(),
                DeadLetterRecords.message(failure),
                DeadLetterRecords.stackTrace(failure),
                attempts,
                firstFailure,
                lastFailure,
                "memory:" + topic.name + "/" + p.index + "." + stripe + "@" + position);
        bus.deadLetterStore().add(letter);
        metrics.deadLettered(reason, event.id(), event.type(), attempts, failure);
    }

    static boolean awaitWorkers(List<Worker> workers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Worker w : workers) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    w.thread.join(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (w.thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "Group{topic=" + topic.name + ", name=" + name + ", partitions=" + partitions.length + '}';
    }

    @Nullable
    Member anyMember() {
        synchronized (topic) {
            return members.isEmpty() ? null : members.get(0);
        }
    }
}
