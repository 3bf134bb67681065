package dev.scaleplane.core.internal.tasks;

import dev.scaleplane.api.RetryPolicy;
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
import dev.scaleplane.api.orchestration.TaskQueueClosedException;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRateLimit;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.orchestration.TaskQueueMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded task queue: every structure behind one monitor, which keeps the aging rule, the key mutex and the
 * bound exact and simple; throughput work belongs to a later, measured change.
 *
 * <p>Ready tasks sit in one set per priority level ordered by (ready time, sequence). Within a level the first
 * eligible task has the best effective rank (aging only depends on the wait), so a lease compares the first eligible
 * task of each of the five levels. Lease expiries and deadlines are timers on the {@link TaskClock}, because they
 * change what a waiting submitter sees; every timer re-checks the state it was set for, so a stale one does nothing.
 * Expired idempotency keys and finished tasks past their retention are purged lazily, by the next call. Futures complete after the monitor is released,
 * so user callbacks never run under it.
 */
public final class InMemoryTaskQueue implements TaskQueue {
    private static final Logger LOG = LoggerFactory.getLogger(InMemoryTaskQueue.class);

    private static final Comparator<Entry> READY_ORDER =
            Comparator.comparing((Entry e) -> e.readyAt).thenComparingLong(e -> e.sequence);

    private final TaskQueueOptions options;
    private final TaskClock clock;
    private final DoubleSupplier random;
    private final Map<String, Entry> tasks = new HashMap<>();
    private final List<TreeSet<Entry>> levels = new ArrayList<>();
    /** Leases held per task key, for the key concurrency limit. */
    private final Map<String, Integer> leasedKeys = new HashMap<>();
    /** Token buckets of the rate-limited types. */
    private final Map<String, Bucket> buckets = new HashMap<>();

    private final LinkedHashMap<String, Idempotency> idempotency = new LinkedHashMap<>();
    private final LinkedHashMap<String, TaskDeadLetter> deadLetters = new LinkedHashMap<>();
    private final ArrayDeque<Finished> finished = new ArrayDeque<>();
    private final List<Runnable> afterUnlock = new ArrayList<>();
    private final DeadLettersView deadLettersView = new DeadLettersView();
    private final TaskQueueMetrics metrics;
    private long sequence;
    private int unfinished;
    private int leased;
    private boolean closed;

    /**
     * Creates a queue.
     *
     * @param random uniform values in [0, 1) for the retry policy's jitter
     */
    public InMemoryTaskQueue(TaskQueueOptions options, TaskClock clock, DoubleSupplier random) {
        this(options, clock, random, new SimpleMeterRegistry());
    }

    /**
     * Creates a queue that publishes its {@link TaskQueueMetrics} to {@code registry}, tagged {@code backend=memory}.
     *
     * @param random uniform values in [0, 1) for the retry policy's jitter
     */
    public InMemoryTaskQueue(TaskQueueOptions options, TaskClock clock, DoubleSupplier random, MeterRegistry registry) {
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.metrics = new TaskQueueMetrics(registry, "memory", this::queuedNow, this::leasedNow);
        for (int i = 0; i < TaskPriority.values().length; i++) {
            levels.add(new TreeSet<>(READY_ORDER));
        }
        options.rateLimits().forEach((type, limit) -> buckets.put(type, new Bucket(limit, clock.now())));
    }

    @Override
    public TaskHandle submit(TaskRequest request) {
        Objects.requireNonNull(request, "request");
        try {
            synchronized (this) {
                if (closed) {
                    throw new TaskQueueClosedException("cannot submit a task of type '" + request.type() + "'");
                }
                Instant now = clock.now();
                forgetExpired(now);
                String key = request.idempotencyKey();
                if (key != null) {
                    expireIdempotencyKeys(now);
                    Idempotency first = idempotency.get(key);
                    if (first != null) {
                        return first.handle;
                    }
                }
                if (unfinished >= options.capacity()) {
                    throw new QueueFullException(request.type(), options.capacity());
                }
                int maxAttempts = request.maxAttempts() > 0
                        ? request.maxAttempts()
                        : options.retryPolicyFor(request.type()).maxAttempts();
                Entry e = new Entry(UUID.randomUUID().toString(), request, maxAttempts, now);
                tasks.put(e.id, e);
                unfinished++;
                metrics.submitted();
                Instant notBefore = request.notBefore();
                enqueue(e, notBefore != null && notBefore.isAfter(now) ? notBefore : now);
                if (key != null) {
                    idempotency.put(key, new Idempotency(e.handle, now.plus(options.idempotencyWindow())));
                }
                Instant deadline = request.deadline();
                if (deadline != null) {
                    clock.schedule(Duration.between(now, deadline), () -> deadlinePassed(e));
                }
                return e.handle;
            }
        } finally {
            runAfterUnlock();
        }
    }

    @Override
    public List<Lease> lease(String workerId, int maxTasks, Duration visibilityTimeout, Set<String> types) {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
        Objects.requireNonNull(types, "types");
        if (maxTasks < 1) {
            throw new IllegalArgumentException("maxTasks must be >= 1, but was " + maxTasks);
        }
        requirePositive(visibilityTimeout, "visibilityTimeout");
        try {
            synchronized (this) {
                if (closed) {
                    throw new TaskQueueClosedException("cannot lease tasks for worker '" + workerId + "'");
                }
                Instant now = clock.now();
                forgetExpired(now);
                List<Lease> leases = new ArrayList<>();
                while (leases.size() < maxTasks) {
                    Entry next = nextReady(now, types);
                    if (next == null) {
                        break;
                    }
                    levels.get(next.request.priority().rank()).remove(next);
                    Instant deadline = next.request.deadline();
                    if (deadline != null && !now.isBefore(deadline)) {
                        finish(next, TaskState.FAILED, "its deadline " + deadline + " passed", null);
                        continue;
                    }
                    leases.add(grant(next, workerId, now, visibilityTimeout));
                }
                return leases;
            }
        } finally {
            runAfterUnlock();
        }
    }

    @Override
    public synchronized Optional<TaskState> state(String taskId) {
        forgetExpired(clock.now());
        Entry e = tasks.get(Objects.requireNonNull(taskId, "taskId"));
        return e == null ? Optional.empty() : Optional.of(e.state);
    }

    @Override
    public synchronized Optional<TaskHandle> handle(String taskId) {
        forgetExpired(clock.now());
        Entry e = tasks.get(Objects.requireNonNull(taskId, "taskId"));
        return e == null ? Optional.empty() : Optional.of(e.handle);
    }

    @Override
    public boolean cancel(String taskId) {
        Objects.requireNonNull(taskId, "taskId");
        try {
            synchronized (this) {
                Entry e = tasks.get(taskId);
                if (e == null || e.state.isTerminal()) {
                    return false;
                }
                if (e.state == TaskState.QUEUED) {
                    levels.get(e.request.priority().rank()).remove(e);
                }
                finish(e, TaskState.CANCELLED, "cancelled", null);
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

    @Override
    public synchronized int size() {
        return unfinished;
    }

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
                        afterUnlock.add(() -> f.completeExceptionally(
                                new TaskQueueClosedException("task " + e.id + " was not finished")));
                    }
                }
                levels.forEach(TreeSet::clear);
                leasedKeys.clear();
                unfinished = 0;
                leased = 0;
                metrics.close();
            }
        } finally {
            runAfterUnlock();
        }
    }

    @Override
    public String toString() {
        return "InMemoryTaskQueue{" + options + '}';
    }

    private synchronized int queuedNow() {
        return unfinished - leased;
    }

    private synchronized int leasedNow() {
        return leased;
    }

    // ---- internals, all called with the monitor held ----

    private void enqueue(Entry e, Instant readyAt) {
        e.state = TaskState.QUEUED;
        e.readyAt = readyAt;
        e.sequence = sequence++;
        levels.get(e.request.priority().rank()).add(e);
    }

    private @Nullable Entry nextReady(Instant now, Set<String> types) {
        Entry best = null;
        long bestRank = Long.MAX_VALUE;
        long agingNanos = options.agingInterval().toNanos();
        for (TreeSet<Entry> level : levels) {
            for (Entry e : level) {
                if (e.readyAt.isAfter(now)) {
                    break; // the rest of this level is not ready either
                }
                if (!types.isEmpty() && !types.contains(e.request.type())) {
                    continue;
                }
                String key = e.request.key();
                if (key != null && leasedKeys.getOrDefault(key, 0) >= options.keyConcurrencyFor(e.request.type())) {
                    continue;
                }
                Bucket bucket = buckets.get(e.request.type());
                if (bucket != null && !bucket.hasPermit(now)) {
                    continue; // the type's rate limit: the task stays queued, it is not an attempt
                }
                long waited = Duration.between(e.readyAt, now).toNanos();
                long rank = Math.max(0, e.request.priority().rank() - waited / agingNanos);
                if (best == null || rank < bestRank || (rank == bestRank && READY_ORDER.compare(e, best) < 0)) {
                    best = e;
                    bestRank = rank;
                }
                break; // later tasks of this level waited less, so rank no better
            }
        }
        return best;
    }

    private Lease grant(Entry e, String workerId, Instant now, Duration visibilityTimeout) {
        e.state = TaskState.LEASED;
        e.attempt++;
        leased++;
        metrics.waited(Duration.between(e.readyAt, now));
        String key = e.request.key();
        if (key != null) {
            leasedKeys.merge(key, 1, Integer::sum);
        }
        Bucket bucket = buckets.get(e.request.type());
        if (bucket != null) {
            bucket.take();
        }
        Task task = new Task(e.id, e.request, e.attempt, e.maxAttempts, e.submittedAt);
        MemoryLease lease = new MemoryLease(e, task, workerId);
        e.lease = lease;
        lease.arm(now, visibilityTimeout);
        return lease;
    }

    /** Clears the current lease of {@code e}, if any, remembering why, and frees its key. */
    private void endLease(Entry e, LeaseLostException.Reason reason) {
        MemoryLease lease = e.lease;
        if (lease == null) {
            return;
        }
        e.lease = null;
        leased--;
        lease.lostReason = reason;
        lease.disarm();
        String key = e.request.key();
        if (key != null) {
            leasedKeys.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    private void finish(Entry e, TaskState state, String why, @Nullable Throwable cause) {
        endLease(e, LeaseLostException.Reason.CANCELLED); // only a cancel finds the task still leased
        e.state = state;
        unfinished--;
        CompletableFuture<@Nullable Object> f = e.future;
        switch (state) {
            case CANCELLED -> {
                metrics.cancelled();
                afterUnlock.add(() -> f.cancel(false));
            }
            case FAILED, DEAD_LETTERED -> {
                if (state == TaskState.FAILED) {
                    metrics.failed();
                }
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

    /**
     * Forgets a finished task after the retention. A queue rather than a timer per task: the retention is one
     * duration and time only moves forward, so the queue is in expiry order and purging it is cheap.
     */
    private void forgetLater(Entry e) {
        finished.addLast(new Finished(e, clock.now().plus(options.retention())));
    }

    private void forgetExpired(Instant now) {
        for (Finished f = finished.peekFirst(); f != null && !f.forgetAt.isAfter(now); f = finished.peekFirst()) {
            finished.pollFirst();
            Entry e = f.entry;
            if (e.state.isTerminal() && !deadLetters.containsKey(e.id) && tasks.get(e.id) == e) {
                tasks.remove(e.id);
            }
        }
    }

    private void deadLetter(Entry e, TaskDeadLetter.Reason reason, Instant now, @Nullable Throwable cause) {
        Task task = new Task(e.id, e.request, e.attempt, e.maxAttempts, e.submittedAt);
        deadLetters.put(e.id, new TaskDeadLetter(task, reason, e.failures, now));
        metrics.deadLettered(reason);
        String why = reason == TaskDeadLetter.Reason.NON_RETRYABLE
                ? "a non-retryable failure"
                : "all " + e.maxAttempts + " attempts failed";
        finish(e, TaskState.DEAD_LETTERED, why, cause);
        while (deadLetters.size() > options.deadLetterCapacity()) {
            Iterator<TaskDeadLetter> oldest = deadLetters.values().iterator();
            TaskDeadLetter dropped = oldest.next();
            oldest.remove();
            LOG.error(
                    "Dropped the dead letter of task {} (type '{}'): the in-memory queue keeps {} dead letters"
                            + " (raise scaleplane.tasks.memory.dead-letter-capacity or redrive/discard them)",
                    dropped.taskId(),
                    dropped.task().type(),
                    options.deadLetterCapacity());
            Entry gone = tasks.get(dropped.taskId());
            if (gone != null) {
                forgetLater(gone);
            }
        }
    }

    /** Records a failed or lapsed attempt and decides between retry, dead letter and failure. */
    private Lease.FailureOutcome failed(
            Entry e, TaskFailure failure, @Nullable Throwable cause, Instant now, LeaseLostException.Reason reason) {
        e.failures.add(failure);
        endLease(e, reason);
        RetryPolicy policy = options.retryPolicyFor(e.request.type());
        if (cause != null && policy.isNonRetryable(cause)) {
            deadLetter(e, TaskDeadLetter.Reason.NON_RETRYABLE, now, cause);
            return new Lease.FailureOutcome(TaskState.DEAD_LETTERED, null);
        }
        if (e.attempt >= e.maxAttempts) {
            deadLetter(e, TaskDeadLetter.Reason.ATTEMPTS_EXHAUSTED, now, cause);
            return new Lease.FailureOutcome(TaskState.DEAD_LETTERED, null);
        }
        // A lapsed lease is handed out again at once: the visibility timeout already made the task wait.
        Instant retryAt = cause == null ? now : now.plus(policy.delayBefore(e.attempt, random.getAsDouble()));
        Instant deadline = e.request.deadline();
        if (deadline != null && !retryAt.isBefore(deadline)) {
            finish(e, TaskState.FAILED, "the next attempt would start after its deadline " + deadline, cause);
            return new Lease.FailureOutcome(TaskState.FAILED, null);
        }
        enqueue(e, retryAt);
        metrics.retried();
        return new Lease.FailureOutcome(TaskState.QUEUED, retryAt);
    }

    private void expireIdempotencyKeys(Instant now) {
        Iterator<Idempotency> it = idempotency.values().iterator();
        while (it.hasNext()) {
            if (it.next().expiresAt.isAfter(now)) {
                return; // inserted in time order with one window, so the rest expire later
            }
            it.remove();
        }
    }

    private void deadlinePassed(Entry e) {
        try {
            synchronized (this) {
                if (closed || e.state != TaskState.QUEUED || tasks.get(e.id) != e) {
                    return; // a leased attempt may still finish; a lapse or failure then sees the deadline
                }
                levels.get(e.request.priority().rank()).remove(e);
                finish(e, TaskState.FAILED, "its deadline " + e.request.deadline() + " passed", null);
            }
        } finally {
            runAfterUnlock();
        }
    }

    private void runAfterUnlock() {
        List<Runnable> actions;
        synchronized (this) {
            if (afterUnlock.isEmpty()) {
                return;
            }
            actions = new ArrayList<>(afterUnlock);
            afterUnlock.clear();
        }
        actions.forEach(Runnable::run);
    }

    private static void requirePositive(Duration d, String what) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be > 0, but was " + d);
        }
    }

    private static String messageOf(Throwable t) {
        String m = t.getMessage();
        return m == null ? "" : m;
    }

    // ---- state ----

    private final class Entry {
        final String id;
        final TaskRequest request;
        final int maxAttempts;
        final Instant submittedAt;
        final List<TaskFailure> failures = new ArrayList<>();
        TaskState state = TaskState.QUEUED;
        int attempt;
        Instant readyAt;
        long sequence;

        @Nullable
        MemoryLease lease;

        CompletableFuture<@Nullable Object> future = new CompletableFuture<>();
        Handle handle;

        Entry(String id, TaskRequest request, int maxAttempts, Instant submittedAt) {
            this.id = id;
            this.request = request;
            this.maxAttempts = maxAttempts;
            this.submittedAt = submittedAt;
            this.readyAt = submittedAt;
            this.handle = new Handle(this, future);
        }
    }

    private record Idempotency(TaskHandle handle, Instant expiresAt) {}

    /**
     * A token bucket on the queue's clock. Not resilience4j's {@code RateLimiter}: that one reads
     * {@code System.nanoTime()}, so it could not run on a virtual {@link TaskClock}, and it hands out permits to
     * callers who wait, while here a task over the limit simply stays queued. Monitor held for every access.
     */
    private static final class Bucket {
        private final int capacity;
        private final long intervalNanos;
        private int tokens;
        private Instant refilledAt;

        Bucket(TaskRateLimit limit, Instant now) {
            this.capacity = limit.permits();
            this.intervalNanos = limit.interval().toNanos();
            this.tokens = capacity;
            this.refilledAt = now;
        }

        boolean hasPermit(Instant now) {
            long earned = Duration.between(refilledAt, now).toNanos() / intervalNanos;
            if (earned > 0) {
                tokens = (int) Math.min(capacity, tokens + earned);
                // a full bucket earns nothing more, so its count restarts now; otherwise keep the remainder so
                // permits come back at an even pace
                refilledAt = tokens == capacity ? now : refilledAt.plusNanos(earned * intervalNanos);
            }
            return tokens > 0;
        }

        /** Takes the permit {@link #hasPermit} just found. */
        void take() {
            tokens--;
        }
    }

    private record Finished(Entry entry, Instant forgetAt) {}

    private final class Handle implements TaskHandle {
        private final Entry entry;
        private final CompletableFuture<@Nullable Object> future;

        Handle(Entry entry, CompletableFuture<@Nullable Object> future) {
            this.entry = entry;
            this.future = future;
        }

        @Override
        public String id() {
            return entry.id;
        }

        @Override
        public CompletableFuture<@Nullable Object> result() {
            return future;
        }

        @Override
        public boolean cancel() {
            return InMemoryTaskQueue.this.cancel(entry.id);
        }

        @Override
        public TaskState state() {
            synchronized (InMemoryTaskQueue.this) {
                return entry.state;
            }
        }

        @Override
        public String toString() {
            return "TaskHandle{" + entry.id + ", " + state() + '}';
        }
    }

    private final class MemoryLease implements Lease {
        private final Entry entry;
        private final Task task;
        private final String workerId;
        private Instant expiresAt = Instant.EPOCH;
        private TaskClock.@Nullable Cancellable expiry;
        /** Why this lease no longer holds its task; {@code null} while it does. Monitor held. */
        LeaseLostException.@Nullable Reason lostReason;

        MemoryLease(Entry entry, Task task, String workerId) {
            this.entry = entry;
            this.task = task;
            this.workerId = workerId;
        }

        /** Sets the expiry to {@code now + timeout} and its timer. Monitor held. */
        void arm(Instant now, Duration timeout) {
            disarm();
            expiresAt = now.plus(timeout);
            expiry = clock.schedule(timeout, this::lapse);
        }

        /** Cancels the expiry timer. Monitor held. */
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
            synchronized (InMemoryTaskQueue.this) {
                return expiresAt;
            }
        }

        @Override
        public Instant heartbeat(Duration extension) {
            Objects.requireNonNull(extension, "extension");
            requirePositive(extension, "extension");
            try {
                synchronized (InMemoryTaskQueue.this) {
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
                synchronized (InMemoryTaskQueue.this) {
                    checkHeld();
                    endLease(entry, LeaseLostException.Reason.ENDED);
                    entry.state = TaskState.SUCCEEDED;
                    unfinished--;
                    metrics.succeeded();
                    CompletableFuture<@Nullable Object> f = entry.future;
                    afterUnlock.add(() -> f.complete(result));
                    forgetLater(entry);
                }
            } finally {
                runAfterUnlock();
            }
        }

        @Override
        public FailureOutcome fail(Throwable failure) {
            Objects.requireNonNull(failure, "failure");
            try {
                synchronized (InMemoryTaskQueue.this) {
                    Instant now = checkHeld();
                    TaskFailure f = new TaskFailure(
                            task.attempt(), workerId, failure.getClass().getName(), messageOf(failure), now);
                    return failed(entry, f, failure, now, LeaseLostException.Reason.ENDED);
                }
            } finally {
                runAfterUnlock();
            }
        }

        /**
         * Throws unless this lease still holds its task; a lease found past its expiry lapses here, so the outcome
         * does not depend on whether the expiry timer already ran. Monitor held.
         */
        private Instant checkHeld() {
            if (closed) {
                throw lost(LeaseLostException.Reason.CLOSED);
            }
            LeaseLostException.@Nullable Reason reason = lostReason;
            if (reason != null) {
                throw lost(reason);
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

        private void lapse() {
            try {
                synchronized (InMemoryTaskQueue.this) {
                    Instant now = clock.now();
                    if (!closed && entry.lease == this && !now.isBefore(expiresAt)) {
                        expire(now);
                    }
                }
            } finally {
                runAfterUnlock();
            }
        }

        /** The lease lapsed: count the attempt and hand the task out again or give up. Monitor held. */
        private void expire(Instant now) {
            TaskFailure f = new TaskFailure(
                    task.attempt(),
                    workerId,
                    TaskFailure.LEASE_EXPIRED,
                    "lease expired at " + expiresAt + " without a heartbeat",
                    now);
            metrics.leaseExpired();
            failed(entry, f, null, now, LeaseLostException.Reason.EXPIRED);
        }

        @Override
        public String toString() {
            return "Lease{task=" + entry.id + ", attempt=" + task.attempt() + ", worker=" + workerId + '}';
        }
    }

    private final class DeadLettersView implements TaskDeadLetters {
        @Override
        public List<TaskDeadLetter> list(int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be >= 1, but was " + limit);
            }
            synchronized (InMemoryTaskQueue.this) {
                return deadLetters.values().stream().limit(limit).toList();
            }
        }

        @Override
        public Optional<TaskDeadLetter> find(String taskId) {
            synchronized (InMemoryTaskQueue.this) {
                return Optional.ofNullable(deadLetters.get(Objects.requireNonNull(taskId, "taskId")));
            }
        }

        @Override
        public TaskHandle redrive(String taskId) {
            Objects.requireNonNull(taskId, "taskId");
            synchronized (InMemoryTaskQueue.this) {
                checkOpen(taskId);
                if (!deadLetters.containsKey(taskId)) {
                    throw new NoSuchElementException("no dead letter for task " + taskId);
                }
                return redriveLocked(taskId);
            }
        }

        @Override
        public int redrive(Predicate<? super TaskDeadLetter> filter) {
            Objects.requireNonNull(filter, "filter");
            synchronized (InMemoryTaskQueue.this) {
                checkOpen("(filter)");
                List<String> ids = deadLetters.values().stream()
                        .filter(filter)
                        .map(TaskDeadLetter::taskId)
                        .toList();
                ids.forEach(this::redriveLocked);
                return ids.size();
            }
        }

        @Override
        public boolean discard(String taskId) {
            synchronized (InMemoryTaskQueue.this) {
                if (deadLetters.remove(Objects.requireNonNull(taskId, "taskId")) == null) {
                    return false;
                }
                Entry e = tasks.get(taskId);
                if (e != null) {
                    forgetLater(e);
                }
                return true;
            }
        }

        private void checkOpen(String taskId) {
            if (closed) {
                throw new TaskQueueClosedException("cannot redrive task " + taskId);
            }
        }

        private TaskHandle redriveLocked(String taskId) {
            deadLetters.remove(taskId);
            Entry e = Objects.requireNonNull(tasks.get(taskId), "dead-lettered tasks are kept");
            e.attempt = 0;
            e.failures.clear();
            e.future = new CompletableFuture<>();
            e.handle = new Handle(e, e.future);
            unfinished++;
            enqueue(e, clock.now());
            return e.handle;
        }
    }
}
