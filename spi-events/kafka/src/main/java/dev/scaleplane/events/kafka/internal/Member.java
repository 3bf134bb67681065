package dev.scaleplane.events.kafka.internal;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.events.DeadLetter;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventDecodingException;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.StartPosition;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.bus.DeadLetterRecords;
import dev.scaleplane.core.bus.DeduplicationWindow;
import dev.scaleplane.core.bus.EventScope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription: a Kafka consumer in the group named after the subscription group, reading the event topic and
 * the group's retry topics, and a pool of {@code concurrency} handler threads.
 *
 * <h2>Order and offsets</h2>
 *
 * The poll thread hands each record to the handler thread its key hashes to (one queue per thread): a key's records
 * run one at a time in offset order, and different keys run in parallel up to the subscription's concurrency, even
 * inside one partition. Fixed key-to-thread routing costs one queue hand-off per thread and fetched partition batch
 * (the records routed to one thread go over together), where starting a task per record cost a thread wake-up each;
 * the price is that a slow key delays the keys that share its thread.
 *
 * <p>Each partition tracks the records fetched but not finished; the committed offset is the lowest unfinished one
 * (or the next to fetch when all are finished), so a crash redelivers but never skips. Fetching pauses at
 * {@code max-pending} unfinished records (the poll thread is woken the moment handlers bring that down to half), and
 * per partition once {@value #SPAN_FACTOR} times {@code max-pending} records wait behind its oldest unfinished one,
 * which bounds what a crash redelivers. Offsets are committed every {@code commit-interval}, and synchronously when
 * partitions are revoked, after the running handler calls of those partitions finished (queued records of revoked
 * partitions are dropped, not acknowledged: the new owner gets them from the committed offset).
 *
 * <h2>Retries</h2>
 *
 * A failed attempt is written to the group's retry topic with the attempt count and its due time, then the original
 * offset counts as finished; the record comes back through the retry topic once due (the partition is paused and
 * rewound until then), so a retry never blocks the partition it came from. After the last attempt, or on a
 * non-retryable failure, the record goes to the dead-letter topic with the failure headers; undecodable records go
 * there at once.
 *
 * <p>Thread-safety: {@link #close()} and {@link #isActive()} may be called from any thread; the consumer is used by
 * the poll thread only.
 */
final class Member implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(Member.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final AtomicInteger IDS = new AtomicInteger();
    /** A partition pauses once this many times max-pending records are tracked behind its oldest unfinished one. */
    private static final int SPAN_FACTOR = 4;

    private final KafkaEventBus bus;
    private final SubscriptionOptions options;
    private final EventHandler<Object> handler;
    private final KafkaEventBus.GroupMeters meters;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<String> retryTopics;
    private final Worker[] workers;
    private final Thread pollThread;
    private final Map<TopicPartition, PartitionState> partitions = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> delayed = new HashMap<>();
    /** Partitions paused because too many records wait behind their oldest unfinished one; poll thread only. */
    private final Set<TopicPartition> stalled = new HashSet<>();

    private final AtomicInteger pending = new AtomicInteger();
    private final CompletableFuture<Void> firstAssignment = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Set<Thread> workerThreads = ConcurrentHashMap.newKeySet();
    /** Shared by this member's workers. */
    private final @Nullable DeduplicationWindow dedupe;

    private volatile boolean running = true;
    /** Written by the poll thread; read by handler threads to know when to wake it. */
    private volatile boolean pausedForLimit;

    Member(
            KafkaEventBus bus,
            SubscriptionOptions options,
            EventHandler<Object> handler,
            KafkaEventBus.GroupMeters meters) {
        this.bus = bus;
        this.options = options;
        this.handler = handler;
        this.meters = meters;
        this.retryTopics = new HashSet<>(bus.topics.retryTopics(options.topic(), options.group()));
        int id = IDS.incrementAndGet();
        Map<String, Object> props = bus.config.consumerProperties(
                "consumer-" + options.group() + "-" + id,
                options.group(),
                options.startPosition() == StartPosition.EARLIEST ? "earliest" : "latest");
        // Faster group joins and hand-overs than the defaults (3 s heartbeats), at a negligible broker cost.
        props.putIfAbsent("heartbeat.interval.ms", "500");
        props.putIfAbsent("session.timeout.ms", "10000");
        // Range assignment gives partition i of every subscribed topic to the same member, so a key's records on the
        // event topic and on the retry topics (same partition count, same key hash) meet in one member.
        props.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.RangeAssignor");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.dedupe = DeduplicationWindow.of(options);
        String name = "scaleplane-kafka-" + options.topic() + "-" + options.group() + "-" + id;
        this.workers = new Worker[options.concurrency()];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(name + "-handler-" + (i + 1));
            workerThreads.add(workers[i].thread);
        }
        this.pollThread = new Thread(this::pollLoop, name + "-poll");
        pollThread.setDaemon(true);
    }

    /** Starts polling and returns once the member has its first partition assignment. */
    void start() {
        for (Worker w : workers) {
            w.thread.start();
        }
        pollThread.start();
        try {
            firstAssignment.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScaleplaneException("interrupted while joining group " + options.group(), e);
        } catch (ExecutionException e) {
            throw new ScaleplaneException(
                    "could not join consumer group " + options.group() + " on " + options.topic() + ": " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new ScaleplaneException("joining consumer group " + options.group() + " on " + options.topic()
                    + " took over 60 s; is the broker at " + bus.config.bootstrapServers() + " up?");
        }
    }

    @Override
    public String topic() {
        return options.topic();
    }

    @Override
    public String group() {
        return options.group();
    }

    @Override
    public boolean isActive() {
        return !closing.get();
    }

    int pendingCount() {
        return pending.get();
    }

    @Override
    public void close() {
        if (closing.compareAndSet(false, true)) {
            running = false;
            consumer.wakeup();
        }
        if (workerThreads.contains(Thread.currentThread()) || Thread.currentThread() == pollThread) {
            return; // called from this member's own handler: the poll thread finishes the close
        }
        if (!pollThread.isAlive() && stopped.getCount() > 0) {
            return; // never started
        }
        try {
            stopped.await(bus.config.drainTimeout().toMillis() + 15_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Poll thread
    // ---------------------------------------------------------------------------------------------------------------

    private void pollLoop() {
        try {
            List<String> topics = new ArrayList<>();
            topics.add(options.topic());
            topics.addAll(bus.topics.retryTopics(options.topic(), options.group()));
            consumer.subscribe(topics, new Rebalance());
            long nextCommit = System.nanoTime() + bus.config.commitInterval().toNanos();
            while (running) {
                if (pausedForLimit) {
                    // Every assigned partition is paused, so poll(POLL) would sit out its whole timeout: wait for
                    // the handlers to make room instead, and resume the moment they have.
                    awaitRoom();
                    flowControl();
                }
                ConsumerRecords<byte[], byte[]> records;
                try {
                    // While still paused, poll only to keep the group session and run rebalance callbacks.
                    records = consumer.poll(pausedForLimit ? Duration.ZERO : POLL);
                } catch (WakeupException e) {
                    break;
                }
                for (TopicPartition tp : records.partitions()) {
                    dispatch(tp, records.records(tp));
                }
                flowControl();
                updateLag();
                if (System.nanoTime() - nextCommit >= 0) {
                    commit(false);
                    nextCommit = System.nanoTime() + bus.config.commitInterval().toNanos();
                }
            }
        } catch (RuntimeException e) {
            if (!firstAssignment.isDone()) {
                firstAssignment.completeExceptionally(e);
            } else if (running) {
                LOG.error("subscription {} of group {} stopped: {}", options.topic(), options.group(), e.toString(), e);
            }
        } catch (Error e) {
            firstAssignment.completeExceptionally(e);
            throw e;
        } finally {
            shutdown();
        }
    }

    private void shutdown() {
        try {
            Collection<PartitionState> all = List.copyOf(partitions.values());
            all.forEach(this::revoke);
            awaitIdle(all);
            try {
                commit(true);
            } catch (RuntimeException e) {
                LOG.warn("final commit of group {} failed: {}", options.group(), e.toString());
            }
            partitions.clear();
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.debug("closing the consumer of group {}: {}", options.group(), e.toString());
            }
            for (Worker w : workers) {
                w.stop();
            }
        } finally {
            closing.set(true);
            meters.members.remove(this);
            bus.removed(this);
            if (!firstAssignment.isDone()) {
                firstAssignment.completeExceptionally(new ScaleplaneException("the subscription closed"));
            }
            stopped.countDown();
        }
    }

    private void dispatch(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records) {
        PartitionState st = partitions.get(tp);
        if (st == null) {
            return;
        }
        int count = records.size();
        if (retryTopics.contains(tp.topic())) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < count; i++) {
                ConsumerRecord<byte[], byte[]> r = records.get(i);
                String due = Wire.header(r.headers(), Wire.DUE);
                long dueMillis = due == null ? 0 : parseLong(due, 0);
                if (dueMillis > now) {
                    // Not due yet: rewind to it and pause the partition until it is. Later records of this retry
                    // topic are due later still (same delay tier), so nothing behind it is held back needlessly.
                    consumer.seek(tp, r.offset());
                    consumer.pause(List.of(tp));
                    delayed.put(tp, dueMillis);
                    count = i;
                    break;
                }
            }
        }
        if (count == 0) {
            return;
        }
        // One lock round per fetched batch, not per record; the queue hand-off happens outside it.
        long[] sequences = new long[count];
        synchronized (st) {
            for (int i = 0; i < count; i++) {
                sequences[i] = st.track(records.get(i).offset());
            }
        }
        pending.addAndGet(count);
        if (workers.length == 1) {
            workers[0].queue.add(
                    new Batch(st, count == records.size() ? records : records.subList(0, count), sequences));
            return;
        }
        // Routed by key hash, then handed over in one queue operation per handler thread, in fetch order.
        int[] route = new int[count];
        int[] sizes = new int[workers.length];
        for (int i = 0; i < count; i++) {
            byte[] key = records.get(i).key();
            int hash = key == null ? 0 : java.util.Arrays.hashCode(key);
            route[i] = Math.floorMod(hash, workers.length);
            sizes[route[i]]++;
        }
        List<List<ConsumerRecord<byte[], byte[]>>> routedRecords = new ArrayList<>(workers.length);
        long[][] routedSequences = new long[workers.length][];
        for (int w = 0; w < workers.length; w++) {
            routedRecords.add(new ArrayList<>(sizes[w]));
            routedSequences[w] = new long[sizes[w]];
        }
        for (int i = 0; i < count; i++) {
            List<ConsumerRecord<byte[], byte[]>> to = routedRecords.get(route[i]);
            routedSequences[route[i]][to.size()] = sequences[i];
            to.add(records.get(i));
        }
        for (int w = 0; w < workers.length; w++) {
            if (sizes[w] > 0) {
                workers[w].queue.add(new Batch(st, routedRecords.get(w), routedSequences[w]));
            }
        }
    }

    /** Parks the poll thread until the handlers brought the pending records down to the resume mark, or POLL. */
    private void awaitRoom() {
        long deadline = System.nanoTime() + POLL.toNanos();
        int resumeAt = bus.config.maxPending() / 2;
        while (running && pending.get() > resumeAt) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(this, left);
        }
    }

    /** Called by a handler thread after it is done with records: wakes the poll thread once there is room again. */
    private void finished(int records) {
        if (pending.addAndGet(-records) <= bus.config.maxPending() / 2 && pausedForLimit) {
            LockSupport.unpark(pollThread);
        }
    }

    private void flowControl() {
        int max = bus.config.maxPending();
        if (!pausedForLimit && pending.get() >= max) {
            consumer.pause(consumer.assignment());
            pausedForLimit = true;
        } else if (pausedForLimit && pending.get() <= max / 2) {
            Set<TopicPartition> resume = new HashSet<>(consumer.assignment());
            resume.removeAll(delayed.keySet());
            resume.removeAll(stalled);
            consumer.resume(resume);
            pausedForLimit = false;
        }
        // A record that stays unfinished while later ones of its partition finish (a slow key, concurrency > 1)
        // holds the commit offset back; the partition stops fetching once too many records wait behind it, so
        // what a crash would redeliver, and what tracking them costs, stays bounded.
        long spanLimit = (long) SPAN_FACTOR * max;
        for (PartitionState st : partitions.values()) {
            long span;
            synchronized (st) {
                span = st.span();
            }
            if (span >= spanLimit) {
                if (stalled.add(st.tp)) {
                    consumer.pause(List.of(st.tp));
                }
            } else if (span <= spanLimit / 2 && stalled.remove(st.tp)) {
                if (!pausedForLimit && !delayed.containsKey(st.tp)) {
                    consumer.resume(List.of(st.tp));
                }
            }
        }
        if (!delayed.isEmpty()) {
            long now = System.currentTimeMillis();
            for (Iterator<Map.Entry<TopicPartition, Long>> it =
                            delayed.entrySet().iterator();
                    it.hasNext(); ) {
                Map.Entry<TopicPartition, Long> e = it.next();
                if (e.getValue() <= now) {
                    it.remove();
                    if (!pausedForLimit
                            && !stalled.contains(e.getKey())
                            && consumer.assignment().contains(e.getKey())) {
                        consumer.resume(List.of(e.getKey()));
                    }
                }
            }
        }
    }

    private void updateLag() {
        for (PartitionState st : partitions.values()) {
            var lag = consumer.currentLag(st.tp);
            if (lag.isPresent()) {
                st.lag.set(lag.getAsLong());
            }
        }
    }

    private void commit(boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionState st : partitions.values()) {
            long offset;
            synchronized (st) {
                offset = st.commitOffset();
                if (offset < 0 || offset <= st.committed) {
                    continue;
                }
                st.committed = offset;
            }
            offsets.put(st.tp, new OffsetAndMetadata(offset));
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets, Duration.ofSeconds(10));
        } else {
            consumer.commitAsync(offsets, (done, failure) -> {
                if (failure != null) {
                    LOG.debug(
                            "async commit of group {} failed (the next one retries): {}",
                            options.group(),
                            failure.toString());
                    for (TopicPartition tp : offsets.keySet()) {
                        PartitionState st = partitions.get(tp);
                        if (st != null) {
                            synchronized (st) {
                                st.committed =
                                        Math.min(st.committed, offsets.get(tp).offset() - 1);
                            }
                        }
                    }
                }
            });
        }
    }

    /** Marks a partition revoked: its queued records are skipped, stay unfinished, so uncommitted. */
    private void revoke(PartitionState st) {
        synchronized (st) {
            st.revoked = true;
        }
    }

    private void awaitIdle(Collection<PartitionState> states) {
        long deadline = System.nanoTime() + bus.config.drainTimeout().toNanos();
        for (PartitionState st : states) {
            synchronized (st) {
                while (st.running > 0) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        LOG.warn(
                                "handler calls of {} still running after the drain timeout; their records stay"
                                        + " uncommitted and will be delivered again",
                                st.tp);
                        return;
                    }
                    try {
                        st.wait(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            List<PartitionState> states = new ArrayList<>();
            for (TopicPartition tp : revoked) {
                PartitionState st = partitions.get(tp);
                if (st != null) {
                    revoke(st);
                    states.add(st);
                }
            }
            awaitIdle(states);
            try {
                commit(true);
            } catch (RuntimeException e) {
                LOG.warn(
                        "commit on revocation of group {} failed; the new owner redelivers from the last commit: {}",
                        options.group(),
                        e.toString());
            }
            revoked.forEach(tp -> {
                partitions.remove(tp);
                delayed.remove(tp);
                stalled.remove(tp);
            });
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            for (TopicPartition tp : lost) {
                PartitionState st = partitions.remove(tp);
                if (st != null) {
                    revoke(st);
                }
                delayed.remove(tp);
                stalled.remove(tp);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(assigned));
                Map<TopicPartition, OffsetAndMetadata> initial = new HashMap<>();
                for (TopicPartition tp : assigned) {
                    PartitionState st = new PartitionState(tp, bus.lag(options.group(), tp));
                    partitions.put(tp, st);
                    if (committed.get(tp) == null) {
                        // A new group starts where the partition is now (or at the beginning for EARLIEST); pinning
                        // that position at once means events published after subscribe() returned are never
                        // skipped, whichever member ends up owning the partition.
                        long position = consumer.position(tp);
                        initial.put(tp, new OffsetAndMetadata(position));
                        st.committed = position;
                    }
                }
                if (!initial.isEmpty()) {
                    consumer.commitSync(initial, Duration.ofSeconds(10));
                }
                firstAssignment.complete(null);
            } catch (RuntimeException e) {
                firstAssignment.completeExceptionally(e);
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Handler threads
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Runs a batch of one partition's records on its handler thread, in order, and stops at the first record that
     * finds the partition revoked (the rest stay unfinished, so uncommitted). {@code running} is raised once for the
     * batch, not per record, and the revoked flag is read before each record, so a revocation still waits only for
     * the record in progress. Each record is marked finished (and no longer pending) as soon as it is done: a handler
     * that blocks must not hold back the commit offset or the flow control of the records before it.
     */
    private void runBatch(Batch batch, Worker worker) {
        PartitionState st = batch.state;
        long[] sequences = batch.sequences;
        int count = sequences.length;
        synchronized (st) {
            if (st.revoked) {
                finished(count);
                return;
            }
            st.running++;
        }
        int ran = 0;
        try {
            while (ran < count && !st.revoked) {
                boolean done = process(batch.records.get(ran), worker);
                if (done) {
                    synchronized (st) {
                        st.finish(sequences[ran]);
                    }
                }
                ran++;
                finished(1);
            }
        } finally {
            synchronized (st) {
                st.running--;
                if (st.running == 0) {
                    st.notifyAll();
                }
            }
            // The rest of a batch cut short by revocation, or by a failure escaping process(): never started.
            finished(count - ran);
        }
    }

    /** Handles one record to the end (handled, filtered, duplicate, sent to retry or dead-lettered). */
    private boolean process(ConsumerRecord<byte[], byte[]> r, Worker worker) {
        Event<?> event;
        try {
            event = bus.wire.decode(r.headers(), r.value());
        } catch (RuntimeException e) {
            DeadLetter.Reason reason =
                    e instanceof EventDecodingException d && d.reason() == EventDecodingException.Reason.DATA_MISMATCH
                            ? DeadLetter.Reason.INVALID
                            : DeadLetter.Reason.UNDECODABLE;
            Instant now = bus.busClock().instant();
            return deadLetter(r, reason, e, 0, now, now);
        }
        if (!options.accepts(event.type())) {
            return true;
        }
        String dedupeKey = null;
        if (dedupe != null) {
            dedupeKey = DeduplicationWindow.key(event);
            if (dedupe.seen(dedupeKey, System.nanoTime())) {
                meters.meters.deduplicated.increment();
                return true;
            }
        }
        Throwable failure = invoke(event);
        if (failure == null) {
            if (dedupe != null) {
                dedupe.record(dedupeKey, System.nanoTime());
            }
            meters.meters.delivered.increment();
            if (worker.sampleLatency(System.nanoTime())) {
                long latency = bus.busClock().millis() - event.time().toEpochMilli();
                if (latency >= 0) {
                    meters.meters.latency.record(latency, TimeUnit.MILLISECONDS);
                }
            }
            return true;
        }
        if (failure instanceof InterruptedException && !running) {
            return false; // interrupted by close: the record stays unacknowledged
        }
        int attempts = (int) parseLong(Wire.header(r.headers(), Wire.ATTEMPTS), 0) + 1;
        Instant now = bus.busClock().instant();
        String first = Wire.header(r.headers(), Wire.FIRST_FAILURE);
        Instant firstFailure = first == null ? now : Instant.parse(first);
        RetryPolicy policy = options.retryPolicy();
        if (!policy.shouldRetry(failure, attempts)) {
            DeadLetter.Reason reason =
                    policy.isNonRetryable(failure) ? DeadLetter.Reason.NON_RETRYABLE : DeadLetter.Reason.HANDLER_FAILED;
            meters.meters.handlerFailed(event.id(), event.type(), attempts, failure, false);
            return deadLetter(r, reason, failure, attempts, firstFailure, now);
        }
        meters.meters.handlerFailed(event.id(), event.type(), attempts, failure, true);
        Duration delay =
                policy.delayBefore(attempts, ThreadLocalRandom.current().nextDouble());
        RecordHeaders headers = failureHeaders(r, failure, attempts, firstFailure, now);
        Wire.put(headers, Wire.DUE, String.valueOf(System.currentTimeMillis() + Math.max(0, delay.toMillis())));
        String retryTopic = bus.topics.retryTopicFor(options.topic(), options.group(), attempts);
        return send(new ProducerRecord<>(retryTopic, null, r.key(), r.value(), headers));
    }

    private @Nullable Throwable invoke(Event<?> event) {
        Event<?> previous = EventScope.enter(event);
        try {
            @SuppressWarnings("unchecked")
            Event<Object> typed = (Event<Object>) event;
            handler.handle(typed);
            return null;
        } catch (Throwable t) {
            return t;
        } finally {
            EventScope.exit(previous);
        }
    }

    private boolean deadLetter(
            ConsumerRecord<byte[], byte[]> r,
            DeadLetter.Reason reason,
            Throwable failure,
            int attempts,
            Instant firstFailure,
            Instant lastFailure) {
        RecordHeaders headers = failureHeaders(r, failure, attempts, firstFailure, lastFailure);
        headers.remove(Wire.DUE);
        Wire.put(headers, Wire.REASON, reason.name());
        Wire.put(headers, Wire.STACK_TRACE, DeadLetterRecords.stackTrace(failure));
        boolean sent = send(new ProducerRecord<>(options.deadLetterDestination(), null, r.key(), r.value(), headers));
        if (sent) {
            // The CloudEvents id and type headers, raw: an undecodable record has no event to ask.
            meters.meters.deadLettered(
                    reason,
                    String.valueOf(Wire.header(r.headers(), "ce_id")),
                    String.valueOf(Wire.header(r.headers(), "ce_type")),
                    attempts,
                    failure);
        }
        return sent;
    }

    private RecordHeaders failureHeaders(
            ConsumerRecord<byte[], byte[]> r, Throwable failure, int attempts, Instant first, Instant last) {
        RecordHeaders headers = Wire.original(r.headers());
        boolean fromEventTopic = r.topic().equals(options.topic());
        Wire.put(headers, Wire.GROUP, options.group());
        Wire.put(headers, Wire.ORIGINAL_TOPIC, options.topic());
        Wire.put(
                headers,
                Wire.ORIGINAL_PARTITION,
                fromEventTopic
                        ? String.valueOf(r.partition())
                        : orElse(Wire.header(r.headers(), Wire.ORIGINAL_PARTITION), String.valueOf(r.partition())));
        Wire.put(
                headers,
                Wire.ORIGINAL_OFFSET,
                fromEventTopic
                        ? String.valueOf(r.offset())
                        : orElse(Wire.header(r.headers(), Wire.ORIGINAL_OFFSET), String.valueOf(r.offset())));
        Wire.put(headers, Wire.ATTEMPTS, String.valueOf(attempts));
        Wire.put(headers, Wire.FIRST_FAILURE, first.toString());
        Wire.put(headers, Wire.LAST_FAILURE, last.toString());
        Wire.put(headers, Wire.EXCEPTION, failure.getClass().getName());
        Wire.put(headers, Wire.MESSAGE, truncate(DeadLetterRecords.message(failure), 4096));
        return headers;
    }

    /** Sends a retry or dead-letter record, retrying until the broker accepts it or the member stops. */
    private boolean send(ProducerRecord<byte[], byte[]> record) {
        while (true) {
            try {
                bus.producer.send(record).get();
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | RuntimeException e) {
                if (!running) {
                    return false;
                }
                LOG.warn("writing to {} failed, retrying: {}", record.topic(), e.toString());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    private static String orElse(@Nullable String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    static long parseLong(@Nullable String s, long fallback) {
        if (s == null) {
            return fallback;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * Offsets of one assigned partition; guarded by its own monitor. Records are tracked in fetch order, which is
     * offset order, in a ring indexed by a running sequence number: tracking and finishing are O(1) without boxing,
     * and the commit offset is the oldest unfinished record's.
     */
    private static final class PartitionState {
        final TopicPartition tp;
        final AtomicLong lag;
        private long[] offsets = new long[1024];
        private boolean[] finished = new boolean[1024];
        /** Sequence numbers: [head, tail) are tracked, head is the oldest unfinished one when head < tail. */
        private long head;

        private long tail;
        long next = -1;
        long committed = -1;
        int running;
        /** Written under this state's lock; read without it by handler threads between records. */
        volatile boolean revoked;

        PartitionState(TopicPartition tp, AtomicLong lag) {
            this.tp = tp;
            this.lag = lag;
        }

        /** Tracks a fetched record (offsets increase from call to call) and returns its sequence number. */
        long track(long offset) {
            if (tail - head == offsets.length) {
                grow();
            }
            int slot = (int) (tail & (offsets.length - 1));
            offsets[slot] = offset;
            finished[slot] = false;
            next = offset + 1;
            return tail++;
        }

        /** Marks a tracked record finished and drops the finished prefix. */
        void finish(long sequence) {
            int mask = offsets.length - 1;
            finished[(int) (sequence & mask)] = true;
            while (head < tail && finished[(int) (head & mask)]) {
                head++;
            }
        }

        private void grow() {
            int capacity = offsets.length;
            long[] newOffsets = new long[capacity * 2];
            boolean[] newFinished = new boolean[capacity * 2];
            for (long seq = head; seq < tail; seq++) {
                newOffsets[(int) (seq & (capacity * 2 - 1))] = offsets[(int) (seq & (capacity - 1))];
                newFinished[(int) (seq & (capacity * 2 - 1))] = finished[(int) (seq & (capacity - 1))];
            }
            offsets = newOffsets;
            finished = newFinished;
        }

        /** Records tracked from the oldest unfinished one on, finished or not. */
        long span() {
            return tail - head;
        }

        /** The offset below which every fetched record is finished, or -1 when nothing was fetched. */
        long commitOffset() {
            if (next < 0) {
                return -1;
            }
            return head < tail ? offsets[(int) (head & (offsets.length - 1))] : next;
        }
    }

    /**
     * Records of one partition fetched together and routed to one handler thread, in offset order, with their sequence
     * numbers in the partition's state. The handler thread owns {@code sequences} once it is queued.
     */
    private record Batch(PartitionState state, List<ConsumerRecord<byte[], byte[]>> records, long[] sequences) {}

    /** One handler thread and its queue of record batches (each in offset order of one partition). */
    private final class Worker implements Runnable {
        /**
         * Recording into the percentile timer costs more than the rest of a delivery, so under load only every
         * 64th delivery is recorded; sparse deliveries (none recorded for a millisecond) all are.
         */
        private static final int SAMPLE_EVERY = 64;

        private static final long SPARSE_NANOS = 1_000_000;

        final java.util.concurrent.LinkedBlockingQueue<Batch> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        final Thread thread;
        private volatile boolean stopping;
        private long delivered;
        private long lastSample;

        Worker(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        boolean sampleLatency(long now) {
            if ((++delivered % SAMPLE_EVERY) == 0 || now - lastSample > SPARSE_NANOS) {
                lastSample = now;
                return true;
            }
            return false;
        }

        void stop() {
            stopping = true;
            thread.interrupt();
        }

        @Override
        public void run() {
            List<Batch> batches = new ArrayList<>();
            while (!stopping) {
                try {
                    batches.add(queue.take());
                } catch (InterruptedException e) {
                    if (stopping) {
                        break;
                    }
                    continue;
                }
                queue.drainTo(batches, 64);
                for (Batch batch : batches) {
                    runBatch(batch, this);
                }
                batches.clear();
            }
            // Whatever is still queued was never started: it stays unfinished and uncommitted.
            int queued = 0;
            for (Batch batch : queue) {
                queued += batch.sequences.length;
            }
            pending.addAndGet(-queued);
            queue.clear();
        }
    }

    @Override
    public String toString() {
        return "KafkaSubscription{topic=" + options.topic() + ", group=" + options.group() + ", active=" + isActive()
                + '}';
    }
}
