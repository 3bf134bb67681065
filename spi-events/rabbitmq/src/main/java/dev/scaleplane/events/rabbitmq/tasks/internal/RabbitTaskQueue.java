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
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * and {@code RabbitLease}, {@code SubmitChannel} and {@code TokenReturns}, {@code KeyLocks}, {@code IdempotencyClaims}, {@code TaskEvents} (cross-process fan-out)
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
 *   <li><b>Submissions</b> go out on a submit channel of their own ({@code SubmitChannel}) and wait for their
 *       confirms outside the monitor: a submission's token first, then, once the ledger confirmed it, its task
 *       message. {@link #submitAsync} returns at once and completes from the confirms (the publishes after a confirm
 *       and the bookkeeping run on one pipeline thread, in confirm order); {@link #submit} waits for it. So many
 *       submitting threads, or one pipelining thread, share the broker's confirm batches.
 *   <li><b>Bound</b>: a submission first puts a token into {@code Q.ledger} ({@code x-max-length} = the capacity,
 *       {@code reject-publish}): a nacked token is {@link QueueFullException}, across every process. A finished
 *       task's token is taken back by a thread of its own ({@code TokenReturns}); {@link #size()} and a refused
 *       token take this process's owed tokens first, another process's count lags by that moment.
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
 * <p>Thread-safety: all methods may be called from any thread; broker operations other than submissions and token
 * returns are serialized on one channel under the queue's monitor, and futures complete after it is released. Never
 * call {@link #submit} from a thread that holds the monitor (no public callback does).
 */
public final class RabbitTaskQueue implements TaskQueue {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitTaskQueue.class);
    private static final long METRICS_REFRESH_MS = 5_000;
    private static final byte[] NO_BODY = new byte[0];

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

    /** Submissions on their way through the pipeline; close waits for them. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Set when close starts: no new submission is prepared. */
    private volatile boolean closing;

    private final SubmitChannel submits;
    /** The submit pipeline's thread: publishes after confirms and settles submissions, in confirm order. */
    private final ExecutorService pipelineThread;
    /** Runs on the pipeline's thread, or on the caller's once it stopped, so that every submission settles. */
    private final Executor pipeline;

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
        submits = new SubmitChannel(config, broker, monitor);
        pipelineThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "scaleplane-rabbit-submit-" + config.queue());
            t.setDaemon(true);
            return t;
        });
        pipeline = work -> {
            try {
                pipelineThread.execute(work);
            } catch (RejectedExecutionException e) {
                work.run(); // closed: settle here rather than leave a submitter waiting forever
            }
        };
        synchronized (monitor) {
            try {
                broker.channel();
            } catch (RuntimeException e) {
                monitor.shutdown();
                pipelineThread.shutdown();
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
        try {
            return submitAsync(request).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new ScaleplaneException("cannot submit a task of type '" + request.type() + "'", cause);
        }
    }

    /**
     * Publishes the task's ledger token at once; the broker's confirm of the token (a nack is
     * {@link QueueFullException}) lets the task message follow, and its confirm completes the future. Both confirms
     * are awaited without the queue's monitor, on the submit pipeline's thread, so that many submissions share the
     * broker's confirm batches; the token is confirmed before the message is sent, so a refused submission never
     * leaves a message behind. Consecutive submissions of one thread publish their tokens in order and their messages
     * in the order of the tokens' confirms.
     */
    @Override
    public CompletableFuture<TaskHandle> submitAsync(TaskRequest request) {
        Objects.requireNonNull(request, "request");
        Submission s;
        try {
            s = monitor.call(() -> prepare(request));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        TaskHandle known = s.known;
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<TaskHandle> accepted = new CompletableFuture<>();
        submits.publish(topology.ledger(), BrokerLink.TOKEN, NO_BODY)
                .thenComposeAsync(this::retryTokenIfOwed, pipeline)
                .thenComposeAsync(counted -> publishMessage(s, counted), pipeline)
                .whenCompleteAsync((ok, failure) -> settle(s, ok, failure, accepted), pipeline);
        return accepted;
    }

    /** A submission between its checks under the monitor and the broker's confirms. */
    private static final class Submission {
        final @Nullable TaskHandle known;
        final @Nullable TaskMessage msg;
        final byte[] body;
        final @Nullable String key;
        final @Nullable Entry entry;
        final Instant at;
        /** Whether the ledger accepted its token (pipeline thread only). */
        boolean counted;

        Submission(
                @Nullable TaskHandle known,
                @Nullable TaskMessage msg,
                byte[] body,
                @Nullable String key,
                @Nullable Entry entry,
                Instant at) {
            this.known = known;
            this.msg = msg;
            this.body = body;
            this.key = key;
            this.entry = entry;
            this.at = at;
        }
    }

    /**
     * The checks and bookkeeping before the broker sees a submission: closed, a known idempotency key, the claim of a
     * new one, the message encoded (a bad payload takes no capacity) and the task's entry, so that a lease of its
     * message in this process finds the submitter's handle. Monitor held.
     */
    private Submission prepare(TaskRequest request) {
        if (monitor.closed() || closing) {
            throw new TaskQueueClosedException("cannot submit a task of type '" + request.type() + "'");
        }
        monitor.runPending();
        Instant now = clock.now();
        book.forgetExpired(now);
        String key = request.idempotencyKey();
        if (key != null) {
            TaskHandle first = idempotency.find(key, now);
            if (first != null) {
                return new Submission(first, null, NO_BODY, key, null, now);
            }
        }
        int maxAttempts = TaskLifecycle.maxAttempts(request, options);
        Instant readyAt = TaskLifecycle.readyAt(request, now);
        TaskMessage msg = new TaskMessage(
                UUID.randomUUID().toString(), request, maxAttempts, 0, now, readyAt, List.of(), true, null, null, 0);
        byte[] body = msg.body(); // encode before the token, so a bad payload takes no capacity
        if (key != null) {
            IdempotencyClaims.Claim holder = idempotency.claim(key, msg.id, now);
            if (holder != null) {
                return new Submission(
                        duplicateOf(holder, request, maxAttempts, now, key), null, NO_BODY, key, null, now);
            }
        }
        Entry e = book.add(msg.id, request, maxAttempts, now);
        if (key != null) {
            idempotency.remember(key, e.handle, now); // a second submission of the key meanwhile gets this handle
        }
        inFlight.incrementAndGet();
        return new Submission(null, msg, body, key, e, now);
    }

    /** A refused token is retried once if this process still owes tokens back: they are what fills the ledger. */
    private CompletionStage<Boolean> retryTokenIfOwed(boolean accepted) {
        if (accepted || !broker.tokens().busy()) {
            return CompletableFuture.completedFuture(accepted);
        }
        broker.tokens().flush();
        return submits.publish(topology.ledger(), BrokerLink.TOKEN, NO_BODY);
    }

    private CompletionStage<Boolean> publishMessage(Submission s, boolean counted) {
        TaskMessage msg = Objects.requireNonNull(s.msg);
        if (!counted) {
            throw new QueueFullException(msg.request.type(), options.capacity());
        }
        s.counted = true;
        return submits.publish(topology.destination(msg, s.at), msg.properties(), s.body);
    }

    /**
     * Ends a submission on the pipeline thread: accepted, it is watched for its deadline and counted; refused or
     * failed, its token is owed back, its claim withdrawn and its entry forgotten.
     */
    private void settle(
            Submission s, @Nullable Boolean ok, @Nullable Throwable failure, CompletableFuture<TaskHandle> accepted) {
        TaskMessage msg = Objects.requireNonNull(s.msg);
        Entry e = Objects.requireNonNull(s.entry);
        Throwable why = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
        if (why == null && !Boolean.TRUE.equals(ok)) {
            why = new ScaleplaneException(
                    "the broker refused task " + msg.id + " of type '" + msg.request.type() + "' (publish nacked)");
        }
        Throwable failed = why;
        try {
            monitor.run(() -> {
                if (failed == null) {
                    if (!monitor.closed()) {
                        broker.published(topology.destination(msg, s.at));
                        selection.watchDeadline(e, s.at);
                    }
                    metrics.submitted();
                    return;
                }
                if (s.counted) {
                    broker.takeToken();
                }
                String key = s.key;
                if (key != null && !monitor.closed()) {
                    idempotency.unclaim(key, e.handle);
                }
                book.discard(e);
            });
        } catch (RuntimeException ex) {
            LOG.warn(
                    "RabbitMQ task queue {}: settling the submission of task {} failed: {}",
                    config.queue(),
                    msg.id,
                    ex.toString());
        } finally {
            inFlight.decrementAndGet();
        }
        if (failed == null) {
            accepted.complete(e.handle);
        } else if (failed instanceof RuntimeException || failed instanceof Error) {
            accepted.completeExceptionally(failed);
        } else {
            accepted.completeExceptionally(new ScaleplaneException(
                    "cannot submit task " + msg.id + " of type '" + msg.request.type() + "'", failed));
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
            broker.tokens().flush(); // tasks this process finished are not counted any more
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
        closing = true;
        awaitSubmissions();
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
                submits.close();
                broker.close();
            }
        } finally {
            monitor.shutdown();
            pipelineThread.shutdown();
            metrics.close();
            monitor.runDeferred();
        }
    }

    /** Lets submissions in flight settle (bounded by their confirm timeouts), so close finds each accepted or not. */
    private void awaitSubmissions() {
        long deadline = System.nanoTime() + 2 * config.confirmTimeout().toNanos();
        while (inFlight.get() > 0 && System.nanoTime() - deadline < 0 && !Thread.holdsLock(monitor)) {
            try {
                TimeUnit.MILLISECONDS.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "RabbitTaskQueue{" + config.queue() + ", " + config.queueType() + '}';
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
        try {
            synchronized (monitor) {
                if (monitor.closed()) {
                    return;
                }
                monitor.runPending();
                held.releaseStale();
            }
        } catch (RuntimeException e) {
            LOG.warn("RabbitMQ task queue {}: background sweep failed: {}", config.queue(), e.toString());
        } finally {
            monitor.runDeferred();
        }
    }

    private double queuedNow() {
        return (double) readyInBroker + heldNow;
    }

    /** Refreshes what the gauges read: ready messages in the broker, and holds and leases of this process. */
    private void countReady() {
        try {
            synchronized (monitor) {
                if (monitor.closed() || broker.disconnected()) {
                    return;
                }
                long ready = 0;
                Channel ch = broker.channel();
                for (String q : topology.taskQueues()) {
                    ready += ch.messageCount(q);
                }
                readyInBroker = ready;
                refreshLocalCounts();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Counting the ready tasks of {} failed: {}", config.queue(), e.toString());
        } finally {
            monitor.runDeferred();
        }
    }

    /** Monitor held. */
    private void refreshLocalCounts() {
        heldNow = held.count();
    }
}
