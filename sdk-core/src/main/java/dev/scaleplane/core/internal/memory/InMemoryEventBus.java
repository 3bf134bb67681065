package dev.scaleplane.core.internal.memory;

import dev.scaleplane.api.events.BusClosedException;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.PublishBatchException;
import dev.scaleplane.api.events.PublishException;
import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.api.events.PublishTimeoutException;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.bus.AbstractEventBus;
import dev.scaleplane.core.bus.BusMetrics;
import java.lang.invoke.VarHandle;
import java.net.URI;
import java.time.Clock;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default bus: topics and groups inside one JVM, no persistence.
 *
 * <p>Publishing puts the event into one bounded partition per group of the topic (chosen by the ordering key) and
 * completes as soon as every group has it: that is "accepted" for a non-durable bus. Each group's partitions are
 * drained by its members' worker threads. The publish path takes no lock and allocates nothing but the receipt and
 * its future (48 bytes); a batch ({@link #doPublishAll}) allocates one future for all its events.
 */
final class InMemoryEventBus extends AbstractEventBus {
    private static final Logger log = LoggerFactory.getLogger(InMemoryEventBus.class);

    static final String POSITION = "memory";

    private final MemoryBusSettings settings;
    private final BusMetrics metrics;
    private final InMemoryDeadLetters deadLetters;
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    private final long publishTimeoutNanos;
    /** Publisher stripes less one (see {@link Partition}); 0 by default. */
    private final int stripeMask;
    /** The topic of the latest publish; topics are never removed, so a stale value is still valid. */
    private @Nullable Topic lastTopic;

    InMemoryEventBus(MemoryBusSettings settings, EventTypeRegistry types, URI source, Clock clock, BusMetrics metrics) {
        super(InMemoryEventBusProvider.NAME, types, source, clock, InMemoryEventBusProvider.CAPABILITIES);
        this.settings = settings;
        this.metrics = metrics;
        this.deadLetters = new InMemoryDeadLetters(this, settings.deadLetterCapacity());
        this.publishTimeoutNanos = settings.publishTimeout().toNanos();
        this.stripeMask = settings.publisherStripes() - 1;
    }

    MemoryBusSettings settings() {
        return settings;
    }

    BusMetrics metrics() {
        return metrics;
    }

    Clock busClock() {
        return clock();
    }

    InMemoryDeadLetters deadLetterStore() {
        return deadLetters;
    }

    @Override
    public InMemoryDeadLetters deadLetters() {
        return deadLetters;
    }

    /** The topic of that name if anyone ever subscribed to it, else null. */
    private @Nullable Topic topic(String topicName) {
        Topic topic = lastTopic;
        if (topic == null || !topic.name.equals(topicName)) {
            // Most publishers stick to one topic; the map look-up is only for a change of topic.
            topic = topics.get(topicName);
            if (topic != null) {
                lastTopic = topic;
            }
        }
        return topic;
    }

    @Override
    protected CompletableFuture<PublishReceipt> doPublish(String topicName, Event<?> event) {
        Topic topic = topic(topicName);
        if (topic == null) {
            metrics.published(topicName).increment(); // nobody subscribed: accepted, and there is no group to tell
            return CompletableFuture.completedFuture(new PublishReceipt(topicName, event.id(), POSITION));
        }
        int hash = Group.spread(event.orderingKey());
        int stripe = Partition.stripeOfCurrentThread(stripeMask);
        Group[] groups = topic.groups;
        for (int i = 0; i < groups.length; i++) {
            Partition p = groups[i].partition(hash);
            Ring ring = p.ring(stripe);
            if (!ring.offer(event, false)) {
                signal(groups, i, hash); // the groups that have the event need not wait while this one is full
                PublishException failure =
                        offerSlow(topicName, p, ring, event, System.nanoTime() + publishTimeoutNanos);
                if (failure != null) {
                    metrics.publishFailed(topicName).increment();
                    return CompletableFuture.failedFuture(failure);
                }
            }
        }
        signal(groups, groups.length, hash);
        topic.published.increment();
        return CompletableFuture.completedFuture(new PublishReceipt(topicName, event.id(), POSITION));
    }

    /**
     * The batch path: for each group, runs of consecutive events that go to the same partition are claimed with one
     * step each ({@link Ring#offer(Event[], int, int, boolean)}), then one fence wakes the group's parked workers. The
     * receipts are made only if someone reads them ({@link Receipts}), so a batch allocates its future, the list
     * and the copy of the events, whatever its size. An event is accepted when every group took it, as in
     * {@link #doPublish}; one publish timeout bounds the waiting of the whole batch.
     */
    @Override
    protected CompletableFuture<List<PublishReceipt>> doPublishAll(String topicName, Event<?>[] events) {
        Topic topic = topic(topicName);
        if (topic == null) {
            metrics.published(topicName).add(events.length); // nobody subscribed: accepted, as in doPublish
            return CompletableFuture.completedFuture(new Receipts(topicName, events));
        }
        Group[] groups = topic.groups;
        int stripe = Partition.stripeOfCurrentThread(stripeMask);
        PublishException[] failures = null;
        long deadline = 0; // set at the first wait
        boolean waited = false;
        for (Group group : groups) {
            int i = 0;
            while (i < events.length) {
                String key = events[i].orderingKey();
                Partition p = group.partition(Group.spread(key));
                int end = i + 1;
                while (end < events.length) {
                    // The same key instance needs no hash: batches repeat a key far more often than not.
                    String next = events[end].orderingKey();
                    if (next != key && group.partition(Group.spread(next)) != p) {
                        break;
                    }
                    end++;
                }
                Ring ring = p.ring(stripe);
                i += ring.offer(events, i, end, false);
                // The ring is full: wait for room event by event, as publish does, within the batch's deadline.
                for (; i < end; i++) {
                    if (!waited) {
                        waited = true;
                        deadline = System.nanoTime() + publishTimeoutNanos;
                        signal(group); // its workers need not wait for the rest of the batch
                    }
                    PublishException failure = offerSlow(topicName, p, ring, events[i], deadline);
                    if (failure != null) {
                        if (failures == null) {
                            failures = new PublishException[events.length];
                        }
                        if (failures[i] == null) {
                            failures[i] = failure;
                        }
                    }
                }
            }
            signal(group);
        }
        if (failures == null) {
            topic.published.add(events.length);
            return CompletableFuture.completedFuture(new Receipts(topicName, events));
        }
        Map<Integer, PublishReceipt> accepted = new HashMap<>();
        Map<Integer, PublishException> failed = new HashMap<>();
        for (int i = 0; i < events.length; i++) {
            if (failures[i] == null) {
                accepted.put(i, new PublishReceipt(topicName, events[i].id(), POSITION));
            } else {
                failed.put(i, failures[i]);
            }
        }
        topic.published.add(accepted.size());
        metrics.publishFailed(topicName).add(failed.size());
        return CompletableFuture.failedFuture(new PublishBatchException(topicName, events.length, accepted, failed));
    }

    /**
     * Wakes the parked workers of every partition of a group; call after offers that added events (see
     * {@link #signal(Group[], int, int)} for why no fence is needed).
     */
    private static void signal(Group group) {
        for (Partition p : group.partitions) {
            p.signal();
        }
    }

    /**
     * The receipts of a batch the bus accepted whole, made when read: a batch of thousands of events should not
     * allocate thousands of receipts nobody looks at. Unmodifiable; backed by the bus's own copy of the events.
     */
    private static final class Receipts extends AbstractList<PublishReceipt> implements RandomAccess {
        private final String topic;
        private final Event<?>[] events;

        Receipts(String topic, Event<?>[] events) {
            this.topic = topic;
            this.events = events;
        }

        @Override
        public PublishReceipt get(int index) {
            return new PublishReceipt(topic, events[index].id(), POSITION);
        }

        @Override
        public int size() {
            return events.length;
        }
    }

    /**
     * Wakes the parked workers of the first {@code count} groups' partitions for {@code hash}; call after each of
     * their offers succeeded. No fence: each successful offer claimed its slot with a CAS, a volatile write that the
     * read of the worker's parked flag follows, and a parking worker writes its flag before it re-reads the producer
     * index ({@link Ring#hasAccepted()}), so no wake-up is lost. A full fence here was a sixth of the publisher's
     * samples in {@code 1p1s} (issue 18).
     */
    private static void signal(Group[] groups, int count, int hash) {
        for (int i = 0; i < count; i++) {
            groups[i].partition(hash).signal();
        }
    }

    /**
     * Puts an event into a partition and wakes its worker, waiting up to the publish timeout for room; null on
     * success.
     */
    PublishException enqueue(String topic, Partition p, Event<?> event) {
        Ring ring = p.ring(Partition.stripeOfCurrentThread(stripeMask));
        PublishException failure = ring.offer(event, false)
                ? null
                : offerSlow(topic, p, ring, event, System.nanoTime() + publishTimeoutNanos);
        // A failed offerSlow made no claim to order the read of the parked flag after; the fence does it.
        VarHandle.fullFence();
        p.signal();
        return failure;
    }

    /**
     * Offers to one of the partition's rings until there is room, the deadline ({@code System.nanoTime()} based)
     * passes or the bus closes; null on success. With a deadline already past, it tries once.
     */
    private @Nullable PublishException offerSlow(String topic, Partition p, Ring ring, Event<?> event, long deadline) {
        int tries = 0;
        while (!ring.offer(event, false)) {
            if (isClosed()) {
                return new BusClosedException(topic, event.id());
            }
            if (System.nanoTime() - deadline >= 0) {
                return new PublishTimeoutException(
                        topic, event.id(), settings.publishTimeout(), "the in-memory buffer of partition " + p.index);
            }
            VarHandle.fullFence(); // no claim was made this round to order the flag's read after (see signal)
            p.signal();
            if (++tries < 64) {
                Thread.onSpinWait();
            } else if (tries < 128) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
        return null;
    }

    @Override
    protected Subscription doSubscribe(SubscriptionOptions options, EventHandler<Object> handler) {
        Topic topic = topics.computeIfAbsent(options.topic(), name -> new Topic(name, metrics.published(name)));
        synchronized (topic) {
            if (isClosed()) {
                throw new BusClosedException(options.topic());
            }
            Group group = topic.find(options.group());
            if (group == null) {
                group = new Group(
                        this,
                        topic,
                        options,
                        settings.partitions(),
                        settings.bufferSize(),
                        settings.publisherStripes());
                topic.add(group);
            }
            return group.join(options, handler);
        }
    }

    /** The live group of a topic, or null. */
    Group group(String topicName, String groupName) {
        Topic topic = topic(topicName);
        if (topic == null) {
            return null;
        }
        synchronized (topic) {
            return topic.find(groupName);
        }
    }

    @Override
    protected void doClose() {
        List<Worker> workers = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        for (Topic topic : topics.values()) {
            for (Group g : topic.groups) {
                groups.add(g);
                workers.addAll(g.drain());
            }
        }
        if (!Group.awaitWorkers(workers, settings.drainTimeout())) {
            for (Worker w : workers) {
                w.stop(Worker.STOP);
                w.thread.interrupt();
            }
            Group.awaitWorkers(workers, java.time.Duration.ofSeconds(5));
        }
        int undelivered = 0;
        for (Group g : groups) {
            undelivered += g.inFlight();
            g.metrics.remove();
        }
        if (undelivered > 0) {
            log.warn(
                    "in-memory event bus closed with {} event(s) not handled within the drain timeout of {}",
                    undelivered,
                    settings.drainTimeout());
        }
    }
}
