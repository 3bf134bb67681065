package dev.scaleplane.events.kafka.tasks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.QueueFullException;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskDeadLetters;
import dev.scaleplane.api.orchestration.TaskFailedException;
import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskPriority;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueCapability;
import dev.scaleplane.api.orchestration.TaskQueueClosedException;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.orchestration.TaskQueueMetrics;
import dev.scaleplane.core.orchestration.support.AttemptVerdict;
import dev.scaleplane.core.orchestration.support.TaskLifecycle;
import dev.scaleplane.events.kafka.tasks.KafkaTaskQueueConfig;
import dev.scaleplane.events.kafka.tasks.KafkaTaskQueueProvider;
import dev.scaleplane.events.kafka.tasks.internal.TaskRecords.Snapshot;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TaskQueue} on Kafka. See {@link KafkaTaskQueueProvider} for the capabilities and the module README
 * for what is exact and what is approximate.
 *
 * <h2>Model</h2>
 *
 * <ul>
 *   <li>{@code <prefix>.tasks}: every task version is a record keyed by the task's key (or its id when it has none),
 *       so all tasks of one key share a partition. Every queue instance is a member of the consumer group
 *       {@code <prefix>.workers}; the member that owns a partition is the only one that leases its tasks. It replays
 *       the partition from the committed offset into memory and picks tasks there: priorities with the aging rule,
 *       not-before and retry times on the {@link TaskClock}, the per-key limit, all exact among the tasks it owns. A
 *       retry or lapse appends a new version of the task (attempts and failure history included); an end (success,
 *       failure, dead letter, cancel) appends a {@code done} record. Offsets are committed only below the oldest
 *       task version still unfinished.
 *   <li>{@code <prefix>.state} (compacted, key = task id): the latest state, version and result of every task; every
 *       instance reads it whole, so handles, {@link #state(String)} and {@link #size()} in any process learn what the
 *       owner decided.
 *   <li>{@code <prefix>.dead} (compacted, key = task id): dead letters with their failure history; every instance
 *       reads it whole to list, find, redrive and discard them.
 * </ul>
 *
 * <p>Leases live in the owning process and are timed on its {@link TaskClock}. When its partition is revoked (a
 * rebalance) every lease on it is lost ({@link LeaseLostException}, reason {@code EXPIRED}) before the next owner
 * replays the partition, so a task is leased by one member at a time; the attempt that was running is not counted.
 *
 * <p>Thread-safety: every method may be called from any thread. State changes run under one monitor per instance.
 * A submit sends its records under it and waits for the broker's acknowledgement ({@code acks=all}) outside it, with
 * its idempotency key and its place under the capacity reserved meanwhile, so concurrent submits share round trips;
 * other writes wait for their acknowledgement under the monitor. Result futures are completed outside the monitor.
 */
public final class KafkaTaskQueue implements TaskQueue {
    private static final Logger log = LoggerFactory.getLogger(KafkaTaskQueue.class);
    private static final Duration POLL = Duration.ofMillis(50);
    /** The provider's declaration, the one place it is written. */
    private static final Set<TaskQueueCapability> CAPABILITIES = new KafkaTaskQueueProvider().capabilities();

    private final KafkaTaskQueueConfig config;
    private final TaskQueueOptions options;
    private final TaskClock clock;
    private final DoubleSupplier random;
    private final TaskQueueMetrics metrics;
    private final String tasksTopic;
    private final String stateTopic;
    private final String deadTopic;
    private final int partitionCount;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> workConsumer;
    private final KafkaConsumer<String, byte[]> viewConsumer;
    private final Thread workThread;
    private final Thread viewThread;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final CountDownLatch viewCaughtUp = new CountDownLatch(1);
    private volatile @Nullable Throwable startFailure;

    private final Object lock = new Object();
    private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();

    // ---- owner side: tasks of the partitions this member owns (guarded by lock) ----
    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<TaskPriority, TreeSet<Entry>> bands = new EnumMap<>(TaskPriority.class);
    private final Map<String, Integer> leasedPerKey = new HashMap<>();
    private final Set<Integer> owned = new HashSet<>();
    private final Map<Integer, Long> hydrating = new HashMap<>();
    private final Map<Integer, Set<Long>> ownOffsets = new HashMap<>();
    private final Map<String, Long> finishedVersions = new HashMap<>();
    private final Map<String, Instant> finishedAt = new HashMap<>();
    private int leasedCount;
    private long sequence;

    // ---- views of every process's tasks (guarded by lock) ----
    private final Map<String, StateView> states = new HashMap<>();
    private final Map<String, CompletableFuture<@Nullable Object>> futures = new HashMap<>();
    private final Map<String, String> idempotencyKeys = new HashMap<>();
    private final LinkedHashMap<String, DeadView> dead = new LinkedHashMap<>();
    private final Map<String, Long> deadVersions = new HashMap<>();
    private int unfinished;
    /** Ids of submits written but not yet acknowledged; guarded by {@code lock}. */
    private final Set<String> submitting = new HashSet<>();

    private volatile boolean closed;
    private final KafkaDeadLetterView deadLetters = new KafkaDeadLetterView();

    /**
     * Creates the topics if missing, joins the workers' group, waits for the first assignment and for the state and
     * dead-letter views to catch up.
     *
     * @param config where and how
     * @param options bound, retry policies, aging, windows (rate limits are not applied: see the provider)
     * @param clock time of leases, delays, retries and deadlines
     * @param random jitter source of the retry policies, values in [0, 1)
     * @param registry where {@link TaskQueueMetrics} (tag {@code backend=kafka}) are published
     * @throws ScaleplaneException if the broker cannot be reached or the start times out
     */
    public KafkaTaskQueue(
            KafkaTaskQueueConfig config,
            TaskQueueOptions options,
            TaskClock clock,
            DoubleSupplier random,
            MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        for (TaskPriority p : TaskPriority.values()) {
            bands.put(p, new TreeSet<>(BY_READY));
        }
        tasksTopic = config.tasksTopic();
        stateTopic = config.stateTopic();
        deadTopic = config.deadTopic();
        partitionCount = provisionTopics();
        metrics = new TaskQueueMetrics(registry, "kafka", this::queuedCount, this::leasedCountNow);
        producer = new KafkaProducer<>(
                config.producerProperties("producer"), new StringSerializer(), new ByteArraySerializer());
        workConsumer = new KafkaConsumer<>(
                config.consumerProperties("worker", true), new StringDeserializer(), new ByteArrayDeserializer());
        viewConsumer = new KafkaConsumer<>(
                config.consumerProperties("view", false), new StringDeserializer(), new ByteArrayDeserializer());
        workThread = new Thread(this::workLoop, "scaleplane-kafka-tasks-work-" + config.topicPrefix());
        viewThread = new Thread(this::viewLoop, "scaleplane-kafka-tasks-view-" + config.topicPrefix());
        workThread.setDaemon(true);
        viewThread.setDaemon(true);
        viewThread.start();
        workThread.start();
        try {
            awaitStart(viewCaughtUp, "reading the state and dead-letter topics");
            awaitStart(assigned, "joining consumer group " + config.group());
            long deadline = System.nanoTime() + config.startTimeout().toNanos();
            while (true) {
                synchronized (lock) {
                    if (hydrating.isEmpty()) {
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new ScaleplaneException("Kafka task queue " + config.topicPrefix()
                            + " did not replay its partitions within " + config.startTimeout());
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new ScaleplaneException("interrupted while starting the Kafka task queue", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void awaitStart(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS) || startFailure != null) {
            Throwable cause = startFailure;
            throw new ScaleplaneException(
                    "Kafka task queue " + config.topicPrefix() + " could not start (" + what + ") within "
                            + config.startTimeout() + (cause == null ? "" : ": " + cause),
                    cause);
        }
    }

    private int provisionTopics() {
        Admin admin = Admin.create(config.adminProperties());
        try {
            Optional<Short> rf = config.replicationFactor();
            Map<String, String> compact = new HashMap<>();
            compact.put("cleanup.policy", "compact");
            Map<String, String> plain = new HashMap<>();
            config.minInsyncReplicas().ifPresent(m -> {
                compact.put("min.insync.replicas", String.valueOf(m));
                plain.put("min.insync.replicas", String.valueOf(m));
            });
            List<NewTopic> topics = List.of(
                    new NewTopic(tasksTopic, Optional.of(config.partitions()), rf).configs(plain),
                    new NewTopic(stateTopic, Optional.of(config.partitions()), rf).configs(compact),
                    // One partition: the dead-letter list is read oldest first in topic order.
                    new NewTopic(deadTopic, Optional.of(1), rf).configs(compact));
            long timeout = config.startTimeout().toMillis();
            for (var e : admin.createTopics(topics).values().entrySet()) {
                try {
                    e.getValue().get(timeout, TimeUnit.MILLISECONDS);
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new ScaleplaneException(
                                "cannot create Kafka topic " + e.getKey() + ": " + ex.getCause(), ex.getCause());
                    }
                }
            }
            // A topic just created may not be in the metadata of the broker asked yet: ask again until it is.
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
            while (true) {
                try {
                    TopicDescription d = admin.describeTopics(List.of(tasksTopic))
                            .allTopicNames()
                            .get(timeout, TimeUnit.MILLISECONDS)
                            .get(tasksTopic);
                    return d.partitions().size();
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > until) {
                        throw ex;
                    }
                    Thread.sleep(20);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScaleplaneException("interrupted while creating the Kafka task topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ScaleplaneException(
                    "cannot reach Kafka at " + config.adminProperties().get("bootstrap.servers") + " to set up "
                            + config.topicPrefix() + ": " + e,
                    e);
        } finally {
            // A bounded close: the default waits for pending calls up to the API timeout (a minute) when the
            // brokers are unreachable.
            admin.close(Duration.ofSeconds(2));
        }
    }

    // =====================================================================================================
    // TaskQueue

    @Override
    public Set<TaskQueueCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public TaskHandle submit(TaskRequest request) {
        Objects.requireNonNull(request, "request");
        String id;
        String idem = request.idempotencyKey();
        StateView sv;
        Snapshot s;
        Future<RecordMetadata> state;
        Future<RecordMetadata> task;
        // Checked, reserved and sent under the monitor (so records of one partition keep their order), awaited
        // outside it: submits from several threads share the broker's round trips instead of queueing behind them.
        synchronized (lock) {
            requireOpen("submit");
            Instant now = clock.now();
            if (idem != null) {
                String first = idempotencyKeys.get(idem);
                if (first != null) {
                    StateView known = states.get(first);
                    if (known == null
                            ? submitting.contains(first) // still being written by another submit
                            : known.submittedAt
                                    .plus(options.idempotencyWindow())
                                    .isAfter(now)) {
                        return new Handle(first);
                    }
                }
            }
            // Submits in flight count against the capacity until their state is applied, by the submit itself or
            // by this instance reading its own state record first (then it is in unfinished already).
            int inFlight = 0;
            for (String pending : submitting) {
                if (!states.containsKey(pending)) {
                    inFlight++;
                }
            }
            if (unfinished + inFlight >= options.capacity()) {
                throw new QueueFullException(request.type(), options.capacity());
            }
            id = UUID.randomUUID().toString();
            int maxAttempts = TaskLifecycle.maxAttempts(request, options);
            Instant readyAt = TaskLifecycle.readyAt(request, now);
            s = new Snapshot(id, request, maxAttempts, 0, now, readyAt, List.of(), 1);
            String routingKey = routingKey(s);
            int partition = partitionOf(routingKey);
            sv = new StateView(id, TaskState.QUEUED, 1, request.type(), 0, partition, routingKey, idem, now, null, "");
            // Encoded before anything is written: a payload that is not JSON fails submit and leaves no trace.
            ObjectNode record = TaskRecords.task(s);
            TaskRecords.bytes(record);
            state = sendState(sv);
            task = sendTask(partition, routingKey, record);
            submitting.add(id);
            futures.putIfAbsent(id, new CompletableFuture<>());
            if (idem != null) {
                idempotencyKeys.put(idem, id);
            }
        }
        RecordMetadata meta;
        try {
            meta = await(task, "submit");
            await(state, "submit");
        } catch (RuntimeException e) {
            synchronized (lock) {
                submitting.remove(id);
                if (!states.containsKey(id)) {
                    futures.remove(id);
                    if (idem != null) {
                        idempotencyKeys.remove(idem, id);
                    }
                }
            }
            throw e;
        }
        synchronized (lock) {
            submitting.remove(id);
            applyState(sv);
            adoptOwnWrite(meta, s);
            metrics.submitted();
        }
        drainCompletions();
        return new Handle(id);
    }

    @Override
    public List<Lease> lease(String workerId, int maxTasks, Duration visibilityTimeout, Set<String> types) {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(types, "types");
        if (maxTasks < 1) {
            throw new IllegalArgumentException("maxTasks must be >= 1, but was " + maxTasks);
        }
        TaskLifecycle.requirePositive(visibilityTimeout, "visibilityTimeout");
        List<Lease> out = new ArrayList<>();
        synchronized (lock) {
            requireOpen("lease");
            Instant now = clock.now();
            while (out.size() < maxTasks) {
                Entry e = pick(now, types);
                if (e == null) {
                    break;
                }
                bands.get(e.snapshot.request().priority()).remove(e);
                String key = e.snapshot.request().key();
                if (key != null) {
                    leasedPerKey.merge(key, 1, Integer::sum);
                }
                leasedCount++;
                Snapshot s = e.snapshot;
                Task task = new Task(s.id(), s.request(), s.attempts() + 1, s.maxAttempts(), s.submittedAt());
                LeaseImpl lease = new LeaseImpl(e, task, workerId, now.plus(visibilityTimeout));
                e.lease = lease;
                lease.schedule(visibilityTimeout);
                e.version++;
                StateView sv = stateOf(e, TaskState.LEASED, s.attempts() + 1, null, "");
                sendState(sv); // a view only: not awaited, the tasks topic holds the truth
                applyState(sv);
                metrics.waited(Duration.between(s.readyAt(), now));
                out.add(lease);
            }
        }
        drainCompletions();
        return out;
    }

    private @Nullable Entry pick(Instant now, Set<String> types) {
        Entry best = null;
        long bestRank = Long.MAX_VALUE;
        long agingNanos = options.agingInterval().toNanos();
        for (TaskPriority p : TaskPriority.values()) {
            for (Entry e : bands.get(p)) {
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

    private boolean eligible(Entry e, Set<String> types) {
        if (!owned.contains(e.partition) || hydrating.containsKey(e.partition)) {
            return false;
        }
        TaskRequest r = e.snapshot.request();
        if (!types.isEmpty() && !types.contains(r.type())) {
            return false;
        }
        String key = r.key();
        return key == null || leasedPerKey.getOrDefault(key, 0) < options.keyConcurrencyFor(r.type());
    }

    @Override
    public Optional<TaskState> state(String taskId) {
        synchronized (lock) {
            StateView sv = states.get(taskId);
            return sv == null ? Optional.empty() : Optional.of(sv.state);
        }
    }

    @Override
    public Optional<TaskHandle> handle(String taskId) {
        synchronized (lock) {
            return states.containsKey(taskId) ? Optional.of(new Handle(taskId)) : Optional.empty();
        }
    }

    @Override
    public boolean cancel(String taskId) {
        boolean cancelled;
        synchronized (lock) {
            requireOpen("cancel");
            Entry e = entries.get(taskId);
            if (e != null) {
                if (e.lease != null) {
                    e.lease.end(LeaseLostException.Reason.CANCELLED);
                }
                try {
                    finish(e, TaskState.CANCELLED, null, "cancelled");
                } catch (RuntimeException ex) {
                    restoreAfterFailedWrite(e);
                    throw ex;
                }
                metrics.cancelled();
                cancelled = true;
            } else {
                StateView sv = states.get(taskId);
                if (sv == null || sv.state.isTerminal()) {
                    cancelled = false;
                } else {
                    // Another member owns the task: ask it through the task's own partition.
                    ObjectNode n = TaskRecords.MAPPER.createObjectNode();
                    n.put("kind", TaskRecords.CANCEL);
                    n.put("id", taskId);
                    await(sendTask(sv.partition, sv.routingKey, n), "cancel");
                    cancelled = true;
                }
            }
        }
        drainCompletions();
        return cancelled;
    }

    @Override
    public TaskDeadLetters deadLetters() {
        return deadLetters;
    }

    @Override
    public int size() {
        synchronized (lock) {
            return unfinished;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (Entry e : new ArrayList<>(entries.values())) {
                if (e.lease != null) {
                    e.lease.end(LeaseLostException.Reason.CLOSED);
                }
                if (e.deadlineTimer != null) {
                    e.deadlineTimer.cancel();
                }
            }
        }
        // No wakeup: the loops see the flag within one poll and the work loop commits its last offsets.
        join(workThread);
        join(viewThread);
        producer.close(Duration.ofSeconds(5));
        metrics.close();
        drainCompletions();
    }

    private static void join(Thread t) {
        if (t.isAlive() && t != Thread.currentThread()) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void requireOpen(String what) {
        if (closed) {
            throw new TaskQueueClosedException(
                    "the Kafka task queue " + config.topicPrefix() + " is closed (" + what + ")");
        }
    }

    // =====================================================================================================
    // outcomes (all under lock)

    /** Ends a task this member owns: done record, terminal state, future. */
    private void finish(Entry e, TaskState state, @Nullable Object result, String why) {
        e.version++;
        ObjectNode done = TaskRecords.MAPPER.createObjectNode();
        done.put("kind", TaskRecords.DONE);
        done.put("id", e.snapshot.id());
        done.put("version", e.version);
        done.put("state", state.name());
        StateView sv = stateOf(e, state, e.snapshot.attempts(), result, why);
        Future<RecordMetadata> st = sendState(sv);
        RecordMetadata meta = await(sendTask(e.partition, e.routingKey, done), "finish");
        ownOffsets.computeIfAbsent(meta.partition(), p -> new HashSet<>()).add(meta.offset());
        await(st, "finish");
        // Only now that the end is written: a failed write leaves the task to be run again (at-least-once).
        removeEntry(e);
        finishedVersions.put(e.snapshot.id(), e.version);
        finishedAt.put(e.snapshot.id(), clock.now());
        applyState(sv);
    }

    /**
     * After a write the broker did not acknowledge: an owned task that is neither leased nor queued any more (its
     * lease was released before the write) is queued again with what is known, so it is not stranded in memory.
     */
    private void restoreAfterFailedWrite(Entry e) {
        if (entries.get(e.snapshot.id()) == e && e.lease == null) {
            TreeSet<Entry> band = bands.get(e.snapshot.request().priority());
            if (!band.contains(e)) {
                e.seq = ++sequence;
                band.add(e);
            }
        }
    }

    private void removeEntry(Entry e) {
        entries.remove(e.snapshot.id());
        bands.get(e.snapshot.request().priority()).remove(e);
        if (e.deadlineTimer != null) {
            e.deadlineTimer.cancel();
            e.deadlineTimer = null;
        }
    }

    private void releaseLease(Entry e) {
        LeaseImpl l = e.lease;
        if (l == null) {
            return;
        }
        e.lease = null;
        l.ended = true;
        l.cancelTimer();
        leasedCount--;
        String key = e.snapshot.request().key();
        if (key != null) {
            leasedPerKey.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /**
     * Records a failed (or, with {@code cause} null, lapsed) attempt and carries out the lifecycle's verdict.
     */
    private Lease.FailureOutcome afterFailedAttempt(Entry e, TaskFailure failure, @Nullable Throwable cause) {
        Snapshot s = e.snapshot;
        List<TaskFailure> failures = new ArrayList<>(s.failures());
        failures.add(failure);
        int attempts = failure.attempt();
        Snapshot failed = new Snapshot(
                s.id(), s.request(), s.maxAttempts(), attempts, s.submittedAt(), s.readyAt(), failures, e.version);
        e.snapshot = failed;
        AttemptVerdict verdict = TaskLifecycle.afterFailedAttempt(
                options.retryPolicyFor(s.request().type()),
                attempts,
                s.maxAttempts(),
                cause,
                s.request().deadline(),
                failure.at(),
                random.getAsDouble());
        if (verdict instanceof AttemptVerdict.DeadLetter d) {
            deadLetter(e, d.reason(), d.why());
            return verdict.outcome();
        }
        if (verdict instanceof AttemptVerdict.Fail f) {
            finish(e, TaskState.FAILED, null, f.why());
            metrics.failed();
            return verdict.outcome();
        }
        Instant retryAt = ((AttemptVerdict.Retry) verdict).at();
        e.version++;
        Snapshot retry = new Snapshot(
                s.id(), s.request(), s.maxAttempts(), attempts, s.submittedAt(), retryAt, failures, e.version);
        RecordMetadata meta = await(sendTask(e.partition, e.routingKey, TaskRecords.task(retry)), "retry");
        ownOffsets.computeIfAbsent(meta.partition(), p -> new HashSet<>()).add(meta.offset());
        e.snapshot = retry;
        e.offset = meta.offset();
        e.seq = ++sequence;
        bands.get(s.request().priority()).add(e);
        StateView sv = stateOf(e, TaskState.QUEUED, attempts, null, "");
        sendState(sv);
        applyState(sv);
        metrics.retried();
        return verdict.outcome();
    }

    private void deadLetter(Entry e, TaskDeadLetter.Reason reason, String why) {
        Snapshot s = e.snapshot;
        e.version++;
        Instant now = clock.now();
        Task task = new Task(s.id(), s.request(), Math.max(1, s.attempts()), s.maxAttempts(), s.submittedAt());
        TaskDeadLetter letter = new TaskDeadLetter(task, reason, s.failures(), now);
        DeadView dv = new DeadView(letter, e.version, e.routingKey, snapshotWithVersion(s, e.version));
        ObjectNode rec = TaskRecords.task(dv.snapshot);
        rec.put("deadReason", reason.name());
        rec.put("deadAt", now.toString());
        Future<RecordMetadata> d = producer.send(new ProducerRecord<>(deadTopic, s.id(), TaskRecords.bytes(rec)));
        await(d, "dead letter");
        applyDead(s.id(), e.version, dv);
        finish(e, TaskState.DEAD_LETTERED, null, why);
        // finish bumped the version again: the dead letter keeps the version of the state record that preceded it.
        metrics.deadLettered(reason);
        trimDeadLetters();
    }

    private static Snapshot snapshotWithVersion(Snapshot s, long version) {
        return new Snapshot(
                s.id(),
                s.request(),
                s.maxAttempts(),
                s.attempts(),
                s.submittedAt(),
                s.readyAt(),
                s.failures(),
                version);
    }

    private void trimDeadLetters() {
        while (dead.size() > options.deadLetterCapacity()) {
            String oldest = dead.keySet().iterator().next();
            removeDead(oldest);
        }
    }

    private void removeDead(String id) {
        DeadView dv = dead.get(id);
        if (dv == null) {
            return;
        }
        long version = dv.version + 2; // above the DEAD_LETTERED state version (dead version + 1)
        ObjectNode n = TaskRecords.MAPPER.createObjectNode();
        n.put("id", id);
        n.put("removed", true);
        n.put("version", version);
        await(producer.send(new ProducerRecord<>(deadTopic, id, TaskRecords.bytes(n))), "dead-letter removal");
        applyDead(id, version, null);
    }

    private void onLeaseExpired(LeaseImpl lease) {
        synchronized (lock) {
            Entry e = lease.entry;
            if (closed || lease.ended || e.lease != lease) {
                return;
            }
            Instant now = clock.now();
            releaseLease(e);
            lease.reason = LeaseLostException.Reason.EXPIRED;
            metrics.leaseExpired();
            TaskFailure f = TaskLifecycle.leaseLapsed(lease.task.attempt(), lease.workerId, lease.expiresAt, now);
            try {
                afterFailedAttempt(e, f, null);
            } catch (RuntimeException ex) {
                // A clock action must not throw: keep the task queued here; its record in Kafka is still valid.
                log.error(
                        "Kafka task queue {}: recording the lapse of task {} failed: {}",
                        config.topicPrefix(),
                        e.snapshot.id(),
                        ex.toString());
                restoreAfterFailedWrite(e);
            }
        }
        drainCompletions();
    }

    private void onDeadline(Entry e) {
        synchronized (lock) {
            if (closed || entries.get(e.snapshot.id()) != e) {
                return;
            }
            e.deadlineTimer = null;
            if (e.lease == null) {
                try {
                    finish(
                            e,
                            TaskState.FAILED,
                            null,
                            TaskLifecycle.deadlinePassed(e.snapshot.request().deadline()));
                    metrics.failed();
                } catch (RuntimeException ex) {
                    // A clock action must not throw; the next owner (or the next lease here) finds the deadline past.
                    log.error(
                            "Kafka task queue {}: ending task {} at its deadline failed: {}",
                            config.topicPrefix(),
                            e.snapshot.id(),
                            ex.toString());
                }
            }
            // An attempt under lease at the deadline may still complete; its failure or lapse ends it FAILED.
        }
        drainCompletions();
    }

    // =====================================================================================================
    // owner side: applying records of owned partitions (under lock)

    /** Takes a task this instance just wrote into its owned partitions at once, so a lease right after sees it. */
    private void adoptOwnWrite(RecordMetadata meta, Snapshot s) {
        if (!owned.contains(meta.partition())) {
            return; // another member owns it and will read it from the topic
        }
        Entry known = entries.get(s.id());
        if ((known != null && known.version >= s.version())
                || finishedVersions.getOrDefault(s.id(), -1L) >= s.version()) {
            return; // the poll thread read this very record before the acknowledgement came back
        }
        ownOffsets.computeIfAbsent(meta.partition(), p -> new HashSet<>()).add(meta.offset());
        applyTaskSnapshot(meta.partition(), meta.offset(), s);
    }

    private void applyTaskRecord(ConsumerRecord<String, byte[]> rec) {
        int partition = rec.partition();
        if (!owned.contains(partition)) {
            return;
        }
        Set<Long> own = ownOffsets.get(partition);
        if (own != null && own.remove(rec.offset())) {
            return; // written and applied by this instance
        }
        JsonNode n;
        try {
            n = TaskRecords.parse(rec.value());
        } catch (IOException ex) {
            undecodable(rec, ex);
            return;
        }
        String kind = n.path("kind").asText("");
        String id = n.path("id").asText("");
        switch (kind) {
            case TaskRecords.TASK -> {
                try {
                    applyTaskSnapshot(partition, rec.offset(), TaskRecords.snapshot(n));
                } catch (IOException ex) {
                    undecodable(rec, ex);
                }
            }
            case TaskRecords.DONE -> {
                Entry e = entries.get(id);
                long version = n.path("version").asLong();
                if (e != null && e.lease == null && e.version < version) {
                    removeEntry(e);
                }
                finishedVersions.merge(id, version, Math::max);
                finishedAt.put(id, clock.now());
            }
            case TaskRecords.CANCEL -> {
                Entry e = entries.get(id);
                if (e != null) {
                    if (e.lease != null) {
                        e.lease.end(LeaseLostException.Reason.CANCELLED);
                    }
                    finish(e, TaskState.CANCELLED, null, "cancelled by another process");
                    metrics.cancelled();
                }
            }
            default -> undecodable(rec, new IOException("unknown record kind '" + kind + "'"));
        }
    }

    private void applyTaskSnapshot(int partition, long offset, Snapshot s) {
        if (finishedVersions.getOrDefault(s.id(), -1L) >= s.version()) {
            return;
        }
        Entry e = entries.get(s.id());
        if (e != null) {
            if (e.version >= s.version() || e.lease != null) {
                return;
            }
            bands.get(e.snapshot.request().priority()).remove(e);
        } else {
            e = new Entry(partition, routingKey(s));
            entries.put(s.id(), e);
        }
        finishedAt.remove(s.id());
        e.snapshot = s;
        e.version = s.version();
        e.offset = offset;
        e.seq = ++sequence;
        bands.get(s.request().priority()).add(e);
        Instant deadline = s.request().deadline();
        if (deadline != null && e.deadlineTimer == null) {
            Entry target = e;
            e.deadlineTimer = clock.schedule(
                    Duration.between(clock.now(), deadline).isNegative()
                            ? Duration.ZERO
                            : Duration.between(clock.now(), deadline),
                    () -> onDeadline(target));
        }
    }

    /** A record that cannot be read is dead-lettered as it was, with the reason, instead of blocking its partition. */
    private void undecodable(ConsumerRecord<String, byte[]> rec, Exception why) {
        String id = "undecodable-" + rec.topic() + "-" + rec.partition() + "-" + rec.offset();
        log.error(
                "Kafka task queue {}: record {} cannot be read, dead-lettering it: {}",
                config.topicPrefix(),
                id,
                why.toString());
        Instant now = clock.now();
        TaskRequest request = TaskRequest.of("undecodable", TaskRecords.text(rec.value()));
        Snapshot s = new Snapshot(
                id,
                request,
                1,
                1,
                now,
                now,
                List.of(new TaskFailure(
                        1, "kafka-task-queue", why.getClass().getName(), String.valueOf(why.getMessage()), now)),
                1);
        Entry e = new Entry(rec.partition(), rec.key() == null ? id : rec.key());
        e.snapshot = s;
        e.version = 1;
        e.offset = rec.offset();
        deadLetter(e, TaskDeadLetter.Reason.NON_RETRYABLE, String.valueOf(why.getMessage()));
    }

    // =====================================================================================================
    // views (under lock)

    private void applyState(StateView sv) {
        StateView old = states.get(sv.id);
        if (old != null && old.version >= sv.version) {
            return;
        }
        states.put(sv.id, sv);
        boolean wasOpen = old != null && !old.state.isTerminal();
        boolean isOpen = !sv.state.isTerminal();
        unfinished += (isOpen ? 1 : 0) - (wasOpen ? 1 : 0);
        if (sv.idempotencyKey != null && !idempotencyKeys.containsKey(sv.idempotencyKey)) {
            idempotencyKeys.put(sv.idempotencyKey, sv.id);
        }
        if (old != null && old.state.isTerminal() && isOpen) {
            futures.remove(sv.id); // redriven: a new handle gets a new future
        }
        if (!isOpen) {
            CompletableFuture<@Nullable Object> f = futures.get(sv.id);
            if (f != null && !f.isDone()) {
                completions.add(() -> complete(f, sv));
            }
        }
    }

    private static void complete(CompletableFuture<@Nullable Object> f, StateView sv) {
        switch (sv.state) {
            case SUCCEEDED -> f.complete(sv.result);
            case CANCELLED -> f.cancel(false);
            default -> f.completeExceptionally(
                    new TaskFailedException(sv.id, sv.type, sv.state, sv.attempts, sv.message, null));
        }
    }

    private void applyDead(String id, long version, @Nullable DeadView dv) {
        if (deadVersions.getOrDefault(id, -1L) >= version) {
            return;
        }
        deadVersions.put(id, version);
        dead.remove(id);
        if (dv != null) {
            dead.put(id, dv);
        }
    }

    private StateView stateOf(Entry e, TaskState state, int attempts, @Nullable Object result, String message) {
        Snapshot s = e.snapshot;
        return new StateView(
                s.id(),
                state,
                e.version,
                s.request().type(),
                attempts,
                e.partition,
                e.routingKey,
                s.request().idempotencyKey(),
                s.submittedAt(),
                result,
                message);
    }

    private void pruneViews() {
        Instant horizon = clock.now().minus(options.retention());
        states.values().removeIf(sv -> {
            boolean old = sv.state.isTerminal() && sv.updatedAt.isBefore(horizon);
            if (old) {
                futures.remove(sv.id);
            }
            return old;
        });
        finishedAt.entrySet().removeIf(en -> {
            boolean old = en.getValue().isBefore(horizon);
            if (old) {
                finishedVersions.remove(en.getKey());
                // The member that saw the end deletes the state record once retention passed, so the compacted
                // state topic (read whole by every process at start) holds unfinished and recent tasks only.
                StateView sv = states.get(en.getKey());
                if (sv == null || sv.state.isTerminal()) { // not redriven meanwhile
                    producer.send(new ProducerRecord<>(stateTopic, en.getKey(), null));
                }
            }
            return old;
        });
        Instant idemHorizon = clock.now().minus(options.idempotencyWindow());
        idempotencyKeys.values().removeIf(id -> {
            StateView sv = states.get(id);
            return sv == null ? !submitting.contains(id) : sv.submittedAt.isBefore(idemHorizon);
        });
    }

    // =====================================================================================================
    // writes

    private Future<RecordMetadata> sendTask(int partition, String key, ObjectNode value) {
        return producer.send(new ProducerRecord<>(tasksTopic, partition, key, TaskRecords.bytes(value)));
    }

    private Future<RecordMetadata> sendState(StateView sv) {
        ObjectNode n = TaskRecords.MAPPER.createObjectNode();
        n.put("id", sv.id);
        n.put("state", sv.state.name());
        n.put("version", sv.version);
        n.put("type", sv.type);
        n.put("attempts", sv.attempts);
        n.put("partition", sv.partition);
        n.put("routingKey", sv.routingKey);
        TaskRecords.putText(n, "idempotencyKey", sv.idempotencyKey);
        n.put("submittedAt", sv.submittedAt.toString());
        n.put("message", sv.message);
        TaskRecords.putValue(n, "result", sv.result);
        return producer.send(new ProducerRecord<>(stateTopic, sv.id, TaskRecords.bytes(n)));
    }

    private <T> T await(Future<T> f, String what) {
        try {
            return f.get(config.sendTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScaleplaneException("interrupted while waiting for Kafka (" + what + ")", e);
        } catch (ExecutionException e) {
            throw new ScaleplaneException("Kafka did not accept the " + what + " write: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ScaleplaneException(
                    "Kafka did not acknowledge the " + what + " write within " + config.sendTimeout(), e);
        }
    }

    private static String routingKey(Snapshot s) {
        String key = s.request().key();
        return key != null ? key : s.id();
    }

    /** The partition of a routing key: Kafka's default partitioner, computed here so the owner is known up front. */
    private int partitionOf(String routingKey) {
        return Utils.toPositive(Utils.murmur2(routingKey.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }

    private void drainCompletions() {
        Runnable r;
        while ((r = completions.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("a dependent stage of a task result failed: {}", e.toString());
            }
        }
    }

    private int queuedCount() {
        synchronized (lock) {
            return unfinished - leasedCount;
        }
    }

    private int leasedCountNow() {
        synchronized (lock) {
            return leasedCount;
        }
    }

    // =====================================================================================================
    // consumer threads

    private void workLoop() {
        try {
            workConsumer.subscribe(List.of(tasksTopic), new Rebalance());
            long nextCommit = 0;
            while (!closed) {
                ConsumerRecords<String, byte[]> records = workConsumer.poll(POLL);
                synchronized (lock) {
                    for (TopicPartition tp : records.partitions()) {
                        for (ConsumerRecord<String, byte[]> rec : records.records(tp)) {
                            try {
                                applyTaskRecord(rec);
                            } catch (RuntimeException ex) {
                                // Applying it needed a write the broker refused: read it again on the next poll.
                                log.warn(
                                        "Kafka task queue {}: record {}@{} will be read again: {}",
                                        config.topicPrefix(),
                                        tp,
                                        rec.offset(),
                                        ex.toString());
                                workConsumer.seek(tp, rec.offset());
                                break;
                            }
                        }
                    }
                    for (Iterator<Map.Entry<Integer, Long>> it =
                                    hydrating.entrySet().iterator();
                            it.hasNext(); ) {
                        Map.Entry<Integer, Long> h = it.next();
                        if (workConsumer.position(new TopicPartition(tasksTopic, h.getKey())) >= h.getValue()) {
                            it.remove();
                        }
                    }
                }
                drainCompletions();
                if (System.nanoTime() - nextCommit >= 0) {
                    Map<TopicPartition, OffsetAndMetadata> offsets = committable(owned());
                    if (!offsets.isEmpty()) {
                        workConsumer.commitAsync(offsets, (o, ex) -> {
                            if (ex != null) {
                                log.debug("commit failed, retried on the next round: {}", ex.toString());
                            }
                        });
                    }
                    nextCommit = System.nanoTime() + config.commitInterval().toNanos();
                    synchronized (lock) {
                        pruneViews();
                    }
                }
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = committable(owned());
            if (!offsets.isEmpty()) {
                workConsumer.commitSync(offsets, Duration.ofSeconds(5));
            }
        } catch (WakeupException e) {
            if (!closed) {
                startFailure = e;
            }
        } catch (RuntimeException e) {
            if (!closed) {
                startFailure = e;
                log.error(
                        "Kafka task queue {}: the worker consumer stopped: {}", config.topicPrefix(), e.toString(), e);
            }
        } finally {
            assigned.countDown();
            try {
                workConsumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                log.debug("closing the worker consumer: {}", e.toString());
            }
        }
    }

    private Set<Integer> owned() {
        synchronized (lock) {
            return new HashSet<>(owned);
        }
    }

    /** Per partition: the oldest unfinished task version, else the consumer's position. */
    private Map<TopicPartition, OffsetAndMetadata> committable(Collection<Integer> partitions) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (int p : partitions) {
            TopicPartition tp = new TopicPartition(tasksTopic, p);
            long position;
            try {
                position = workConsumer.position(tp);
            } catch (IllegalStateException e) {
                continue; // no longer assigned
            }
            long min = position;
            synchronized (lock) {
                if (hydrating.containsKey(p)) {
                    continue;
                }
                for (Entry e : entries.values()) {
                    if (e.partition == p) {
                        min = Math.min(min, e.offset);
                    }
                }
            }
            out.put(tp, new OffsetAndMetadata(min));
        }
        return out;
    }

    /** Partition ownership: a revoked partition's leases are lost before another member can replay it. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Set<Integer> ps = new HashSet<>();
            partitions.forEach(tp -> ps.add(tp.partition()));
            Map<TopicPartition, OffsetAndMetadata> offsets = committable(ps);
            drop(ps);
            if (!offsets.isEmpty()) {
                try {
                    workConsumer.commitSync(offsets, Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    log.warn("commit on revocation failed (the next owner replays a little more): {}", e.toString());
                }
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            Set<Integer> ps = new HashSet<>();
            partitions.forEach(tp -> ps.add(tp.partition()));
            drop(ps);
        }

        private void drop(Set<Integer> ps) {
            synchronized (lock) {
                for (Entry e : new ArrayList<>(entries.values())) {
                    if (ps.contains(e.partition)) {
                        if (e.lease != null) {
                            e.lease.end(LeaseLostException.Reason.EXPIRED);
                        }
                        removeEntry(e);
                    }
                }
                owned.removeAll(ps);
                ps.forEach(hydrating::remove);
                ps.forEach(ownOffsets::remove);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<TopicPartition, Long> ends = partitions.isEmpty() ? Map.of() : workConsumer.endOffsets(partitions);
            synchronized (lock) {
                for (TopicPartition tp : partitions) {
                    owned.add(tp.partition());
                    long end = ends.getOrDefault(tp, 0L);
                    if (workConsumer.position(tp) < end) {
                        hydrating.put(tp.partition(), end);
                    }
                }
            }
            assigned.countDown();
        }
    }

    private void viewLoop() {
        try {
            long until = System.nanoTime() + config.startTimeout().toNanos();
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : List.of(stateTopic, deadTopic)) {
                // A topic just created may not be in the metadata yet: an empty answer means "ask again".
                List<PartitionInfo> infos = viewConsumer.partitionsFor(topic, config.startTimeout());
                while (infos.isEmpty() && System.nanoTime() < until && !closed) {
                    Thread.sleep(20);
                    infos = viewConsumer.partitionsFor(topic, config.startTimeout());
                }
                if (infos.isEmpty()) {
                    throw new ScaleplaneException("Kafka topic " + topic + " has no partitions in the metadata");
                }
                infos.forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
            }
            viewConsumer.assign(parts);
            viewConsumer.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = new HashMap<>(viewConsumer.endOffsets(parts));
            while (!closed) {
                ConsumerRecords<String, byte[]> records = viewConsumer.poll(POLL);
                synchronized (lock) {
                    for (ConsumerRecord<String, byte[]> rec : records) {
                        applyViewRecord(rec);
                    }
                }
                drainCompletions();
                if (!ends.isEmpty()) {
                    ends.entrySet().removeIf(en -> viewConsumer.position(en.getKey()) >= en.getValue());
                    if (ends.isEmpty()) {
                        viewCaughtUp.countDown();
                    }
                } else {
                    viewCaughtUp.countDown();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            startFailure = e;
        } catch (WakeupException e) {
            if (!closed) {
                startFailure = e;
            }
        } catch (RuntimeException e) {
            if (!closed) {
                startFailure = e;
                log.error("Kafka task queue {}: the view consumer stopped: {}", config.topicPrefix(), e.toString(), e);
            }
        } finally {
            viewCaughtUp.countDown();
            try {
                viewConsumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                log.debug("closing the view consumer: {}", e.toString());
            }
        }
    }

    private void applyViewRecord(ConsumerRecord<String, byte[]> rec) {
        if (rec.value() == null) {
            return;
        }
        try {
            JsonNode n = TaskRecords.parse(rec.value());
            if (rec.topic().equals(stateTopic)) {
                applyState(new StateView(
                        n.get("id").asText(),
                        TaskState.valueOf(n.get("state").asText()),
                        n.get("version").asLong(),
                        n.get("type").asText(),
                        n.get("attempts").asInt(),
                        n.get("partition").asInt(),
                        n.get("routingKey").asText(),
                        TaskRecords.optText(n, "idempotencyKey"),
                        Instant.parse(n.get("submittedAt").asText()),
                        TaskRecords.getValue(n, "result"),
                        n.path("message").asText("")));
            } else if (n.path("removed").asBoolean(false)) {
                applyDead(n.get("id").asText(), n.get("version").asLong(), null);
            } else {
                Snapshot s = TaskRecords.snapshot(n);
                TaskDeadLetter.Reason reason =
                        TaskDeadLetter.Reason.valueOf(n.get("deadReason").asText());
                Task task = new Task(s.id(), s.request(), Math.max(1, s.attempts()), s.maxAttempts(), s.submittedAt());
                TaskDeadLetter letter = new TaskDeadLetter(
                        task,
                        reason,
                        s.failures(),
                        Instant.parse(n.get("deadAt").asText()));
                applyDead(s.id(), s.version(), new DeadView(letter, s.version(), routingKey(s), s));
            }
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "Kafka task queue {}: skipping unreadable view record {}-{}@{}: {}",
                    config.topicPrefix(),
                    rec.topic(),
                    rec.partition(),
                    rec.offset(),
                    e.toString());
        }
    }

    // =====================================================================================================
    // types

    private static final Comparator<Entry> BY_READY =
            Comparator.comparing((Entry e) -> e.snapshot.readyAt()).thenComparingLong(e -> e.seq);

    /** A task of an owned partition. Guarded by the queue's lock. */
    private static final class Entry {
        final int partition;
        final String routingKey;
        Snapshot snapshot;
        long version;
        long offset;
        long seq;

        @Nullable
        LeaseImpl lease;

        TaskClock.@Nullable Cancellable deadlineTimer;

        Entry(int partition, String routingKey) {
            this.partition = partition;
            this.routingKey = routingKey;
        }
    }

    /** The latest known state of a task of any process. */
    private final class StateView {
        final String id;
        final TaskState state;
        final long version;
        final String type;
        final int attempts;
        final int partition;
        final String routingKey;
        final @Nullable String idempotencyKey;
        final Instant submittedAt;
        final @Nullable Object result;
        final String message;
        final Instant updatedAt;

        StateView(
                String id,
                TaskState state,
                long version,
                String type,
                int attempts,
                int partition,
                String routingKey,
                @Nullable String idempotencyKey,
                Instant submittedAt,
                @Nullable Object result,
                String message) {
            this.id = id;
            this.state = state;
            this.version = version;
            this.type = type;
            this.attempts = attempts;
            this.partition = partition;
            this.routingKey = routingKey;
            this.idempotencyKey = idempotencyKey;
            this.submittedAt = submittedAt;
            this.result = result;
            this.message = message;
            this.updatedAt = clock.now();
        }
    }

    /** A dead letter with what a redrive needs. */
    private record DeadView(TaskDeadLetter letter, long version, String routingKey, Snapshot snapshot) {}

    /** A lease held by a worker of this process. Guarded by the queue's lock. */
    private final class LeaseImpl implements Lease {
        final Entry entry;
        final Task task;
        final String workerId;
        Instant expiresAt;
        boolean ended;
        LeaseLostException.Reason reason = LeaseLostException.Reason.ENDED;
        TaskClock.@Nullable Cancellable timer;

        LeaseImpl(Entry entry, Task task, String workerId, Instant expiresAt) {
            this.entry = entry;
            this.task = task;
            this.workerId = workerId;
            this.expiresAt = expiresAt;
        }

        void schedule(Duration in) {
            timer = clock.schedule(in, () -> onLeaseExpired(this));
        }

        void cancelTimer() {
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
        }

        /** Ends the lease for a reason other than its own complete or fail. */
        void end(LeaseLostException.Reason why) {
            releaseLease(entry);
            reason = why;
        }

        private void requireActive() {
            if (ended || entry.lease != this) {
                throw new LeaseLostException(task.id(), workerId, task.attempt(), reason, expiresAt);
            }
        }

        @Override
        public Task task() {
            return task;
        }

        @Override
        public String workerId() {
            return workerId;
        }

        @Override
        public Instant expiresAt() {
            synchronized (lock) {
                return expiresAt;
            }
        }

        @Override
        public Instant heartbeat(Duration extension) {
            TaskLifecycle.requirePositive(extension, "extension");
            synchronized (lock) {
                requireActive();
                cancelTimer();
                expiresAt = clock.now().plus(extension);
                schedule(extension);
                return expiresAt;
            }
        }

        @Override
        public void complete(@Nullable Object result) {
            synchronized (lock) {
                requireActive();
                releaseLease(entry);
                reason = LeaseLostException.Reason.ENDED;
                entry.snapshot = new Snapshot(
                        task.id(),
                        task.request(),
                        task.maxAttempts(),
                        task.attempt(),
                        task.submittedAt(),
                        entry.snapshot.readyAt(),
                        entry.snapshot.failures(),
                        entry.version);
                try {
                    finish(entry, TaskState.SUCCEEDED, result, "");
                } catch (RuntimeException ex) {
                    restoreAfterFailedWrite(entry);
                    throw ex;
                }
                metrics.succeeded();
            }
            drainCompletions();
        }

        @Override
        public FailureOutcome fail(Throwable failure) {
            Objects.requireNonNull(failure, "failure");
            FailureOutcome outcome;
            synchronized (lock) {
                requireActive();
                releaseLease(entry);
                reason = LeaseLostException.Reason.ENDED;
                TaskFailure f = TaskLifecycle.failure(task.attempt(), workerId, failure, clock.now());
                try {
                    outcome = afterFailedAttempt(entry, f, failure);
                } catch (RuntimeException ex) {
                    restoreAfterFailedWrite(entry);
                    throw ex;
                }
            }
            drainCompletions();
            return outcome;
        }
    }

    /** The submitter's view of a task: state from the state view, one result future per generation. */
    private final class Handle implements TaskHandle {
        private final String id;
        private TaskState lastKnown = TaskState.QUEUED;

        Handle(String id) {
            this.id = id;
            StateView sv = states.get(id);
            if (sv != null) {
                lastKnown = sv.state;
            }
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public CompletableFuture<@Nullable Object> result() {
            CompletableFuture<@Nullable Object> f;
            synchronized (lock) {
                f = futures.get(id);
                if (f == null) {
                    CompletableFuture<@Nullable Object> created = new CompletableFuture<>();
                    futures.put(id, created);
                    StateView sv = states.get(id);
                    if (sv != null && sv.state.isTerminal()) {
                        completions.add(() -> complete(created, sv));
                    }
                    f = created;
                }
            }
            drainCompletions();
            return f;
        }

        @Override
        public boolean cancel() {
            return KafkaTaskQueue.this.cancel(id);
        }

        @Override
        public TaskState state() {
            synchronized (lock) {
                StateView sv = states.get(id);
                if (sv != null) {
                    lastKnown = sv.state;
                }
                // Forgotten after the retention (or deleted by its finisher): the last state this handle saw.
                return lastKnown;
            }
        }

        @Override
        public String toString() {
            return "KafkaTaskHandle{" + id + '}';
        }
    }

    /** Dead letters as read from the dead-letter topic by this process. */
    private final class KafkaDeadLetterView implements TaskDeadLetters {
        @Override
        public List<TaskDeadLetter> list(int limit) {
            TaskLifecycle.requireLimit(limit);
            synchronized (lock) {
                List<TaskDeadLetter> out = new ArrayList<>();
                for (DeadView dv : dead.values()) {
                    if (out.size() == limit) {
                        break;
                    }
                    out.add(dv.letter);
                }
                return out;
            }
        }

        @Override
        public Optional<TaskDeadLetter> find(String taskId) {
            synchronized (lock) {
                DeadView dv = dead.get(taskId);
                return dv == null ? Optional.empty() : Optional.of(dv.letter);
            }
        }

        @Override
        public TaskHandle redrive(String taskId) {
            TaskHandle h;
            synchronized (lock) {
                requireOpen("redrive");
                h = redriveLocked(taskId);
            }
            drainCompletions();
            return h;
        }

        private TaskHandle redriveLocked(String taskId) {
            DeadView dv = dead.get(taskId);
            if (dv == null) {
                throw new NoSuchElementException("no dead letter for task " + taskId);
            }
            Snapshot old = dv.snapshot;
            long version = dv.version + 2; // above the DEAD_LETTERED state (dead version + 1)
            Instant now = clock.now();
            Snapshot s = new Snapshot(
                    old.id(), old.request(), old.maxAttempts(), 0, old.submittedAt(), now, List.of(), version);
            int partition = partitionOf(dv.routingKey);
            ObjectNode removal = TaskRecords.MAPPER.createObjectNode();
            removal.put("id", taskId);
            removal.put("removed", true);
            removal.put("version", version);
            Future<RecordMetadata> r =
                    producer.send(new ProducerRecord<>(deadTopic, taskId, TaskRecords.bytes(removal)));
            StateView sv = new StateView(
                    taskId,
                    TaskState.QUEUED,
                    version,
                    old.request().type(),
                    0,
                    partition,
                    dv.routingKey,
                    old.request().idempotencyKey(),
                    old.submittedAt(),
                    null,
                    "");
            Future<RecordMetadata> st = sendState(sv);
            RecordMetadata meta = await(sendTask(partition, dv.routingKey, TaskRecords.task(s)), "redrive");
            await(r, "redrive");
            await(st, "redrive");
            applyDead(taskId, version, null);
            finishedVersions.remove(taskId);
            finishedAt.remove(taskId);
            applyState(sv);
            futures.put(taskId, new CompletableFuture<>());
            adoptOwnWrite(meta, s);
            return new Handle(taskId);
        }

        @Override
        public int redrive(Predicate<? super TaskDeadLetter> filter) {
            Objects.requireNonNull(filter, "filter");
            int n = 0;
            synchronized (lock) {
                requireOpen("redrive");
                for (DeadView dv : new ArrayList<>(dead.values())) {
                    if (filter.test(dv.letter)) {
                        redriveLocked(dv.letter.taskId());
                        n++;
                    }
                }
            }
            drainCompletions();
            return n;
        }

        @Override
        public boolean discard(String taskId) {
            synchronized (lock) {
                if (!dead.containsKey(taskId)) {
                    return false;
                }
                removeDead(taskId);
                return true;
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaTaskQueue{" + config.topicPrefix() + ", partitions=" + partitionCount + '}';
    }

    /**
     * The tasks-topic partitions this instance owns now. A test hook (the module's tests watch rebalances with it),
     * public only because the tests live in the API package; not part of any contract.
     */
    public Set<Integer> ownedPartitions() {
        return owned();
    }
}
