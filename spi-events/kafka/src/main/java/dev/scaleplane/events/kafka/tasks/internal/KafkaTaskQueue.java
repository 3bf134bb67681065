package dev.scaleplane.events.kafka.tasks.internal;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.QueueFullException;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskDeadLetters;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueCapability;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.orchestration.TaskQueueMetrics;
import dev.scaleplane.core.orchestration.support.TaskLifecycle;
import dev.scaleplane.events.kafka.tasks.KafkaTaskQueueConfig;
import dev.scaleplane.events.kafka.tasks.KafkaTaskQueueProvider;
import dev.scaleplane.events.kafka.tasks.internal.TaskRecords.Snapshot;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

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
 * A submit, complete, fail, cancel or retry is decided under it; a submit and a lease's success send their records
 * after releasing it, the others under it, and all wait for the broker's acknowledgement ({@code acks=all}) outside
 * it; {@link GroupCommit} applies the effects of
 * every write acknowledged together under one acquisition of the monitor and then releases their callers, so
 * concurrent callers share round trips. A submit's idempotency key and its place under the capacity are reserved
 * while it is in flight. Result futures are completed outside the monitor. {@link QueueContext} says what the
 * monitor guards.
 *
 * <h2>Parts</h2>
 *
 * This class is the facade: it starts and closes the parts and implements {@link TaskQueue} by delegating to them.
 *
 * <ul>
 *   <li>{@link TaskTopics}: creating the topics, the partition of a routing key, the writes; {@link TaskRecords}:
 *       the records' JSON.
 *   <li>{@link PartitionOwner}: the worker consumer, rebalances, commits, applying records of owned partitions to
 *       {@link OwnedTasks}, which holds the owned tasks in memory and picks the next one to lease.
 *   <li>{@link Leases}: granting leases, their expiry, the worker's {@link Lease}.
 *   <li>{@link TaskOutcomes}: ends, retries and dead-lettering of owned tasks, and deadlines.
 *   <li>{@link ViewReader} and {@link StateViews}: every process's view of the state topic, for handles
 *       ({@link KafkaTaskHandle}), {@code state}, {@code size}, the capacity and idempotency keys.
 *   <li>{@link DeadLetterStore} and {@link KafkaDeadLetterView}: the dead-letter topic and {@link TaskDeadLetters}.
 * </ul>
 */
public final class KafkaTaskQueue implements TaskQueue {
    /** The provider's declaration, the one place it is written. */
    private static final Set<TaskQueueCapability> CAPABILITIES = new KafkaTaskQueueProvider().capabilities();

    private final QueueContext ctx;
    private final TaskTopics topics;
    private final OwnedTasks owned;
    private final StateViews views;
    private final TaskQueueMetrics metrics;
    private final GroupCommit commits;
    private final TaskOutcomes outcomes;
    private final Leases leases;
    private final PartitionOwner owner;
    private final ViewReader viewReader;
    private final KafkaDeadLetterView deadLetters;

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
        ctx = new QueueContext(config, options, clock, random);
        owned = new OwnedTasks(ctx);
        views = new StateViews(ctx);
        int partitionCount = TaskTopics.provision(config);
        metrics = new TaskQueueMetrics(registry, "kafka", this::queuedCount, this::leasedCount);
        topics = new TaskTopics(config, partitionCount);
        DeadLetterStore deadStore = new DeadLetterStore(ctx, topics);
        commits = new GroupCommit(ctx);
        outcomes = new TaskOutcomes(ctx, topics, owned, views, deadStore, metrics, commits);
        leases = new Leases(ctx, owned, views, outcomes, metrics);
        owner = new PartitionOwner(ctx, topics, owned, views, outcomes);
        viewReader = new ViewReader(ctx, topics, views, deadStore, owned);
        deadLetters = new KafkaDeadLetterView(ctx, deadStore, topics, views, owned, owner, this::newHandle);
        viewReader.start();
        owner.start();
        try {
            awaitStart(viewReader.started(), "reading the state and dead-letter topics");
            awaitStart(owner.started(), "joining consumer group " + config.group());
            long deadline = System.nanoTime() + config.startTimeout().toNanos();
            while (true) {
                synchronized (ctx.lock) {
                    if (owned.replayed()) {
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
        KafkaTaskQueueConfig config = ctx.config;
        if (!latch.await(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS) || ctx.startFailure() != null) {
            Throwable cause = ctx.startFailure();
            throw new ScaleplaneException(
                    "Kafka task queue " + config.topicPrefix() + " could not start (" + what + ") within "
                            + config.startTimeout() + (cause == null ? "" : ": " + cause),
                    cause);
        }
    }

    @Override
    public Set<TaskQueueCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public TaskHandle submit(TaskRequest request) {
        Submission sent = send(request, false);
        GroupCommit.Write w = sent.write();
        if (w != null) {
            w.await();
        }
        return newHandle(sent.id());
    }

    /**
     * Sends the records like {@link #submit} and returns at once: the future completes once they are acknowledged
     * and applied, on the queue's callback thread (never on the group-commit thread, which a dependent stage calling
     * {@link #submit} would otherwise wait for). The records of every submission in flight share the broker's
     * acknowledgements, so one thread keeps as many submissions in flight as it likes.
     */
    @Override
    public CompletableFuture<TaskHandle> submitAsync(TaskRequest request) {
        Objects.requireNonNull(request, "request");
        Submission sent;
        try {
            sent = send(request, true);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<@Nullable Void> applied = sent.applied();
        if (applied == null) {
            return CompletableFuture.completedFuture(newHandle(sent.id()));
        }
        CompletableFuture<TaskHandle> handle = new CompletableFuture<>();
        applied.whenComplete((ignored, e) -> {
            if (e == null) {
                handle.complete(newHandle(sent.id()));
            } else {
                handle.completeExceptionally(e);
            }
        });
        return handle;
    }

    /**
     * A submission sent: the task's id and its write in flight (to await, or, detached, the future of its
     * application), or the first task's id and neither for a repeated idempotency key.
     */
    private record Submission(
            String id, GroupCommit.@Nullable Write write, @Nullable CompletableFuture<@Nullable Void> applied) {}

    /**
     * Checks, reserves and sends a submission's records under the monitor, without waiting for them.
     *
     * @param detached whether nobody will {@linkplain GroupCommit.Write#await() await} the write (an asynchronous
     *     submit)
     * @throws QueueFullException if the capacity is taken
     * @throws dev.scaleplane.api.orchestration.TaskQueueClosedException if the queue is closed
     */
    private Submission send(TaskRequest request, boolean detached) {
        Objects.requireNonNull(request, "request");
        // Built and encoded before taking the monitor, which every submitter, worker and consumer shares. A payload
        // that is not JSON fails submit here and leaves no trace.
        String id = UUID.randomUUID().toString();
        String idem = request.idempotencyKey();
        Instant now = ctx.clock.now();
        Snapshot s = new Snapshot(
                id,
                request,
                TaskLifecycle.maxAttempts(request, ctx.options),
                0,
                now,
                TaskLifecycle.readyAt(request, now),
                List.of(),
                1);
        String routingKey = TaskTopics.routingKey(s);
        int partition = topics.partitionOf(routingKey);
        StateView sv = new StateView(
                id, TaskState.QUEUED, 1, request.type(), 0, partition, routingKey, idem, now, null, "", now);
        byte[] task = TaskRecords.bytes(TaskRecords.task(s));
        byte[] state = TaskRecords.bytes(TaskRecords.state(sv));
        // Checked and reserved under the monitor; sent after releasing it, which every submitter, worker and consumer
        // shares, and awaited later: the records of every thread submitting meanwhile share the broker's
        // acknowledgements. Nothing else writes this task's records before its own are acknowledged (a lease, a
        // cancel, an end need the task known), and a thread's submits keep their order: it sends them in turn.
        GroupCommit.Write w;
        synchronized (ctx.lock) {
            ctx.requireOpen("submit");
            if (idem != null) {
                String first = views.repeatOf(idem, now);
                if (first != null) {
                    return new Submission(first, null, null);
                }
            }
            // Submits in flight count against the capacity until their state is applied, by the submit itself or
            // by this instance reading its own state record first (then it is in unfinished already).
            if (views.taken() >= ctx.options.capacity()) {
                throw new QueueFullException(request.type(), ctx.options.capacity());
            }
            w = detached ? commits.beginDetached("submit") : commits.begin("submit");
            views.reserve(id, idem);
            ctx.sending();
        }
        try {
            topics.sendState(id, 1, state, w.record(false));
            topics.sendTask(partition, routingKey, task, w.record(true));
            w.seal(
                    () -> {
                        views.written(id);
                        views.apply(sv);
                        owner.adoptOwnWrite(w.metadata(), s);
                        metrics.submitted();
                    },
                    e -> views.abandon(id, idem));
        } finally {
            ctx.sent();
        }
        return new Submission(id, w, detached ? w.applied() : null);
    }

    @Override
    public List<Lease> lease(String workerId, int maxTasks, Duration visibilityTimeout, Set<String> types) {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(types, "types");
        if (maxTasks < 1) {
            throw new IllegalArgumentException("maxTasks must be >= 1, but was " + maxTasks);
        }
        TaskLifecycle.requirePositive(visibilityTimeout, "visibilityTimeout");
        List<Lease> out;
        synchronized (ctx.lock) {
            ctx.requireOpen("lease");
            out = leases.grant(workerId, maxTasks, visibilityTimeout, types);
        }
        ctx.drainCompletions();
        return out;
    }

    @Override
    public Optional<TaskState> state(String taskId) {
        synchronized (ctx.lock) {
            StateView sv = views.get(taskId);
            return sv == null ? Optional.empty() : Optional.of(sv.state());
        }
    }

    @Override
    public Optional<TaskHandle> handle(String taskId) {
        synchronized (ctx.lock) {
            return views.contains(taskId) ? Optional.of(newHandle(taskId)) : Optional.empty();
        }
    }

    private TaskHandle newHandle(String taskId) {
        return new KafkaTaskHandle(taskId, ctx, views, this::cancel);
    }

    @Override
    public boolean cancel(String taskId) {
        boolean cancelled;
        GroupCommit.Write w = null;
        synchronized (ctx.lock) {
            ctx.requireOpen("cancel");
            OwnedTask e = owned.get(taskId);
            if (e != null) {
                if (e.writing) {
                    cancelled = false; // it is being completed, failed or retried right now: that write wins
                } else {
                    try {
                        w = outcomes.cancel(e, "cancelled");
                    } catch (RuntimeException ex) {
                        owned.restoreAfterFailedWrite(e);
                        throw ex;
                    }
                    cancelled = true;
                }
            } else {
                StateView sv = views.get(taskId);
                if (sv == null || sv.state().isTerminal()) {
                    cancelled = false;
                } else {
                    // Another member owns the task: ask it through the task's own partition.
                    topics.await(
                            topics.sendTask(sv.partition(), sv.routingKey(), TaskRecords.cancel(taskId)), "cancel");
                    cancelled = true;
                }
            }
        }
        ctx.drainCompletions();
        if (w != null) {
            w.await();
        }
        return cancelled;
    }

    @Override
    public TaskDeadLetters deadLetters() {
        return deadLetters;
    }

    @Override
    public int size() {
        synchronized (ctx.lock) {
            return views.unfinished();
        }
    }

    @Override
    public void close() {
        synchronized (ctx.lock) {
            if (!ctx.markClosed()) {
                return;
            }
            owned.close();
        }
        ctx.awaitSending(); // writes that passed their open check before close reach the producer before it closes
        // No wakeup: the loops see the flag within one poll and the work loop commits its last offsets.
        owner.join();
        viewReader.join();
        topics.close();
        commits.close(); // after the producer: every callback has run, what they acknowledged is applied
        metrics.close();
        ctx.drainCompletions();
    }

    private int queuedCount() {
        synchronized (ctx.lock) {
            return views.unfinished() - owned.leasedCount();
        }
    }

    private int leasedCount() {
        synchronized (ctx.lock) {
            return owned.leasedCount();
        }
    }

    @Override
    public String toString() {
        return "KafkaTaskQueue{" + ctx.config.topicPrefix() + ", partitions=" + topics.partitionCount() + '}';
    }

    /**
     * The tasks-topic partitions this instance owns now. A test hook (the module's tests watch rebalances with it),
     * public only because the tests live in the API package; not part of any contract.
     */
    public Set<Integer> ownedPartitions() {
        return owned.partitions();
    }

    /**
     * How many writes were acknowledged and in how many groups their effects were applied, as {@code {writes,
     * groups}}. A test hook like {@link #ownedPartitions()}; not part of any contract.
     */
    public long[] groupCommitCounts() {
        return commits.counts();
    }
}
