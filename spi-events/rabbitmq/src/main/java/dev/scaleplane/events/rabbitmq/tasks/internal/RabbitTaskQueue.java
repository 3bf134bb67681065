package dev.scaleplane.events.rabbitmq.tasks.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
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
import dev.scaleplane.core.orchestration.support.BasicTaskHandle;
import dev.scaleplane.core.orchestration.support.DeferredActions;
import dev.scaleplane.core.orchestration.support.IdempotencyWindow;
import dev.scaleplane.core.orchestration.support.RetentionQueue;
import dev.scaleplane.core.orchestration.support.TaskLifecycle;
import dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueConfig;
import dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueProvider;
import dev.scaleplane.events.rabbitmq.tasks.internal.TaskMessage.UndecodableTaskException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task queue on RabbitMQ. The broker holds every task; the queue's {@link TaskClock} decides when a task is ready,
 * when a lease lapses and when a deadline passes, so that all timing follows one clock (and tests run on virtual
 * time).
 *
 * <h2>Topology (base name {@code Q} = {@link RabbitTaskQueueConfig#queue()})</h2>
 *
 * <ul>
 *   <li>{@code Q.p0} .. {@code Q.p4}: one work queue per {@linkplain TaskPriority priority band}, because quorum
 *       queues on RabbitMQ 3.10 do not support {@code x-max-priority}; with fewer
 *       {@linkplain RabbitTaskQueueConfig#priorityBands() bands}, neighbouring priorities share a queue and are
 *       first-in first-out among themselves.
 *   <li>{@code Q.delayed}: tasks that are not ready yet (delayed submissions and retry backoffs), with their ready
 *       time in a header.
 *   <li>{@code Q.wait.<ms>}: one TTL queue per {@linkplain RabbitTaskQueueConfig#delayBuckets() delay bucket}, each
 *       with one fixed {@code x-message-ttl} (so that expiry at the head is in order) dead-lettering into
 *       {@code Q.delayed}; they carry delays longer than the hold limit.
 *   <li>{@code Q.dead}: dead letters with their failure history, {@code x-max-length} = the dead-letter capacity,
 *       {@code x-overflow=drop-head} (the oldest are dropped).
 *   <li>{@code Q.ledger}: one empty message per unfinished task, {@code x-max-length} = the capacity,
 *       {@code x-overflow=reject-publish}: a rejected token is a broker nack and fails the submission with
 *       {@link QueueFullException}, across every process sharing the queue.
 * </ul>
 *
 * <h2>How the contract maps onto RabbitMQ</h2>
 *
 * <ul>
 *   <li><b>Leases</b> are unacknowledged deliveries ({@code basic.get}, manual ack). RabbitMQ has no per-message
 *       visibility timeout, so the lease timer runs here, on the task clock: when it lapses, the task is republished
 *       with the lapsed attempt in its history and the old delivery is acknowledged; a late complete or fail from the
 *       old holder throws {@link LeaseLostException}. If this process dies, the broker returns its unacknowledged
 *       deliveries to their queues (that attempt is not counted: the history lives in the message). The broker's
 *       {@code consumer_timeout} closes a channel holding a delivery longer than it allows, so heartbeats never
 *       extend a lease beyond {@link RabbitTaskQueueConfig#consumerTimeout()} less a margin after it was granted.
 *   <li><b>Priorities and aging</b>: a lease call fetches the heads of the five bands (up to
 *       {@link RabbitTaskQueueConfig#prefetch()} per band to look past busy keys and other types) and leases the
 *       one with the best effective rank, the same rule as the in-memory queue; what it fetched and did not lease
 *       goes back at the end of the call, so no process sits on tasks another could run. Exact among the fetched
 *       heads; a head another process is fetching at that moment is not seen.
 *   <li><b>Delays and retries</b>: a task ready within the hold limit waits in {@code Q.delayed}; the next lease
 *       call of any process holds it and sets a timer on its clock for its ready time. Longer delays ride the TTL
 *       queues first. Messages held longer than the hold limit (real time) go back to the broker, so no delivery
 *       reaches the broker's {@code consumer_timeout}.
 *   <li><b>Per-key mutex</b>: a leased key is also locked broker-wide by an exclusive queue {@code Q.lock.<sha>}
 *       of this connection; another process's declaration fails with {@code RESOURCE_LOCKED}, and the broker
 *       deletes the lock when this process dies.
 *   <li><b>Idempotency keys</b>: a key is claimed broker-wide by a one-message claim queue {@code Q.idem.<sha>}
 *       ({@code x-max-length=1}, {@code reject-publish}); the claim's expiry is read on the task clock, the
 *       queue's TTLs only clean up.
 *   <li><b>States and results</b>: {@link #state(String)}, {@link #handle(String)} and result futures know what
 *       this process did, plus what other processes announce on the {@code Q.events} fanout exchange (best effort,
 *       without confirms).
 * </ul>
 *
 * <p>Thread-safety: all methods may be called from any thread; broker operations are serialized on one channel
 * under the queue's monitor, and futures complete after it is released.
 */
public final class RabbitTaskQueue implements TaskQueue {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitTaskQueue.class);
    private static final int LEVELS = TaskPriority.values().length;
    private static final Comparator<Held> READY_ORDER =
            Comparator.comparing((Held h) -> h.msg.readyAt).thenComparingLong(h -> h.seq);
    /** A lease ends this long before the broker's consumer timeout would close the channel. */
    private static final Duration CONSUMER_TIMEOUT_MARGIN = Duration.ofSeconds(5);

    private static final String H_ORIGIN = "x-sp-origin";
    private static final String H_EVENT = "x-sp-event";
    private static final String H_CLAIM_EXPIRES = "x-sp-claim-expires";
    private static final long METRICS_REFRESH_MS = 5_000;
    /** x-message-ttl and x-expires are 32-bit millisecond counts; 24 days stays well inside. */
    private static final long MAX_TTL_MS = Duration.ofDays(24).toMillis();

    private final RabbitTaskQueueConfig config;
    private final TaskQueueOptions options;
    private final TaskClock clock;
    private final DoubleSupplier random;
    private final ConnectionFactory factory;
    private final ClassLoader loader;
    private final int bands;
    private final String[] bandQueues;
    private final String delayedQueue;
    private final String deadQueue;
    private final String ledgerQueue;
    private final List<Duration> buckets;
    private final ScheduledExecutorService worker;

    private final Map<String, Entry> tasks = new HashMap<>();
    private final List<TreeSet<Held>> held = new ArrayList<>();
    private final TreeSet<Held> waiting = new TreeSet<>(READY_ORDER);
    private final Set<String> leasedKeys = new HashSet<>();
    /** Keys another process holds, found by the current lease call. */
    private final Set<String> busyKeys = new HashSet<>();

    private final IdempotencyWindow<TaskHandle> idempotency;
    private final RetentionQueue<Entry> finished;
    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    /**
     * Future completions recorded under the monitor, run by the same thread once it released it: per thread, so
     * that a caller finds its own outcome completed when its call returns, even while the worker thread is
     * draining completions of its own.
     */
    private final DeferredActions afterUnlock = new DeferredActions();

    private final DeadLettersView deadLettersView = new DeadLettersView();
    /** Queues found empty, with when to ask again: polling five empty bands on every lease call is wasted work. */
    private final Map<String, Long> emptyUntil = new HashMap<>();

    private final long idlePollNanos;

    /** Tasks another process cancelled that this process may still find in a queue, with when to forget them. */
    private final Map<String, Instant> remoteCancels = new LinkedHashMap<>();

    private final String instanceId = UUID.randomUUID().toString();
    private final String eventsExchange;
    private @Nullable Connection connection;
    private @Nullable Channel channel;
    private @Nullable Channel eventsChannel;
    private @Nullable Channel auxChannel;
    private long epoch;
    private long sequence;
    private boolean closed;
    private final TaskQueueMetrics metrics;
    /** Ready messages in the broker at the last count; read by the queued gauge without the monitor. */
    private volatile long readyInBroker;

    private volatile int heldNow;
    private volatile int leasedNow;

    /**
     * Connects, declares the topology and returns a started queue.
     *
     * @param config connection and topology settings
     * @param options capacity, retry policies, aging and windows (the provider passes {@code config.options()})
     * @param clock the time source of every ready time, lease and deadline
     * @param random uniform values in [0, 1) for the retry policy's jitter
     * @throws ScaleplaneException if the broker cannot be reached or a queue exists with other arguments
     */
    public RabbitTaskQueue(
            RabbitTaskQueueConfig config, TaskQueueOptions options, TaskClock clock, DoubleSupplier random) {
        this(config, options, clock, random, new SimpleMeterRegistry());
    }

    /**
     * Connects, declares the topology and returns a started queue that publishes its {@link TaskQueueMetrics} to
     * {@code registry}, tagged {@code backend=rabbitmq}. The {@code queued} gauge counts the ready messages in the
     * broker (all processes, refreshed every few seconds) plus the tasks this process holds without a lease; the
     * {@code leased} gauge counts this process's leases; counters count what this process did.
     *
     * @throws ScaleplaneException if the broker cannot be reached or a queue exists with other arguments
     */
    public RabbitTaskQueue(
            RabbitTaskQueueConfig config,
            TaskQueueOptions options,
            TaskClock clock,
            DoubleSupplier random,
            MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.options = Objects.requireNonNull(options, "options");
        this.idempotency = new IdempotencyWindow<>(options.idempotencyWindow());
        this.finished = new RetentionQueue<>(options.retention(), options.retentionCapacity(), this::forget);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.loader = Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader()
                : RabbitTaskQueue.class.getClassLoader();
        String q = config.queue();
        bands = config.priorityBands();
        bandQueues = new String[bands];
        for (int i = 0; i < bands; i++) {
            bandQueues[i] = q + ".p" + i;
            held.add(new TreeSet<>(READY_ORDER));
        }
        delayedQueue = q + ".delayed";
        deadQueue = q + ".dead";
        ledgerQueue = q + ".ledger";
        eventsExchange = q + ".events";
        buckets = config.delayBuckets();
        idlePollNanos = config.idlePollInterval().toNanos();
        factory = new ConnectionFactory();
        factory.setHost(config.host());
        factory.setPort(config.port());
        factory.setVirtualHost(config.virtualHost());
        factory.setUsername(config.username());
        factory.setPassword(config.password());
        factory.setConnectionTimeout(
                (int) Math.min(Integer.MAX_VALUE, config.connectionTimeout().toMillis()));
        // Recovery would renumber delivery tags under held leases; this queue reconnects itself and drops holds.
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        if (config.tls()) {
            try {
                factory.useSslProtocol(javax.net.ssl.SSLContext.getDefault());
                factory.enableHostnameVerification();
            } catch (NoSuchAlgorithmException e) {
                throw new ScaleplaneException("TLS is not available in this JVM: " + e.getMessage(), e);
            }
        }
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scaleplane-rabbit-tasks-" + q);
            t.setDaemon(true);
            return t;
        });
        synchronized (this) {
            try {
                channel();
            } catch (RuntimeException e) {
                worker.shutdownNow();
                closeConnection();
                throw e;
            }
        }
        long sweep = Math.max(50, config.holdLimit().toMillis() / 2);
        worker.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
        metrics = new TaskQueueMetrics(
                Objects.requireNonNull(registry, "registry"), "rabbitmq", this::queuedNow, () -> leasedNow);
        worker.scheduleWithFixedDelay(this::countReady, 0, METRICS_REFRESH_MS, TimeUnit.MILLISECONDS);
    }

    // ---- public API ----

    @Override
    public Set<TaskQueueCapability> capabilities() {
        return RabbitTaskQueueProvider.CAPABILITIES;
    }

    @Override
    public TaskHandle submit(TaskRequest request) {
        Objects.requireNonNull(request, "request");
        try {
            synchronized (this) {
                if (closed) {
                    throw new TaskQueueClosedException("cannot submit a task of type '" + request.type() + "'");
                }
                runPending();
                Instant now = clock.now();
                forgetExpired(now);
                String key = request.idempotencyKey();
                if (key != null) {
                    TaskHandle first = idempotency.find(key, now);
                    if (first != null) {
                        return first;
                    }
                }
                int maxAttempts = TaskLifecycle.maxAttempts(request, options);
                Instant readyAt = TaskLifecycle.readyAt(request, now);
                TaskMessage msg = new TaskMessage(
                        UUID.randomUUID().toString(),
                        request,
                        maxAttempts,
                        0,
                        now,
                        readyAt,
                        List.of(),
                        true,
                        null,
                        null,
                        0);
                byte[] body = msg.body(); // encode before the token, so a bad payload takes no capacity
                if (key != null) {
                    Claim holder = claim(key, msg.id, now);
                    if (holder != null) {
                        return duplicateOf(holder, request, maxAttempts, now, key);
                    }
                }
                Channel ch = channel();
                try {
                    if (!publish(
                            ch,
                            ledgerQueue,
                            new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                            new byte[0])) {
                        throw new QueueFullException(request.type(), options.capacity());
                    }
                } catch (RuntimeException e) {
                    if (key != null) {
                        unclaim(key);
                    }
                    throw e;
                }
                try {
                    if (!publish(ch, destination(msg, now), msg.properties(), body)) {
                        throw new ScaleplaneException("the broker refused task " + msg.id + " of type '"
                                + request.type() + "' (publish nacked)");
                    }
                } catch (RuntimeException e) {
                    takeToken();
                    if (key != null) {
                        unclaim(key);
                    }
                    throw e;
                }
                Entry e = new Entry(msg.id, request, maxAttempts, now);
                tasks.put(e.id, e);
                if (key != null) {
                    idempotency.remember(key, e.handle, now);
                }
                Instant deadline = request.deadline();
                if (deadline != null) {
                    clock.schedule(Duration.between(now, deadline), () -> later(() -> deadlinePassed(e)));
                }
                metrics.submitted();
                return e.handle;
            }
        } finally {
            runAfterUnlock();
        }
    }

    /**
     * The handle of a task another process submitted first with the same idempotency key. Its state and result
     * follow the events this process receives from then on; an outcome reached before is not known here.
     */
    private TaskHandle duplicateOf(Claim holder, TaskRequest request, int maxAttempts, Instant now, String key) {
        Entry e = tasks.get(holder.taskId());
        if (e == null) {
            e = new Entry(holder.taskId(), request, maxAttempts, now);
            e.remote = true;
            tasks.put(e.id, e);
            finished.add(e, now);
        }
        idempotency.rememberUntil(key, e.handle, holder.expiresAt());
        return e.handle;
    }

    @Override
    public List<Lease> lease(String workerId, int maxTasks, Duration visibilityTimeout, Set<String> types) {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
        Objects.requireNonNull(types, "types");
        if (maxTasks < 1) {
            throw new IllegalArgumentException("maxTasks must be >= 1, but was " + maxTasks);
        }
        TaskLifecycle.requirePositive(visibilityTimeout, "visibilityTimeout");
        try {
            synchronized (this) {
                if (closed) {
                    throw new TaskQueueClosedException("cannot lease tasks for worker '" + workerId + "'");
                }
                runPending();
                Instant now = clock.now();
                forgetExpired(now);
                releaseStaleHolds();
                drainDelayed(now);
                busyKeys.clear();
                List<Lease> leases = new ArrayList<>();
                while (leases.size() < maxTasks) {
                    Held next = nextReady(now, types);
                    if (next == null) {
                        break;
                    }
                    held.get(band(next.msg)).remove(next);
                    leases.add(grant(next, workerId, now, visibilityTimeout));
                }
                returnUnleased();
                refreshLocalCounts();
                return leases;
            }
        } finally {
            runAfterUnlock();
        }
    }

    @Override
    public Optional<TaskState> state(String taskId) {
        Objects.requireNonNull(taskId, "taskId");
        try {
            synchronized (this) {
                runPendingIfOpen();
                forgetExpired(clock.now());
                Entry e = tasks.get(taskId);
                return e == null ? Optional.empty() : Optional.of(e.state);
            }
        } finally {
            runAfterUnlock();
        }
    }

    @Override
    public Optional<TaskHandle> handle(String taskId) {
        Objects.requireNonNull(taskId, "taskId");
        try {
            synchronized (this) {
                runPendingIfOpen();
                forgetExpired(clock.now());
                Entry e = tasks.get(taskId);
                return e == null ? Optional.empty() : Optional.of(e.handle);
            }
        } finally {
            runAfterUnlock();
        }
    }

    @Override
    public boolean cancel(String taskId) {
        Objects.requireNonNull(taskId, "taskId");
        try {
            synchronized (this) {
                runPendingIfOpen();
                Entry e = tasks.get(taskId);
                if (e == null || e.state.isTerminal()) {
                    return false;
                }
                if (closed) {
                    throw new TaskQueueClosedException("cannot cancel task " + taskId);
                }
                RabbitLease lease = e.lease;
                if (lease != null) {
                    endLease(e, LeaseLostException.Reason.CANCELLED);
                    dropHeld(lease.held);
                } else {
                    Held h = findHeld(taskId);
                    if (h != null) {
                        removeHeld(h);
                        dropHeld(h);
                    }
                    // Otherwise the message is in the broker: it is dropped (and its token taken) when found.
                }
                finish(e, TaskState.CANCELLED, "cancelled", null);
                metrics.cancelled();
                publishEvent(taskId, TaskState.CANCELLED, null);
                return true;
            }
        } finally {
            runAfterUnlock();
        }
    }

    @Override
    public TaskDeadLetters deadLetters() {
        return deadLettersView;
    }

    /** Unfinished tasks of every process sharing the queue: the ledger queue's message count. */
    @Override
    public int size() {
        try {
            synchronized (this) {
                if (closed) {
                    return 0;
                }
                runPending();
                try {
                    return (int) Math.min(Integer.MAX_VALUE, channel().messageCount(ledgerQueue));
                } catch (IOException e) {
                    throw brokerFailure("count the unfinished tasks", e);
                }
            }
        } finally {
            runAfterUnlock();
        }
    }

    /**
     * Stops the queue and closes the connection. Tasks stay in the broker: held and leased messages go back to their
     * queues; this process's handles of unfinished tasks fail with {@link TaskQueueClosedException}. Idempotent.
     */
    @Override
    public void close() {
        try {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                for (Entry e : tasks.values()) {
                    if (!e.state.isTerminal()) {
                        endLease(e, LeaseLostException.Reason.CLOSED);
                        CompletableFuture<@Nullable Object> f = e.future;
                        afterUnlock.add(() -> f.completeExceptionally(new TaskQueueClosedException(
                                "task " + e.id + " was not finished in this process; it stays in the broker")));
                    }
                }
                held.forEach(TreeSet::clear);
                waiting.forEach(Held::cancelTimer);
                waiting.clear();
                leasedKeys.clear();
                pending.clear();
                closeConnection();
            }
        } finally {
            worker.shutdownNow();
            metrics.close();
            runAfterUnlock();
        }
    }

    @Override
    public String toString() {
        return "RabbitTaskQueue{" + config.queue() + ", " + config.queueType() + '}';
    }

    // ---- broker access, monitor held ----

    private TaskHandle newHandle(Entry e) {
        return new BasicTaskHandle(e.id, e.future, this::cancel, () -> {
            try {
                synchronized (this) {
                    runPendingIfOpen();
                    return e.state;
                }
            } finally {
                runAfterUnlock();
            }
        });
    }

    private Channel channel() {
        Channel ch = channel;
        if (ch != null && ch.isOpen()) {
            return ch;
        }
        if (ch != null) {
            lostChannel("the channel closed: " + ch.getCloseReason());
        }
        try {
            Connection c = connection;
            if (c == null || !c.isOpen()) {
                c = factory.newConnection("scaleplane-tasks-" + config.queue());
                connection = c;
            }
            ch = c.createChannel();
            ch.confirmSelect();
            declareTopology(ch);
            Channel ech = eventsChannel;
            if (ech == null || !ech.isOpen() || ech.getConnection() != c) {
                subscribeEvents(c);
            }
            channel = ch;
            epoch++;
            return ch;
        } catch (IOException | TimeoutException e) {
            throw brokerFailure("connect to " + config.host() + ":" + config.port() + " and declare the queues", e);
        }
    }

    private void declareTopology(Channel ch) throws IOException {
        String type = config.queueType().name().toLowerCase(java.util.Locale.ROOT);
        for (String band : bandQueues) {
            ch.queueDeclare(band, true, false, false, Map.of("x-queue-type", type));
        }
        ch.queueDeclare(delayedQueue, true, false, false, Map.of("x-queue-type", type));
        ch.queueDeclare(
                deadQueue,
                true,
                false,
                false,
                Map.of("x-queue-type", type, "x-max-length", options.deadLetterCapacity(), "x-overflow", "drop-head"));
        // Classic on purpose: a quorum queue applies reject-publish only after the limit was exceeded, and leaves
        // that mode only well below it, so its bound would be neither exact nor prompt.
        ch.queueDeclare(
                ledgerQueue,
                true,
                false,
                false,
                Map.of("x-queue-type", "classic", "x-max-length", options.capacity(), "x-overflow", "reject-publish"));
        for (Duration b : buckets) {
            ch.queueDeclare(
                    waitQueue(b),
                    true,
                    false,
                    false,
                    Map.of(
                            "x-queue-type",
                            type,
                            "x-message-ttl",
                            b.toMillis(),
                            "x-dead-letter-exchange",
                            "",
                            "x-dead-letter-routing-key",
                            delayedQueue));
        }
    }

    /**
     * Listens to the events exchange on an exclusive, auto-deleted queue of this instance: how results,
     * cancellations and state changes made by other processes reach this process's handles.
     */
    private void subscribeEvents(Connection c) throws IOException {
        Channel ech = c.createChannel();
        ech.exchangeDeclare(eventsExchange, "fanout", true);
        String own = ech.queueDeclare("", false, true, true, Map.of()).getQueue();
        ech.queueBind(own, eventsExchange, "");
        ech.basicConsume(
                own, true, (tag, delivery) -> onEvent(delivery.getProperties(), delivery.getBody()), tag -> {});
        eventsChannel = ech;
    }

    /**
     * Tells other processes about a state change. Best effort (no confirm): an event lost with its publisher only
     * leaves another process's handle behind; the task itself is safe in the broker.
     */
    private void publishEvent(String taskId, TaskState state, @Nullable Object detail) {
        Channel ech = eventsChannel;
        if (ech == null || !ech.isOpen()) {
            return;
        }
        Map<String, Object> headers = new HashMap<>();
        headers.put(H_ORIGIN, instanceId);
        headers.put(H_EVENT, state.name());
        byte[] body = new byte[0];
        if (detail != null) {
            try {
                body = TaskMessage.MAPPER.writeValueAsBytes(detail);
                headers.put(TaskMessage.H_PAYLOAD_CLASS, detail.getClass().getName());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                LOG.warn("The result of task {} does not encode as JSON; other processes see it as null", taskId);
            }
        }
        try {
            ech.basicPublish(
                    eventsExchange,
                    "",
                    new AMQP.BasicProperties.Builder()
                            .messageId(taskId)
                            .headers(headers)
                            .build(),
                    body);
        } catch (IOException e) {
            LOG.warn("Could not publish the {} event of task {}: {}", state, taskId, e.toString());
        }
    }

    /** An event from another process; runs on the connection's consumer thread. */
    private void onEvent(AMQP.BasicProperties props, byte[] body) {
        Map<String, Object> h = props.getHeaders() == null ? Map.of() : props.getHeaders();
        String taskId = props.getMessageId();
        String origin = TaskMessage.optional(h, H_ORIGIN);
        String kind = TaskMessage.optional(h, H_EVENT);
        if (taskId == null || kind == null || instanceId.equals(origin)) {
            return;
        }
        try {
            TaskState state = TaskState.valueOf(kind);
            synchronized (this) {
                if (closed) {
                    return;
                }
                applyEvent(taskId, state, h, body);
            }
        } catch (RuntimeException e) {
            LOG.warn("Ignoring an event of task {} from another process: {}", taskId, e.toString());
        } finally {
            runAfterUnlock();
        }
    }

    private void applyEvent(String taskId, TaskState state, Map<String, Object> h, byte[] body) {
        Entry e = tasks.get(taskId);
        if (state == TaskState.CANCELLED) {
            remoteCancels.put(taskId, clock.now().plus(options.retention()));
            if (e == null || e.state.isTerminal()) {
                return;
            }
            RabbitLease lease = e.lease;
            if (lease != null) {
                endLease(e, LeaseLostException.Reason.CANCELLED);
                remoteCancels.remove(taskId);
                dropHeld(lease.held);
            } else {
                Held held = findHeld(taskId);
                if (held != null) {
                    removeHeld(held);
                    remoteCancels.remove(taskId);
                    dropHeld(held);
                }
            }
            // Not held here: whichever process finds the message drops it and takes its token.
            finish(e, TaskState.CANCELLED, "cancelled by another process", null);
            return;
        }
        if (e == null || e.state.isTerminal() || e.lease != null) {
            return;
        }
        switch (state) {
            case SUCCEEDED -> {
                Object result = decodeResult(h, body);
                e.state = TaskState.SUCCEEDED;
                CompletableFuture<@Nullable Object> f = e.future;
                afterUnlock.add(() -> f.complete(result));
                forgetLater(e);
            }
            case FAILED -> finish(e, TaskState.FAILED, "it failed in another process (deadline)", null);
            case DEAD_LETTERED -> finish(e, TaskState.DEAD_LETTERED, "dead-lettered by another process", null);
            default -> e.state = state;
        }
    }

    private @Nullable Object decodeResult(Map<String, Object> h, byte[] body) {
        String type = TaskMessage.optional(h, TaskMessage.H_PAYLOAD_CLASS);
        if (type == null || body.length == 0) {
            return null;
        }
        try {
            return TaskMessage.MAPPER.readValue(body, Class.forName(type, false, loader));
        } catch (ClassNotFoundException | IOException e) {
            try {
                return TaskMessage.MAPPER.readValue(body, Object.class);
            } catch (IOException again) {
                return null;
            }
        }
    }

    /**
     * The band of a task: its priority's rank spread over the configured bands (five bands: one per priority; two:
     * {@code HIGHEST}, {@code HIGH}, {@code NORMAL} in the first, {@code LOW}, {@code LOWEST} in the second).
     */
    private int band(TaskMessage msg) {
        return msg.request.priority().rank() * bands / LEVELS;
    }

    private String waitQueue(Duration bucket) {
        return config.queue() + ".wait." + bucket.toMillis() + "ms";
    }

    /** Where a task message goes: its band when ready, else the delayed queue or a TTL wait queue. */
    private String destination(TaskMessage msg, Instant now) {
        Duration delay = Duration.between(now, msg.readyAt);
        if (delay.isNegative() || delay.isZero()) {
            return bandQueues[band(msg)];
        }
        if (delay.compareTo(config.holdLimit()) <= 0) {
            return delayedQueue;
        }
        Duration bucket = buckets.get(0);
        for (Duration b : buckets) {
            if (b.compareTo(delay) <= 0) {
                bucket = b;
            }
        }
        return waitQueue(bucket);
    }

    /** Publishes to the default exchange and waits for the confirm; false if the broker nacked it. */
    private boolean publish(Channel ch, String queue, AMQP.BasicProperties props, byte[] body) {
        emptyUntil.remove(queue);
        try {
            ch.basicPublish("", queue, props, body);
            return ch.waitForConfirms(config.confirmTimeout().toMillis());
        } catch (TimeoutException e) {
            throw new ScaleplaneException(
                    "no publisher confirm from the broker for queue " + queue + " within " + config.confirmTimeout()
                            + " (the broker may be overloaded or blocked by a resource alarm)",
                    e);
        } catch (IOException e) {
            throw brokerFailure("publish to " + queue, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScaleplaneException("interrupted while waiting for the confirm of a publish to " + queue, e);
        }
    }

    private void publishTask(TaskMessage msg, Instant now) {
        if (!publish(channel(), destination(msg, now), msg.properties(), msg.body())) {
            throw new ScaleplaneException("the broker refused task " + msg.id + " (publish nacked)");
        }
    }

    private void ack(Held h) {
        if (h.epoch != epoch) {
            return; // the channel it came on closed, and the broker already put it back
        }
        try {
            channel().basicAck(h.tag, false);
        } catch (IOException e) {
            throw brokerFailure("acknowledge task " + h.msg.id, e);
        }
    }

    private void requeue(Held h) {
        if (h.epoch != epoch) {
            return;
        }
        emptyUntil.remove(h.queue); // it is not empty any more
        try {
            channel().basicNack(h.tag, false, true);
        } catch (IOException e) {
            throw brokerFailure("return task " + h.msg.id + " to the broker", e);
        }
    }

    /** Takes one token from the ledger: the task it counted is finished. */
    private void takeToken() {
        try {
            if (channel().basicGet(ledgerQueue, true) == null) {
                LOG.warn("The ledger queue {} had no token to take: size() and the capacity under-count", ledgerQueue);
            }
        } catch (IOException e) {
            throw brokerFailure("take a token from " + ledgerQueue, e);
        }
    }

    private @Nullable Held fetch(String queue) {
        Long idle = emptyUntil.get(queue);
        if (idle != null && idle - System.nanoTime() > 0) {
            return null; // found empty a moment ago, and this process has not published to it since
        }
        Channel ch = channel();
        GetResponse r;
        try {
            r = ch.basicGet(queue, false);
        } catch (IOException e) {
            throw brokerFailure("fetch from " + queue, e);
        }
        if (r == null) {
            emptyUntil.put(queue, System.nanoTime() + idlePollNanos);
            return null;
        }
        long tag = r.getEnvelope().getDeliveryTag();
        TaskMessage msg;
        try {
            msg = TaskMessage.decode(r.getProps(), r.getBody(), loader);
        } catch (UndecodableTaskException e) {
            deadLetterUndecodable(r, e, queue);
            return fetch(queue);
        }
        return new Held(msg, tag, epoch, sequence++, queue, System.nanoTime());
    }

    /** Moves a message this queue cannot decode to the dead-letter queue as it is, with the reason. */
    private void deadLetterUndecodable(GetResponse r, UndecodableTaskException e, String queue) {
        LOG.error("Dead-lettering an undecodable message from {}: {}", queue, e.getMessage());
        AMQP.BasicProperties p = r.getProps();
        Map<String, Object> headers = new HashMap<>(p.getHeaders() == null ? Map.of() : p.getHeaders());
        headers.put("x-sp-undecodable", e.getMessage());
        headers.put(TaskMessage.H_DEAD_AT, clock.now().toString());
        String id = p.getMessageId() == null || p.getMessageId().isEmpty()
                ? UUID.randomUUID().toString()
                : p.getMessageId();
        AMQP.BasicProperties props =
                p.builder().messageId(id).headers(headers).deliveryMode(2).build();
        if (!publish(channel(), deadQueue, props, r.getBody())) {
            throw new ScaleplaneException("the broker refused the dead letter of an undecodable message " + id);
        }
        try {
            channel().basicAck(r.getEnvelope().getDeliveryTag(), false);
        } catch (IOException ex) {
            throw brokerFailure("acknowledge an undecodable message", ex);
        }
    }

    /** The most telling message of a client exception: the broker's reply text hides in the cause. */
    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof com.rabbitmq.client.ShutdownSignalException || t.getMessage() != null) {
                return t.toString();
            }
        }
        return e.toString();
    }

    /** A failure on a channel other than the one holding deliveries: that channel and its holds are fine. */
    private ScaleplaneException sideFailure(String what, Exception e) {
        return new ScaleplaneException(
                "RabbitMQ task queue " + config.queue() + " at " + config.host() + ":" + config.port() + ": cannot "
                        + what + " (" + describe(e) + ")",
                e);
    }

    private ScaleplaneException brokerFailure(String what, Exception e) {
        lostChannel("cannot " + what + ": " + describe(e));
        return new ScaleplaneException(
                "RabbitMQ task queue " + config.queue() + " at " + config.host() + ":" + config.port() + ": cannot "
                        + what + " (" + describe(e) + ")",
                e);
    }

    /**
     * The channel is gone: the broker returned every message it delivered on it, so holds are dropped and leases
     * are lost (their tasks are handed out again).
     */
    private void lostChannel(String why) {
        Channel ch = channel;
        channel = null;
        epoch++;
        boolean hadHolds = false;
        for (TreeSet<Held> band : held) {
            hadHolds |= !band.isEmpty();
            band.clear();
        }
        waiting.forEach(Held::cancelTimer);
        hadHolds |= !waiting.isEmpty();
        waiting.clear();
        for (Entry e : tasks.values()) {
            if (e.lease != null) {
                hadHolds = true;
                endLease(e, LeaseLostException.Reason.EXPIRED);
                e.state = TaskState.QUEUED;
            }
        }
        if (hadHolds) {
            LOG.warn("RabbitMQ task queue {}: {}; held tasks went back to the broker", config.queue(), why);
        }
        if (ch != null && ch.isOpen()) {
            try {
                ch.abort();
            } catch (IOException ignored) {
                // aborting a broken channel can only fail because it is broken already
            }
        }
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        channel = null;
        if (c != null && c.isOpen()) {
            try {
                c.close(5_000);
            } catch (IOException e) {
                LOG.debug("Closing the connection of {} failed", config.queue(), e);
            }
        }
    }

    // ---- selection, monitor held ----

    /** Holds messages of {@code Q.delayed}: ready ones join their band, the others wait for their timer. */
    private void drainDelayed(Instant now) {
        int limit = config.prefetch() * LEVELS * 4;
        while (waiting.size() < limit) {
            Held h = fetch(delayedQueue);
            if (h == null) {
                return;
            }
            if (!keep(h)) {
                continue;
            }
            if (!h.msg.readyAt.isAfter(now)) {
                held.get(band(h.msg)).add(h);
            } else if (Duration.between(now, h.msg.readyAt).compareTo(config.holdLimit()) > 0) {
                publishTask(h.msg, now); // still far off: back to a TTL wait queue
                ack(h);
            } else {
                waiting.add(h);
                h.timer = clock.schedule(Duration.between(now, h.msg.readyAt), () -> later(() -> becameReady(h)));
            }
        }
    }

    private void becameReady(Held h) {
        if (h.epoch == epoch && waiting.remove(h)) {
            held.get(band(h.msg)).add(h);
        }
    }

    /**
     * Decides what to do with a fetched message: false if it was dropped (cancelled, past its deadline, or a copy of
     * a task this process already finished).
     */
    private boolean keep(Held h) {
        if (!endedWhileAway(h, clock.now())) {
            return true;
        }
        return false;
    }

    /**
     * Drops {@code h} if its task already ended (cancelled here or by another process, finished here, or past its
     * deadline): acknowledges it and takes its ledger token when it owes one.
     *
     * @return whether it was dropped
     */
    private boolean endedWhileAway(Held h, Instant now) {
        Entry e = tasks.get(h.msg.id);
        Instant deadline = h.msg.request.deadline();
        boolean cancelled = remoteCancels.remove(h.msg.id) != null;
        if (e != null && e.state == TaskState.SUCCEEDED
                || e != null && e.state == TaskState.DEAD_LETTERED && h.msg.generation <= e.deadGeneration) {
            // A copy of a task that already ended: a crash between a publish and its ack, or a broker crash
            // that lost a recent acknowledgement, brought it back. A redrive has a newer generation.
            ack(h);
            return true;
        }
        if (e != null && (e.state == TaskState.CANCELLED || e.state == TaskState.FAILED)) {
            dropHeld(h); // the task ended while its message waited in the broker
            return true;
        }
        boolean late = deadline != null && !now.isBefore(deadline);
        if (!cancelled && !late) {
            return false;
        }
        dropHeld(h);
        if (e != null && !e.state.isTerminal()) {
            if (cancelled) {
                finish(e, TaskState.CANCELLED, "cancelled", null);
            } else {
                finish(e, TaskState.FAILED, TaskLifecycle.deadlinePassed(deadline), null);
            }
        }
        if (!cancelled) {
            metrics.failed();
        }
        if (!cancelled) {
            publishEvent(h.msg.id, TaskState.FAILED, null);
        }
        return true;
    }

    /**
     * Acknowledges the last message of a finished task and takes its ledger token, if it has one: the token leaves
     * the ledger exactly when the task's last message leaves the broker, whichever process acknowledges it.
     */
    private void dropHeld(Held h) {
        ack(h);
        if (h.msg.counted) {
            takeToken();
        }
    }

    private Entry remember(TaskMessage msg) {
        Entry e = new Entry(msg.id, msg.request, msg.maxAttempts, msg.submittedAt);
        tasks.put(e.id, e);
        return e;
    }

    private @Nullable Held nextReady(Instant now, Set<String> types) {
        long agingNanos = options.agingInterval().toNanos();
        while (true) {
            Held best = null;
            long bestRank = Long.MAX_VALUE;
            for (int band = 0; band < bands; band++) {
                Held candidate = firstEligible(band, types);
                while (candidate == null && held.get(band).size() < config.prefetch()) {
                    Held h = fetch(bandQueues[band]);
                    if (h == null) {
                        break;
                    }
                    if (keep(h)) {
                        held.get(band(h.msg)).add(h);
                        candidate = firstEligible(band, types);
                    }
                }
                if (candidate == null) {
                    continue;
                }
                long waited =
                        Math.max(0, Duration.between(candidate.msg.readyAt, now).toNanos());
                long rank = Math.max(0, candidate.msg.request.priority().rank() - waited / agingNanos);
                if (best == null || rank < bestRank || (rank == bestRank && READY_ORDER.compare(candidate, best) < 0)) {
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
            if (key != null && !lockKey(key)) {
                busyKeys.add(key); // another process holds a task of this key: skip the key in this call
                continue;
            }
            return best;
        }
    }

    /** Re-checks a held candidate at grant time; drops it if its task ended while it was held. */
    private boolean stillValid(Held h, Instant now) {
        held.get(band(h.msg)).remove(h);
        if (endedWhileAway(h, now)) {
            return false;
        }
        held.get(band(h.msg)).add(h);
        return true;
    }

    private @Nullable Held firstEligible(int band, Set<String> types) {
        for (Held h : held.get(band)) {
            if (!types.isEmpty() && !types.contains(h.msg.request.type())) {
                continue;
            }
            String key = h.msg.request.key();
            if (key != null && (leasedKeys.contains(key) || busyKeys.contains(key))) {
                continue;
            }
            Entry e = tasks.get(h.msg.id);
            if (e != null && e.lease != null) {
                continue; // a duplicate copy of a task leased here right now
            }
            return h;
        }
        return null;
    }

    private Lease grant(Held h, String workerId, Instant now, Duration visibilityTimeout) {
        Entry e = tasks.get(h.msg.id);
        if (e == null) {
            e = remember(h.msg);
        }
        e.state = TaskState.LEASED;
        e.attempt = h.msg.attempts + 1;
        e.failures = h.msg.failures;
        String key = h.msg.request.key();
        if (key != null) {
            leasedKeys.add(key);
        }
        Task task = new Task(e.id, h.msg.request, e.attempt, h.msg.maxAttempts, h.msg.submittedAt);
        RabbitLease lease = new RabbitLease(e, h, task, workerId, System.nanoTime());
        e.lease = lease;
        leasedNow++;
        lease.arm(now, visibilityTimeout);
        publishEvent(e.id, TaskState.LEASED, null);
        metrics.waited(Duration.between(h.msg.readyAt, now));
        return lease;
    }

    private @Nullable Held findHeld(String taskId) {
        for (TreeSet<Held> band : held) {
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

    private void removeHeld(Held h) {
        held.get(band(h.msg)).remove(h);
        if (waiting.remove(h)) {
            h.cancelTimer();
        }
    }

    /**
     * Returns messages held (not leased) longer than the hold limit to the broker, so that no delivery reaches the
     * broker's consumer timeout; the next lease call fetches them again.
     */
    private void releaseStaleHolds() {
        long limit = config.holdLimit().toNanos();
        long nowNanos = System.nanoTime();
        List<Held> stale = new ArrayList<>();
        for (TreeSet<Held> band : held) {
            band.stream().filter(h -> nowNanos - h.heldSince >= limit).forEach(stale::add);
        }
        waiting.stream().filter(h -> nowNanos - h.heldSince >= limit).forEach(stale::add);
        for (Held h : stale) {
            removeHeld(h);
            requeue(h);
        }
    }

    private double queuedNow() {
        return (double) readyInBroker + heldNow;
    }

    /** Refreshes what the gauges read: ready messages in the broker, and holds and leases of this process. */
    private void countReady() {
        try {
            synchronized (this) {
                if (closed || channel == null) {
                    return;
                }
                long ready = 0;
                Channel ch = channel();
                List<String> counted = new ArrayList<>(List.of(bandQueues));
                counted.add(delayedQueue);
                buckets.forEach(b -> counted.add(waitQueue(b)));
                for (String q : counted) {
                    ready += ch.messageCount(q);
                }
                readyInBroker = ready;
                refreshLocalCounts();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Counting the ready tasks of {} failed: {}", config.queue(), e.toString());
        } finally {
            runAfterUnlock();
        }
    }

    /** Monitor held. */
    private void refreshLocalCounts() {
        int h = waiting.size();
        for (TreeSet<Held> band : held) {
            h += band.size();
        }
        heldNow = h;
    }

    /**
     * Returns the ready messages this call fetched but did not lease, so that no process sits on tasks another
     * process could run: holding them between calls would only save fetches. Waiting (delayed) messages stay held
     * for their timers.
     */
    private void returnUnleased() {
        for (TreeSet<Held> band : held) {
            for (Held h : band) {
                requeue(h);
            }
            band.clear();
        }
    }

    private void sweep() {
        try {
            synchronized (this) {
                if (closed) {
                    return;
                }
                runPending();
                releaseStaleHolds();
            }
        } catch (RuntimeException e) {
            LOG.warn("RabbitMQ task queue {}: background sweep failed: {}", config.queue(), e.toString());
        } finally {
            runAfterUnlock();
        }
    }

    // ---- timers: a clock action only queues work; the next call (or the worker thread) runs it ----

    /**
     * Queues {@code work} from a clock action. Clock actions must be short and may run on a shared timer thread, so
     * broker work runs on this queue's worker thread, or earlier, at the start of the next call on this queue; either
     * way before that call observes anything.
     */
    private void later(Runnable work) {
        synchronized (pending) {
            pending.add(work);
        }
        try {
            worker.execute(this::runPendingAsync);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: nothing more to do
        }
    }

    private void runPendingAsync() {
        try {
            synchronized (this) {
                if (!closed) {
                    runPending();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("RabbitMQ task queue {}: timer work failed: {}", config.queue(), e.toString());
        } finally {
            runAfterUnlock();
        }
    }

    private void runPendingIfOpen() {
        if (!closed) {
            runPending();
        }
    }

    /** Monitor held. */
    private void runPending() {
        while (true) {
            Runnable next;
            synchronized (pending) {
                next = pending.poll();
            }
            if (next == null) {
                return;
            }
            next.run();
        }
    }

    private void deadlinePassed(Entry e) {
        if (closed || e.state != TaskState.QUEUED || tasks.get(e.id) != e) {
            return;
        }
        Held h = findHeld(e.id);
        if (h != null) {
            removeHeld(h);
            dropHeld(h);
        }
        finish(e, TaskState.FAILED, TaskLifecycle.deadlinePassed(e.request.deadline()), null);
        metrics.failed();
    }

    // ---- outcomes, monitor held ----

    private void endLease(Entry e, LeaseLostException.Reason reason) {
        RabbitLease lease = e.lease;
        if (lease == null) {
            return;
        }
        e.lease = null;
        leasedNow--;
        lease.lostReason = reason;
        lease.disarm();
        String key = e.request.key();
        if (key != null) {
            leasedKeys.remove(key);
            unlockKey(key);
        }
    }

    // ---- cross-process key locks and idempotency claims, on the auxiliary channel, monitor held ----

    /**
     * The auxiliary channel, in confirm mode, for operations the broker may answer with a channel error (a lock
     * held elsewhere, a claim queue declared with other arguments): such an error closes this channel only, never
     * the one carrying the held deliveries.
     */
    private Channel aux() {
        Channel a = auxChannel;
        if (a != null && a.isOpen()) {
            return a;
        }
        channel(); // connects if needed
        try {
            a = Objects.requireNonNull(connection, "connection").createChannel();
            a.confirmSelect();
            auxChannel = a;
            return a;
        } catch (IOException e) {
            throw sideFailure("open the auxiliary channel", e);
        }
    }

    /**
     * Takes the broker-wide lock of a task key: an exclusive queue of this connection. Another connection holding
     * it makes the broker refuse the declaration (RESOURCE_LOCKED); a connection that dies releases its locks.
     *
     * @return whether this process now holds the key
     */
    private boolean lockKey(String key) {
        try {
            aux().queueDeclare(lockQueue(key), false, true, true, Map.of("x-queue-type", "classic"));
            return true;
        } catch (IOException e) {
            auxChannel = null; // the broker closed it
            if (isChannelError(e, 405)) {
                return false;
            }
            throw sideFailure("lock task key " + key, e);
        }
    }

    private void unlockKey(String key) {
        Connection c = connection;
        if (closed || c == null || !c.isOpen()) {
            return; // a closed connection took its exclusive queues, the locks, with it
        }
        try {
            Channel a = auxChannel;
            if (a == null || !a.isOpen()) {
                a = c.createChannel();
                a.confirmSelect();
                auxChannel = a;
            }
            a.queueDelete(lockQueue(key));
        } catch (IOException | RuntimeException e) {
            auxChannel = null;
            LOG.warn("Could not release the lock of task key {} on {}: {}", key, config.queue(), e.toString());
        }
    }

    private String lockQueue(String key) {
        return config.queue() + ".lock." + digest(key);
    }

    /**
     * Claims an idempotency key for {@code taskId} across processes: a claim queue per key holds at most one
     * message ({@code x-max-length=1}, {@code reject-publish}), so the first claim is confirmed and every later one
     * nacked until the claim expires. The claim's expiry is read on the task clock; the queue's TTLs only clean up.
     *
     * @return null if the key is now claimed for {@code taskId}, else the claim holder's task id and expiry
     */
    private @Nullable Claim claim(String key, String taskId, Instant now) {
        String name = claimQueue(key);
        long ttl = Math.min(options.idempotencyWindow().toMillis(), MAX_TTL_MS);
        Map<String, Object> args = Map.of(
                "x-queue-type",
                "classic",
                "x-max-length",
                1,
                "x-overflow",
                "reject-publish",
                "x-message-ttl",
                ttl,
                "x-expires",
                Math.min(ttl + 60_000, MAX_TTL_MS));
        Instant expiresAt = now.plus(options.idempotencyWindow());
        for (int tries = 0; tries < 5; tries++) {
            try {
                Channel a = aux();
                a.queueDeclare(name, true, false, false, args);
                a.basicPublish(
                        "",
                        name,
                        new AMQP.BasicProperties.Builder()
                                .messageId(taskId)
                                .deliveryMode(2)
                                .headers(Map.of(H_CLAIM_EXPIRES, expiresAt.toString()))
                                .build(),
                        new byte[0]);
                if (a.waitForConfirms(config.confirmTimeout().toMillis())) {
                    return null;
                }
                GetResponse r = a.basicGet(name, false);
                if (r == null) {
                    continue; // the claim expired in between: claim again
                }
                Map<String, Object> h = r.getProps().getHeaders() == null
                        ? Map.of()
                        : r.getProps().getHeaders();
                String until = TaskMessage.optional(h, H_CLAIM_EXPIRES);
                Instant holderExpires = until == null ? Instant.MIN : Instant.parse(until);
                if (!holderExpires.isAfter(now)) {
                    a.basicAck(r.getEnvelope().getDeliveryTag(), false); // stale by the task clock: remove it
                    continue;
                }
                a.basicNack(r.getEnvelope().getDeliveryTag(), false, true);
                return new Claim(Objects.requireNonNullElse(r.getProps().getMessageId(), ""), holderExpires);
            } catch (IOException e) {
                auxChannel = null;
                throw sideFailure("claim idempotency key " + key + " (queue " + name + ")", e);
            } catch (TimeoutException e) {
                throw new ScaleplaneException("no confirm for the claim of idempotency key " + key, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ScaleplaneException("interrupted while claiming idempotency key " + key, e);
            }
        }
        throw new ScaleplaneException(
                "idempotency key " + key + " is being claimed and released concurrently;" + " try again");
    }

    /** Withdraws this process's claim after its submission failed. */
    private void unclaim(String key) {
        try {
            GetResponse r = aux().basicGet(claimQueue(key), true);
            if (r == null) {
                LOG.warn("The claim of idempotency key {} was already gone", key);
            }
        } catch (IOException | RuntimeException e) {
            auxChannel = null;
            LOG.warn("Could not withdraw the claim of idempotency key {}: {}", key, e.toString());
        }
    }

    private String claimQueue(String key) {
        return config.queue() + ".idem." + digest(key);
    }

    private static String digest(String key) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static boolean isChannelError(IOException e, int code) {
        return e.getCause() instanceof com.rabbitmq.client.ShutdownSignalException s
                && s.getReason() instanceof AMQP.Channel.Close close
                && close.getReplyCode() == code;
    }

    private record Claim(String taskId, Instant expiresAt) {}

    private void finish(Entry e, TaskState state, String why, @Nullable Throwable cause) {
        e.state = state;
        CompletableFuture<@Nullable Object> f = e.future;
        switch (state) {
            case CANCELLED -> afterUnlock.add(() -> f.cancel(false));
            case FAILED, DEAD_LETTERED -> {
                TaskFailedException failure =
                        new TaskFailedException(e.id, e.request.type(), state, e.attempt, why, cause);
                afterUnlock.add(() -> f.completeExceptionally(failure));
            }
            default -> throw new IllegalStateException("not a failure state: " + state);
        }
        if (state != TaskState.DEAD_LETTERED) {
            forgetLater(e);
        }
    }

    /** Records a failed or lapsed attempt and retries, dead-letters or fails the task. */
    private Lease.FailureOutcome failed(
            RabbitLease lease, TaskFailure failure, @Nullable Throwable cause, LeaseLostException.Reason reason) {
        Entry e = lease.entry;
        Held h = lease.held;
        Instant now = failure.at();
        List<TaskFailure> failures = new ArrayList<>(h.msg.failures);
        failures.add(failure);
        endLease(e, reason);
        int attempt = lease.task.attempt();
        AttemptVerdict verdict = TaskLifecycle.afterFailedAttempt(
                options.retryPolicyFor(e.request.type()),
                attempt,
                h.msg.maxAttempts,
                cause,
                e.request.deadline(),
                now,
                random.getAsDouble());
        if (verdict instanceof AttemptVerdict.DeadLetter d) {
            TaskMessage dead = h.msg.dead(attempt, failures, d.reason(), now);
            if (!publish(channel(), deadQueue, dead.properties(), dead.body())) {
                throw new ScaleplaneException("the broker refused the dead letter of task " + e.id);
            }
            e.failures = failures;
            e.deadGeneration = h.msg.generation;
            dropHeld(h);
            finish(e, TaskState.DEAD_LETTERED, d.why(), cause);
            metrics.deadLettered(d.reason());
            publishEvent(e.id, TaskState.DEAD_LETTERED, null);
            return verdict.outcome();
        }
        if (verdict instanceof AttemptVerdict.Fail f) {
            dropHeld(h);
            finish(e, TaskState.FAILED, f.why(), cause);
            metrics.failed();
            publishEvent(e.id, TaskState.FAILED, null);
            return verdict.outcome();
        }
        Instant retryAt = ((AttemptVerdict.Retry) verdict).at();
        // Publish the retry before acknowledging the attempt: a crash in between may run it twice, never loses it.
        publishTask(h.msg.retry(attempt, failures, retryAt), now);
        ack(h);
        e.state = TaskState.QUEUED;
        e.failures = failures;
        publishEvent(e.id, TaskState.QUEUED, null);
        metrics.retried();
        return verdict.outcome();
    }

    private void forgetLater(Entry e) {
        finished.add(e, clock.now());
    }

    private void forgetExpired(Instant now) {
        Iterator<Instant> cancels = remoteCancels.values().iterator();
        while (cancels.hasNext() && !cancels.next().isAfter(now)) {
            cancels.remove();
        }
        finished.expire(now);
    }

    /** Forgets a task whose retention passed, unless it was redriven meanwhile or is a remote one under lease here. */
    private void forget(Entry e) {
        boolean done = e.state.isTerminal() && e.state != TaskState.DEAD_LETTERED;
        if ((done || (e.remote && e.lease == null)) && tasks.get(e.id) == e) {
            tasks.remove(e.id);
        }
    }

    private void runAfterUnlock() {
        afterUnlock.runUnlessHolding(this); // a nested call leaves them to the outermost one, outside the monitor
    }

    // ---- state ----

    /** A message delivered to this process and not yet acknowledged. */
    private static final class Held {
        final TaskMessage msg;
        final long tag;
        final long epoch;
        final long seq;
        final String queue;
        final long heldSince;
        TaskClock.@Nullable Cancellable timer;

        Held(TaskMessage msg, long tag, long epoch, long seq, String queue, long heldSince) {
            this.msg = msg;
            this.tag = tag;
            this.epoch = epoch;
            this.seq = seq;
            this.queue = queue;
            this.heldSince = heldSince;
        }

        void cancelTimer() {
            TaskClock.Cancellable t = timer;
            timer = null;
            if (t != null) {
                t.cancel();
            }
        }
    }

    /** What this process knows about one task. */
    private final class Entry {
        final String id;
        final TaskRequest request;
        final int maxAttempts;
        final Instant submittedAt;
        TaskState state = TaskState.QUEUED;
        int attempt;
        List<TaskFailure> failures = List.of();
        /** Known here only as the first task of an idempotency key submitted elsewhere; forgotten after retention. */
        boolean remote;
        /** The generation of the message this process dead-lettered; -1 if none. */
        int deadGeneration = -1;

        @Nullable
        RabbitLease lease;

        CompletableFuture<@Nullable Object> future = new CompletableFuture<>();
        TaskHandle handle;

        Entry(String id, TaskRequest request, int maxAttempts, Instant submittedAt) {
            this.id = id;
            this.request = request;
            this.maxAttempts = maxAttempts;
            this.submittedAt = submittedAt;
            this.handle = newHandle(this);
        }
    }

    private final class RabbitLease implements Lease {
        final Entry entry;
        final Held held;
        final Task task;
        private final String workerId;
        private final long grantedNanos;
        private Instant expiresAt = Instant.EPOCH;
        private TaskClock.@Nullable Cancellable expiry;
        LeaseLostException.@Nullable Reason lostReason;

        RabbitLease(Entry entry, Held held, Task task, String workerId, long grantedNanos) {
            this.entry = entry;
            this.held = held;
            this.task = task;
            this.workerId = workerId;
            this.grantedNanos = grantedNanos;
        }

        /**
         * Sets the expiry to {@code now + timeout}, capped so that the delivery is acknowledged or returned before
         * the broker's consumer timeout would close the channel. Monitor held.
         */
        void arm(Instant now, Duration timeout) {
            disarm();
            Duration budget = config.consumerTimeout()
                    .minus(CONSUMER_TIMEOUT_MARGIN)
                    .minusNanos(System.nanoTime() - grantedNanos);
            Duration effective =
                    timeout.compareTo(budget) <= 0 ? timeout : budget.isNegative() ? Duration.ZERO : budget;
            expiresAt = now.plus(effective);
            Instant due = expiresAt;
            expiry = clock.schedule(effective, () -> later(() -> lapse(due)));
        }

        void disarm() {
            TaskClock.Cancellable c = expiry;
            expiry = null;
            if (c != null) {
                c.cancel();
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
            synchronized (RabbitTaskQueue.this) {
                return expiresAt;
            }
        }

        @Override
        public Instant heartbeat(Duration extension) {
            Objects.requireNonNull(extension, "extension");
            TaskLifecycle.requirePositive(extension, "extension");
            try {
                synchronized (RabbitTaskQueue.this) {
                    Instant now = checkHeld();
                    arm(now, extension);
                    return expiresAt;
                }
            } finally {
                runAfterUnlock();
            }
        }

        @Override
        public void complete(@Nullable Object result) {
            try {
                synchronized (RabbitTaskQueue.this) {
                    checkHeld();
                    endLease(entry, LeaseLostException.Reason.ENDED);
                    dropHeld(held);
                    entry.state = TaskState.SUCCEEDED;
                    CompletableFuture<@Nullable Object> f = entry.future;
                    afterUnlock.add(() -> f.complete(result));
                    forgetLater(entry);
                    publishEvent(entry.id, TaskState.SUCCEEDED, result);
                    metrics.succeeded();
                }
            } finally {
                runAfterUnlock();
            }
        }

        @Override
        public FailureOutcome fail(Throwable failure) {
            Objects.requireNonNull(failure, "failure");
            try {
                synchronized (RabbitTaskQueue.this) {
                    Instant now = checkHeld();
                    TaskFailure f = TaskLifecycle.failure(task.attempt(), workerId, failure, now);
                    return failed(this, f, failure, LeaseLostException.Reason.ENDED);
                }
            } finally {
                runAfterUnlock();
            }
        }

        /** Throws unless this lease still holds its task; a lease found past its expiry lapses here. */
        private Instant checkHeld() {
            if (closed) {
                throw lost(LeaseLostException.Reason.CLOSED);
            }
            runPending();
            LeaseLostException.@Nullable Reason reason = lostReason;
            if (reason != null) {
                throw lost(reason);
            }
            if (held.epoch != epoch) {
                lostReason = LeaseLostException.Reason.EXPIRED;
                throw lost(LeaseLostException.Reason.EXPIRED);
            }
            Instant now = clock.now();
            if (!now.isBefore(expiresAt)) {
                expire(now);
                throw lost(LeaseLostException.Reason.EXPIRED);
            }
            return now;
        }

        private LeaseLostException lost(LeaseLostException.Reason reason) {
            return new LeaseLostException(entry.id, workerId, task.attempt(), reason, expiresAt);
        }

        private void lapse(Instant due) {
            if (!closed
                    && entry.lease == this
                    && lostReason == null
                    && !clock.now().isBefore(expiresAt)) {
                expire(due.isAfter(expiresAt) ? due : expiresAt);
            }
        }

        private void expire(Instant at) {
            TaskFailure f = TaskLifecycle.leaseLapsed(task.attempt(), workerId, expiresAt, at);
            metrics.leaseExpired();
            failed(this, f, null, LeaseLostException.Reason.EXPIRED);
        }

        @Override
        public String toString() {
            return "Lease{task=" + entry.id + ", attempt=" + task.attempt() + ", worker=" + workerId + '}';
        }
    }

    /**
     * Dead letters live in {@code Q.dead}. Reading them means fetching messages unacknowledged on a channel of its
     * own and returning the ones not redriven or discarded, so each call is O(dead letters) and, while it runs,
     * another process sees fewer of them.
     */
    private final class DeadLettersView implements TaskDeadLetters {

        @Override
        public List<TaskDeadLetter> list(int limit) {
            TaskLifecycle.requireLimit(limit);
            List<TaskDeadLetter> out = new ArrayList<>();
            browse(limit, (dl, ack) -> {
                out.add(dl);
                return false;
            });
            return out;
        }

        @Override
        public Optional<TaskDeadLetter> find(String taskId) {
            Objects.requireNonNull(taskId, "taskId");
            List<TaskDeadLetter> found = new ArrayList<>();
            browse(Integer.MAX_VALUE, (dl, ack) -> {
                if (found.isEmpty() && dl.taskId().equals(taskId)) {
                    found.add(dl);
                }
                return false;
            });
            return found.stream().findFirst();
        }

        @Override
        public TaskHandle redrive(String taskId) {
            Objects.requireNonNull(taskId, "taskId");
            List<TaskHandle> handles = redriveWhere(dl -> dl.taskId().equals(taskId), 1);
            if (handles.isEmpty()) {
                throw new NoSuchElementException("no dead letter for task " + taskId);
            }
            return handles.get(0);
        }

        @Override
        public int redrive(Predicate<? super TaskDeadLetter> filter) {
            Objects.requireNonNull(filter, "filter");
            return redriveWhere(filter, Integer.MAX_VALUE).size();
        }

        @Override
        public boolean discard(String taskId) {
            Objects.requireNonNull(taskId, "taskId");
            boolean[] done = {false};
            browse(Integer.MAX_VALUE, (dl, msg) -> {
                if (done[0] || !dl.taskId().equals(taskId)) {
                    return false;
                }
                done[0] = true;
                Entry e = tasks.get(taskId);
                if (e != null && e.state == TaskState.DEAD_LETTERED) {
                    forgetLater(e);
                }
                return true;
            });
            return done[0];
        }

        private List<TaskHandle> redriveWhere(Predicate<? super TaskDeadLetter> filter, int max) {
            List<TaskHandle> handles = new ArrayList<>();
            try {
                synchronized (RabbitTaskQueue.this) {
                    if (closed) {
                        throw new TaskQueueClosedException("cannot redrive dead letters");
                    }
                    browse(Integer.MAX_VALUE, (dl, msg) -> {
                        if (handles.size() >= max || msg == null || !filter.test(dl)) {
                            return false;
                        }
                        handles.add(redriveOne(msg));
                        return true;
                    });
                }
            } finally {
                runAfterUnlock();
            }
            return handles;
        }

        /** Publishes a dead-lettered task back to its band, ready now, with a new handle. Monitor held. */
        private TaskHandle redriveOne(TaskMessage dead) {
            Instant now = clock.now();
            Channel ch = channel();
            // Redrive ignores the capacity: a refused token only means the task is not counted.
            boolean counted = publish(
                    ch,
                    ledgerQueue,
                    new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                    new byte[0]);
            TaskMessage msg = dead.redriven(now, counted);
            try {
                publishTask(msg, now);
            } catch (RuntimeException e) {
                if (counted) {
                    takeToken();
                }
                throw e;
            }
            Entry e = tasks.get(msg.id);
            if (e == null) {
                e = remember(msg);
            } else {
                e.future = new CompletableFuture<>();
                e.handle = newHandle(e);
                e.state = TaskState.QUEUED;
            }
            e.attempt = 0;
            e.failures = List.of();
            return e.handle;
        }

        /**
         * Fetches up to {@code limit} dead letters on a channel of its own; those {@code visitor} returns true for
         * are acknowledged (removed), the others go back in their order.
         */
        private void browse(int limit, DeadLetterVisitor visitor) {
            try {
                synchronized (RabbitTaskQueue.this) {
                    if (closed) {
                        throw new TaskQueueClosedException("cannot read dead letters");
                    }
                    Channel ch;
                    try {
                        ch = Objects.requireNonNull(connectionOf(channel())).createChannel();
                    } catch (IOException e) {
                        throw sideFailure("open a channel to read " + deadQueue, e);
                    }
                    List<Long> keep = new ArrayList<>();
                    try {
                        for (int n = 0; n < limit; n++) {
                            GetResponse r = ch.basicGet(deadQueue, false);
                            if (r == null) {
                                break;
                            }
                            long tag = r.getEnvelope().getDeliveryTag();
                            TaskMessage msg = null;
                            TaskDeadLetter dl;
                            try {
                                msg = TaskMessage.decode(r.getProps(), r.getBody(), loader);
                                dl = deadLetterOf(msg);
                            } catch (UndecodableTaskException e) {
                                dl = undecodableDeadLetter(r, e);
                            }
                            if (visitor.visit(dl, msg)) {
                                ch.basicAck(tag, false);
                            } else {
                                keep.add(tag);
                            }
                        }
                        for (long tag : keep) {
                            ch.basicNack(tag, false, true);
                        }
                    } catch (IOException e) {
                        throw sideFailure("read " + deadQueue, e);
                    } finally {
                        try {
                            if (ch.isOpen()) {
                                ch.close();
                            }
                        } catch (IOException | TimeoutException e) {
                            LOG.debug("Closing the dead-letter channel failed", e);
                        }
                    }
                }
            } finally {
                runAfterUnlock();
            }
        }

        private @Nullable Connection connectionOf(Channel ch) {
            return ch.getConnection();
        }

        private TaskDeadLetter deadLetterOf(TaskMessage msg) {
            Task task = new Task(msg.id, msg.request, Math.max(1, msg.attempts), msg.maxAttempts, msg.submittedAt);
            Instant at = msg.deadAt != null ? msg.deadAt : msg.readyAt;
            TaskDeadLetter.Reason reason =
                    msg.deadReason != null ? msg.deadReason : TaskDeadLetter.Reason.ATTEMPTS_EXHAUSTED;
            return new TaskDeadLetter(task, reason, msg.failures, at);
        }

        private TaskDeadLetter undecodableDeadLetter(GetResponse r, UndecodableTaskException e) {
            AMQP.BasicProperties p = r.getProps();
            Map<String, Object> h = p.getHeaders() == null ? Map.of() : p.getHeaders();
            String why = Objects.requireNonNullElse(TaskMessage.optional(h, "x-sp-undecodable"), e.getMessage());
            String at = TaskMessage.optional(h, TaskMessage.H_DEAD_AT);
            Instant when = at == null ? clock.now() : Instant.parse(at);
            String id = p.getMessageId() == null ? "unknown" : p.getMessageId();
            Task task = new Task(id, TaskRequest.of("undecodable", r.getBody()), 1, 1, when);
            TaskFailure failure =
                    new TaskFailure(1, "rabbitmq-task-queue", UndecodableTaskException.class.getName(), why, when);
            return new TaskDeadLetter(task, TaskDeadLetter.Reason.NON_RETRYABLE, List.of(failure), when);
        }
    }

    /** Visits one dead letter while browsing; returns true to remove it. */
    @FunctionalInterface
    private interface DeadLetterVisitor {
        boolean visit(TaskDeadLetter deadLetter, @Nullable TaskMessage message) throws IOException;
    }
}
