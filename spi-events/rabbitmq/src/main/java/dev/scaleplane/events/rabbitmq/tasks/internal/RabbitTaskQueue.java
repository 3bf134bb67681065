package dev.scaleplane.events.rabbitmq.tasks.internal;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.QueueFullException;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskDeadLetters;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskPriority;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueCapability;
import dev.scaleplane.api.orchestration.TaskQueueClosedException;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.orchestration.TaskQueueMetrics;
import dev.scaleplane.core.orchestration.support.BasicTaskHandle;
import dev.scaleplane.core.orchestration.support.TaskLifecycle;
import dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueConfig;
import dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task queue on RabbitMQ. The broker holds every task; the queue's {@link TaskClock} decides when a task is ready,
 * when a lease lapses and when a deadline passes, so that all timing follows one clock (and tests run on virtual
 * time).
 *
 * <p>This class is the facade: it implements {@link TaskQueue} and delegates to package-private parts, one concern
 * each, that share its monitor ({@code QueueMonitor}, which says what it guards): {@code Topology} (the queues
 * {@code Q.p0}..{@code Q.p4}, {@code Q.delayed}, {@code Q.wait.*}, {@code Q.dead}, {@code Q.ledger} and where a task
 * goes), {@code BrokerLink} (connection, channels, confirms), {@code TaskBook} (what this process knows about tasks),
 * {@code HeldMessages} and {@code Selection} (held deliveries, the next task to lease, the timers), {@code Leases}
 * and {@code RabbitLease}, {@code KeyLocks}, {@code IdempotencyClaims}, {@code TaskEvents} (cross-process fan-out)
 * and {@code DeadLettersView}.
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
 *   <li><b>Priorities and aging</b>: a lease call fetches the heads of the five {@linkplain TaskPriority priority}
 *       bands (up to {@link RabbitTaskQueueConfig#prefetch()} per band to look past busy keys and other types) and
 *       leases the one with the best effective rank, the same rule as the in-memory queue; what it fetched and did
 *       not lease goes back at the end of the call, so no process sits on tasks another could run. Exact among the
 *       fetched heads; a head another process is fetching at that moment is not seen.
 *   <li><b>Delays and retries</b>: a task ready within the hold limit waits in {@code Q.delayed}; the next lease
 *       call of any process holds it and sets a timer on its clock for its ready time. Longer delays ride the TTL
 *       queues first. Messages held longer than the hold limit (real time) go back to the broker, so no delivery
 *       reaches the broker's {@code consumer_timeout}.
 *   <li><b>Bound</b>: a submission first puts a token into {@code Q.ledger} ({@code x-max-length} = the capacity,
 *       {@code reject-publish}): a nacked token is {@link QueueFullException}, across every process.
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
    private static final long METRICS_REFRESH_MS = 5_000;

    private final RabbitTaskQueueConfig config;
    private final TaskQueueOptions options;
    private final TaskClock clock;
    private final QueueMonitor monitor;
    private final Topology topology;
    private final BrokerLink broker;
    private final TaskBook book;
    private final HeldMessages held;
    private final KeyLocks keyLocks;
    private final TaskEvents events;
    private final IdempotencyClaims idempotency;
    private final TaskQueueMetrics metrics;
    private final Leases leases;
    private final Selection selection;
    private final DeadLettersView deadLetters;

    /** Ready messages in the broker at the last count; read by the queued gauge without the monitor. */
    private volatile long readyInBroker;

    private volatile int heldNow;

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
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader()
                : RabbitTaskQueue.class.getClassLoader();
        topology = new Topology(config, options);
        ConnectionFactory factory = connectionFactory(config);
        monitor = new QueueMonitor(config.queue());
        QueueParts parts = new QueueParts(config, options, clock, random, loader, topology, monitor);
        book = new TaskBook(options, clock, monitor, this::newHandle);
        broker = new BrokerLink(config, topology, factory, clock, loader, monitor, new BrokerLink.Hooks() {
            @Override
            public void connected(Connection c) throws IOException {
                events.ensureSubscribed(c);
            }

            @Override
            public boolean channelLost() {
                return dropHoldsAndLeases();
            }
        });
        held = new HeldMessages(topology, broker, config.holdLimit());
        keyLocks = new KeyLocks(topology, broker, config.queue());
        events = new TaskEvents(topology, loader, monitor, book, held, broker);
        idempotency = new IdempotencyClaims(topology, broker, options.idempotencyWindow(), config.confirmTimeout());
        synchronized (monitor) {
            try {
                broker.channel();
            } catch (RuntimeException e) {
                monitor.shutdown();
                broker.close();
                throw e;
            }
        }
        metrics = new TaskQueueMetrics(
                Objects.requireNonNull(registry, "registry"), "rabbitmq", this::queuedNow, book::leased);
        leases = new Leases(parts, broker, book, keyLocks, events, metrics);
        selection = new Selection(parts, broker, held, book, keyLocks, events, metrics);
        deadLetters = new DeadLettersView(parts, broker, book);
        long sweep = Math.max(50, config.holdLimit().toMillis() / 2);
        monitor.every(sweep, sweep, this::sweep);
        monitor.every(0, METRICS_REFRESH_MS, this::countReady);
    }

    /** The configured connection factory, without automatic recovery. */
    private static ConnectionFactory connectionFactory(RabbitTaskQueueConfig config) {
        ConnectionFactory factory = config.connectionFactory();
        // Recovery would renumber delivery tags under held leases; this queue reconnects itself and drops holds.
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        return factory;
    }

    // ---- public API ----

    @Override
    public Set<TaskQueueCapability> capabilities() {
        return RabbitTaskQueueProvider.CAPABILITIES;
    }

    @Override
    public TaskHandle submit(TaskRequest request) {
        Objects.requireNonNull(request, "request");
        return monitor.call(() -> {
            if (monitor.closed()) {
                throw new TaskQueueClosedException("cannot submit a task of type '" + request.type() + "'");
            }
            monitor.runPending();
            Instant now = clock.now();
            book.forgetExpired(now);
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
                IdempotencyClaims.Claim holder = idempotency.claim(key, msg.id, now);
                if (holder != null) {
                    return duplicateOf(holder, request, maxAttempts, now, key);
                }
            }
            enqueue(msg, body, key, now);
            Entry e = book.add(msg.id, request, maxAttempts, now);
            if (key != null) {
                idempotency.remember(key, e.handle, now);
            }
            selection.watchDeadline(e, now);
            metrics.submitted();
            return e.handle;
        });
    }

    /**
     * Publishes a new task: its token into the ledger (a nack is {@link QueueFullException}), then the message to
     * its destination, both confirmed; on failure takes the token back and withdraws the idempotency claim.
     */
    private void enqueue(TaskMessage msg, byte[] body, @Nullable String key, Instant now) {
        Channel ch = broker.channel();
        try {
            if (!broker.addToken(ch)) {
                throw new QueueFullException(msg.request.type(), options.capacity());
            }
        } catch (RuntimeException e) {
            if (key != null) {
                idempotency.unclaim(key);
            }
            throw e;
        }
        try {
            if (!broker.publish(ch, topology.destination(msg, now), msg.properties(), body)) {
                throw new ScaleplaneException(
                        "the broker refused task " + msg.id + " of type '" + msg.request.type() + "' (publish nacked)");
            }
        } catch (RuntimeException e) {
            broker.takeToken();
            if (key != null) {
                idempotency.unclaim(key);
            }
            throw e;
        }
    }

    /**
     * The handle of a task another process submitted first with the same idempotency key. Its state and result
     * follow the events this process receives from then on; an outcome reached before is not known here.
     */
    private TaskHandle duplicateOf(
            IdempotencyClaims.Claim holder, TaskRequest request, int maxAttempts, Instant now, String key) {
        Entry e = book.get(holder.taskId());
        if (e == null) {
            e = book.addRemote(holder.taskId(), request, maxAttempts, now);
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
        return monitor.call(() -> {
            if (monitor.closed()) {
                throw new TaskQueueClosedException("cannot lease tasks for worker '" + workerId + "'");
            }
            monitor.runPending();
            Instant now = clock.now();
            book.forgetExpired(now);
            held.releaseStale();
            selection.drainDelayed(now);
            keyLocks.newCall();
            List<Lease> granted = new ArrayList<>();
            while (granted.size() < maxTasks) {
                Held next = selection.nextReady(now, types);
                if (next == null) {
                    break;
                }
                held.unready(next);
                granted.add(leases.grant(next, workerId, now, visibilityTimeout));
            }
            held.returnReady();
            refreshLocalCounts();
            return granted;
        });
    }

    @Override
    public Optional<TaskState> state(String taskId) {
        return lookup(taskId, e -> e.state);
    }

    @Override
    public Optional<TaskHandle> handle(String taskId) {
        return lookup(taskId, e -> e.handle);
    }

    private <T> Optional<T> lookup(String taskId, Function<Entry, T> what) {
        Objects.requireNonNull(taskId, "taskId");
        return monitor.call(() -> {
            monitor.runPendingIfOpen();
            book.forgetExpired(clock.now());
            Entry e = book.get(taskId);
            return e == null ? Optional.empty() : Optional.of(what.apply(e));
        });
    }

    @Override
    public boolean cancel(String taskId) {
        Objects.requireNonNull(taskId, "taskId");
        return monitor.call(() -> {
            monitor.runPendingIfOpen();
            Entry e = book.get(taskId);
            if (e == null || e.state.isTerminal()) {
                return false;
            }
            if (monitor.closed()) {
                throw new TaskQueueClosedException("cannot cancel task " + taskId);
            }
            RabbitLease lease = e.lease;
            if (lease != null) {
                lease.end(LeaseLostException.Reason.CANCELLED);
                broker.drop(lease.held);
            } else {
                // If not held here, the message is in the broker: it is dropped (and its token taken) when found.
                held.drop(taskId);
            }
            book.finish(e, TaskState.CANCELLED, "cancelled", null);
            metrics.cancelled();
            events.publish(taskId, TaskState.CANCELLED, null);
            return true;
        });
    }

    @Override
    public TaskDeadLetters deadLetters() {
        return deadLetters;
    }

    /** Unfinished tasks of every process sharing the queue: the ledger queue's message count. */
    @Override
    public int size() {
        return monitor.call(() -> {
            if (monitor.closed()) {
                return 0;
            }
            monitor.runPending();
            long count = broker.messageCount(topology.ledger(), "count the unfinished tasks");
            return (int) Math.min(Integer.MAX_VALUE, count);
        });
    }

    /**
     * Stops the queue and closes the connection. Tasks stay in the broker: held and leased messages go back to their
     * queues; this process's handles of unfinished tasks fail with {@link TaskQueueClosedException}. Idempotent.
     */
    @Override
    public void close() {
        try {
            synchronized (monitor) {
                if (monitor.closed()) {
                    return;
                }
                monitor.close();
                for (Entry e : book.entries()) {
                    if (!e.state.isTerminal()) {
                        RabbitLease lease = e.lease;
                        if (lease != null) {
                            lease.end(LeaseLostException.Reason.CLOSED);
                        }
                        CompletableFuture<@Nullable Object> f = e.future;
                        monitor.defer(() -> f.completeExceptionally(new TaskQueueClosedException(
                                "task " + e.id + " was not finished in this process; it stays in the broker")));
                    }
                }
                held.clear();
                keyLocks.clear();
                monitor.forgetPending();
                broker.close();
            }
        } finally {
            monitor.shutdown();
            metrics.close();
            monitor.runDeferred();
        }
    }

    @Override
    public String toString() {
        return "RabbitTaskQueue{" + config.queue() + ", " + config.queueType() + '}';
    }

    /** Sets what the worker thread runs right after its timer work released the monitor; for tests. */
    void afterTimerWork(Runnable hook) {
        monitor.afterTimerWork(hook);
    }

    // ---- parts' callbacks, background work ----

    private TaskHandle newHandle(Entry e) {
        return new BasicTaskHandle(
                e.id,
                e.future,
                this::cancel,
                () -> monitor.call(() -> {
                    monitor.runPendingIfOpen();
                    return e.state;
                }));
    }

    /**
     * The channel is gone: the broker returned every message it delivered on it, so holds are dropped and leases
     * are lost (their tasks are handed out again). Monitor held.
     *
     * @return whether anything was held
     */
    private boolean dropHoldsAndLeases() {
        boolean hadHolds = held.clear();
        for (Entry e : book.entries()) {
            RabbitLease lease = e.lease;
            if (lease != null) {
                hadHolds = true;
                lease.end(LeaseLostException.Reason.EXPIRED);
                e.state = TaskState.QUEUED;
            }
        }
        return hadHolds;
    }

    private void sweep() {
        monitor.background(() -> {
            if (monitor.closed()) {
                return;
            }
            try {
                monitor.runPending();
                held.releaseStale();
            } catch (RuntimeException e) {
                LOG.warn("RabbitMQ task queue {}: background sweep failed: {}", config.queue(), e.toString());
            }
        });
    }

    private double queuedNow() {
        return (double) readyInBroker + heldNow;
    }

    /** Refreshes what the gauges read: ready messages in the broker, and holds and leases of this process. */
    private void countReady() {
        monitor.background(() -> {
            if (monitor.closed() || broker.disconnected()) {
                return;
            }
            try {
                long ready = 0;
                Channel ch = broker.channel();
                for (String q : topology.taskQueues()) {
                    ready += ch.messageCount(q);
                }
                readyInBroker = ready;
                refreshLocalCounts();
            } catch (IOException | RuntimeException e) {
                LOG.debug("Counting the ready tasks of {} failed: {}", config.queue(), e.toString());
            }
        });
    }

    /** Monitor held. */
    private void refreshLocalCounts() {
        heldNow = held.count();
    }
}
