package dev.scaleplane.core.internal.tasks;

import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.QueueFullException;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskBacklog;
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
import dev.scaleplane.core.orchestration.support.TokenBucket;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded task queue: every structure behind one monitor, which keeps the aging rule, the key limits and the
 * bound exact and simple, with constant or logarithmic work per task on the common path. The two per-task calls that
 * do not need to decide anything against the lines stay off the monitor, so submitters, workers and the leasing
 * thread do not queue behind one another:
 *
 * <ul>
 *   <li>A plain {@link #submit} (no idempotency key, no deadline) reserves its place in the bound with an atomic
 *       counter and appends the task to a lock-free inbox; the next call that takes the monitor moves the inbox into
 *       the ready lines, in arrival order, before it does anything else.
 *   <li>{@link Lease#complete} claims its lease with one compare-and-set, which is the moment the task succeeds, and
 *       completes the handle's future at once; the bookkeeping (state, key place, expiry index, retention) is
 *       applied in batches by the next call that takes the monitor, before it looks at any task. Everything that
 *       could end a lease otherwise (a failure, a lapse, a cancel, close) claims it with the same compare-and-set
 *       under the monitor, so exactly one of them wins, and a claim that loses to a completion applies it instead.
 * </ul>
 *
 * <p>So every answer read under the monitor ({@link #state}, {@link #size}, a lease) already includes every submit
 * and completion that returned before it.
 *
 * <p>Each priority level has a ready line: a deque of tasks that were ready when queued (they arrive in ready order)
 * and a heap of delayed tasks and retries, both ordered by (ready time, sequence). A level's first task has its best
 * effective rank (aging only depends on the wait), so a lease compares the first task of each of the five levels. A
 * first task that may not be leased now (its key at its concurrency limit, its type out of rate-limit permits) is
 * parked until its key has a free place or its type's bucket refills, and each lease puts back the best of them by
 * effective rank at its own time, so the order is exactly the brute-force one. Tasks leave a line lazily:
 * a cancelled, failed or leased task's slot is dropped when met. Leases under way are indexed by expiry with one
 * timer for the earliest; deadlines are timers on the {@link TaskClock}; every timer re-checks the state it was set
 * for, so a stale one does nothing. Expired idempotency keys and finished tasks past their retention are purged
 * lazily, by the next call. Futures complete after the monitor is released, so user callbacks never run under it.
 */
public final class InMemoryTaskQueue implements TaskQueue {
    private static final Logger LOG = LoggerFactory.getLogger(InMemoryTaskQueue.class);

    /** Order of ready tasks within a level: ready time, then submission sequence. */
    private static final Comparator<Slot> READY_ORDER = InMemoryTaskQueue::compareReady;

    private final TaskQueueOptions options;
    private final TaskClock clock;
    private final DoubleSupplier random;
    /** Every task held (unfinished, retained or dead-lettered) by serial; ids encode it, see {@link #newId}. */
    private final SerialIndex<Entry> tasks;
    /** Serials, in submission order. */
    private final AtomicLong serials = new AtomicLong();
    /** The high half of this queue's ids: random, with the bits of a version 4 UUID. */
    private final long idPrefix;
    /** Plain submissions not yet in the ready lines; see the class comment. */
    private final ConcurrentLinkedQueue<Entry> submissions = new ConcurrentLinkedQueue<>();
    /** Completed leases whose bookkeeping is not applied yet; see the class comment. */
    private final ConcurrentLinkedQueue<MemoryLease> completions = new ConcurrentLinkedQueue<>();

    private final Level[] levels = new Level[TaskPriority.values().length];
    /** Ready tasks whose key is at its concurrency limit, by key, until a lease of the key ends. */
    private final Map<String, Parked> keyWaiters = new HashMap<>();
    /**
     * Keys with parked tasks and a free place. Looked at by every lease, at its time: which waiter is best depends on
     * aging, so it is decided when the lease happens, not when the place was freed.
     */
    private final Set<String> keysWithRoom = new LinkedHashSet<>();
    /** Ready tasks whose type ran out of permits, by type, until the type's bucket refills. */
    private final Map<String, Parked> rateWaiters = new HashMap<>();
    /** Leases held per task key, for the key concurrency limit. */
    private final Map<String, Integer> leasedKeys = new HashMap<>();
    /** Token buckets of the rate-limited types. */
    private final Map<String, TokenBucket> buckets = new HashMap<>();

    private final IdempotencyWindow<TaskHandle> idempotency;
    private final LinkedHashMap<String, TaskDeadLetter> deadLetters = new LinkedHashMap<>();
    private final RetentionQueue<Entry> finished;
    private final DeferredActions afterUnlock = new DeferredActions();
    private final DeadLettersView deadLettersView = new DeadLettersView();
    private final TaskQueueMetrics metrics;
    /**
     * Leases under way by expiry, with one timer for the earliest: a timer per lease cost a schedule and a cancel on
     * the shared timer thread for every task.
     */
    private final ExpiryIndex<MemoryLease> byExpiry = new ExpiryIndex<>();

    private TaskClock.@Nullable Cancellable expiryTimer;
    private Instant expiryTimerAt = Instant.MAX;
    private long leaseSequence;
    /** Parked tasks put back in line so far; a change tells {@link #nextReady} to look at every level again. */
    private long requeued;

    private long sequence;
    /** Tasks submitted and not finished; reserved by submit off the monitor, released under it. */
    private final AtomicInteger unfinished = new AtomicInteger();

    private int leased;
    /** Written under the monitor; read off it by the plain submit and the completion fast paths. */
    private volatile boolean closed;

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
        this.idempotency = new IdempotencyWindow<>(options.idempotencyWindow());
        this.finished = new RetentionQueue<>(options.retention(), options.retentionCapacity(), this::forget);
        this.tasks = new SerialIndex<>(
                SerialIndex.ringFor((long) options.capacity() + options.retentionCapacity()), e -> e.serial);
        this.idPrefix = (ThreadLocalRandom.current().nextLong() & ~0xF000L) | 0x4000L;
        for (int i = 0; i < levels.length; i++) {
            levels[i] = new Level();
        }
        options.rateLimits().forEach((type, limit) -> buckets.put(type, new TokenBucket(limit, clock.now())));
    }

    @Override
    public Set<TaskQueueCapability> capabilities() {
        return InMemoryTaskQueueProvider.CAPABILITIES;
    }

    @Override
    public TaskHandle submit(TaskRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.idempotencyKey() != null || request.deadline() != null) {
            return submitLocked(request);
        }
        if (closed) {
            throw new TaskQueueClosedException("cannot submit a task of type '" + request.type() + "'");
        }
        reserve(request);
        Instant now = clock.now();
        Entry e = newEntry(request, now);
        e.readyAt = TaskLifecycle.readyAt(request, now);
        metrics.submitted();
        submissions.add(e);
        // close() moved the inbox into the lines before it failed every task; one that arrived after that and is
        // still here was never seen by anyone, so the submit fails as if it came after close
        if (closed && submissions.remove(e)) {
            throw new TaskQueueClosedException("cannot submit a task of type '" + request.type() + "'");
        }
        return e.handle;
    }

    /** Takes a place in the queue's bound, or throws {@link QueueFullException}. */
    private void reserve(TaskRequest request) {
        int capacity = options.capacity();
        for (int n = unfinished.get(); ; n = unfinished.get()) {
            if (n >= capacity) {
                throw new QueueFullException(request.type(), capacity);
            }
            if (unfinished.compareAndSet(n, n + 1)) {
                return;
            }
        }
    }

    /** Submits a task with an idempotency key or a deadline: both need the monitor. */
    private TaskHandle submitLocked(TaskRequest request) {
        try {
            synchronized (this) {
                if (closed) {
                    throw new TaskQueueClosedException("cannot submit a task of type '" + request.type() + "'");
                }
                catchUp();
                Instant now = clock.now();
                forgetExpired(now);
                String key = request.idempotencyKey();
                if (key != null) {
                    TaskHandle first = idempotency.find(key, now);
                    if (first != null) {
                        return first;
                    }
                }
                reserve(request);
                Entry e = newEntry(request, now);
                tasks.put(e);
                metrics.submitted();
                enqueue(e, TaskLifecycle.readyAt(request, now), now);
                if (key != null) {
                    idempotency.remember(key, e.handle, now);
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
        TaskLifecycle.requirePositive(visibilityTimeout, "visibilityTimeout");
        List<Lease> leases = leaseLocked(workerId, maxTasks, visibilityTimeout, types);
        // the wait timer records off the monitor: its histogram is the costliest meter of a lease
        for (Lease lease : leases) {
            metrics.waitedNanos(((MemoryLease) lease).waitedNanos);
        }
        return leases;
    }

    private List<Lease> leaseLocked(String workerId, int maxTasks, Duration visibilityTimeout, Set<String> types) {
        try {
            synchronized (this) {
                if (closed) {
                    throw new TaskQueueClosedException("cannot lease tasks for worker '" + workerId + "'");
                }
                catchUp();
                Instant now = clock.now();
                forgetExpired(now);
                if (!keysWithRoom.isEmpty()) {
                    for (String key : List.copyOf(keysWithRoom)) {
                        unparkKey(key);
                    }
                }
                unparkRateLimited(now);
                List<Lease> leases = new ArrayList<>(Math.min(maxTasks, 64));
                Instant expiresAt = null; // one expiry for the call's leases: one batch in the expiry index
                while (leases.size() < maxTasks) {
                    Entry next = types.isEmpty() ? nextReady(now) : nextReadyOfTypes(now, types);
                    if (next == null) {
                        break;
                    }
                    Instant deadline = next.request.deadline();
                    if (deadline != null && !now.isBefore(deadline)) {
                        finish(next, TaskState.FAILED, TaskLifecycle.deadlinePassed(deadline), null);
                        continue;
                    }
                    if (expiresAt == null) {
                        expiresAt = now.plus(visibilityTimeout);
                    }
                    leases.add(grant(next, workerId, now, expiresAt));
                }
                return leases;
            }
        } finally {
            runAfterUnlock();
        }
    }

    @Override
    public synchronized Optional<TaskState> state(String taskId) {
        catchUp();
        forgetExpired(clock.now());
        Entry e = lookup(Objects.requireNonNull(taskId, "taskId"));
        return e == null ? Optional.empty() : Optional.of(e.state);
    }

    @Override
    public synchronized Optional<TaskHandle> handle(String taskId) {
        catchUp();
        forgetExpired(clock.now());
        Entry e = lookup(Objects.requireNonNull(taskId, "taskId"));
        return e == null ? Optional.empty() : Optional.of(e.handle);
    }

    @Override
    public boolean cancel(String taskId) {
        Objects.requireNonNull(taskId, "taskId");
        try {
            synchronized (this) {
                catchUp();
                Entry e = lookup(taskId);
                if (e == null || e.state.isTerminal()) {
                    return false;
                }
                if (e.lease != null && !endLease(e, LeaseLostException.Reason.CANCELLED)) {
                    return false; // its worker completed it first
                }
                finish(e, TaskState.CANCELLED, "cancelled", null); // its slot, if queued, is dropped lazily
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
        catchUp();
        return unfinished.get();
    }

    /**
     * The depth and the exact age of the oldest ready task not under lease, from a scan of the tasks held: linear in
     * them, which is fine for an autoscaler reading it once per evaluation.
     */
    @Override
    public synchronized TaskBacklog backlog() {
        catchUp();
        Instant now = clock.now();
        Instant oldest = null;
        for (Entry e : tasks.values()) {
            if (e.state == TaskState.QUEUED
                    && !e.readyAt.isAfter(now)
                    && (oldest == null || e.readyAt.isBefore(oldest))) {
                oldest = e.readyAt;
            }
        }
        return new TaskBacklog(unfinished.get(), oldest == null ? Duration.ZERO : Duration.between(oldest, now));
    }

    @Override
    public void close() {
        try {
            synchronized (this) {
                if (closed) {
                    return;
                }
                catchUp();
                closed = true;
                // Submissions that arrived since: a submitter that finds closed set after its own append takes its
                // task back unless it is gone from the inbox, so each is failed here or by its submitter, once.
                for (Entry e; (e = submissions.poll()) != null; ) {
                    tasks.put(e);
                }
                // a copy: a completion applied on the way may purge finished tasks from the index
                for (Entry e : tasks.values()) {
                    if (!e.state.isTerminal()) {
                        if (!endLease(e, LeaseLostException.Reason.CLOSED)) {
                            continue; // its worker completed it first
                        }
                        CompletableFuture<@Nullable Object> f = e.future;
                        afterUnlock.add(() -> f.completeExceptionally(
                                new TaskQueueClosedException("task " + e.id + " was not finished")));
                    }
                }
                for (Level level : levels) {
                    level.fifo.clear();
                    level.later.clear();
                }
                keyWaiters.clear();
                keysWithRoom.clear();
                rateWaiters.clear();
                leasedKeys.clear();
                unfinished.set(0);
                leased = 0;
                TaskClock.Cancellable timer = expiryTimer;
                expiryTimer = null;
                if (timer != null) {
                    timer.cancel();
                }
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

    private Entry newEntry(TaskRequest request, Instant now) {
        long serial = serials.getAndIncrement();
        return new Entry(serial, newId(serial), request, TaskLifecycle.maxAttempts(request, options), now);
    }

    /**
     * A UUID of this queue's random prefix and the task's serial (with the variant bits of a version 4 UUID), so a
     * lookup by id finds the task by serial in {@link #tasks}. Ids only need to be unique, not secret: the serial
     * makes them unique in the queue, the 58 random bits of the prefix across queues. {@link UUID#randomUUID()} drew
     * from the shared {@code SecureRandom}, which took a tenth of the submit path under load.
     */
    private String newId(long serial) {
        return new UUID(idPrefix, (serial & ~(0xC000L << 48)) | (0x8000L << 48)).toString();
    }

    /** The task with id {@code taskId}, or {@code null}: not one of this queue's ids, or forgotten. */
    private @Nullable Entry lookup(String taskId) {
        UUID uuid;
        try {
            uuid = UUID.fromString(taskId);
        } catch (IllegalArgumentException notAUuid) {
            return null;
        }
        if (uuid.getMostSignificantBits() != idPrefix) {
            return null;
        }
        Entry e = tasks.get(uuid.getLeastSignificantBits() & ~(0xC000L << 48));
        // UUID.fromString also reads forms that are not the canonical text of the id
        return e != null && e.id.equals(taskId) ? e : null;
    }

    private TaskHandle newHandle(Entry e) {
        return new BasicTaskHandle(e.id, e.future, this::cancel, () -> {
            synchronized (this) {
                catchUp();
                return e.state;
            }
        });
    }

    private synchronized int queuedNow() {
        catchUp();
        return unfinished.get() - leased;
    }

    private synchronized int leasedNow() {
        catchUp();
        return leased;
    }

    // ---- internals, all called with the monitor held ----

    /**
     * Applies what happened off the monitor: completions first (they free places and keys), then submissions, in
     * arrival order. Every call that takes the monitor starts here, so what it sees includes every submit and
     * complete that returned before it.
     */
    private void catchUp() {
        for (MemoryLease l; (l = completions.poll()) != null; ) {
            applyCompletion(l);
        }
        if (closed) {
            return; // close() took the inbox; a later submission stays for its submitter to take back
        }
        Instant now = null; // read once for the batch, again only for a task not ready at that time
        for (Entry e; (e = submissions.poll()) != null; ) {
            tasks.put(e);
            if (now == null || e.readyAt.isAfter(now)) {
                now = clock.now();
            }
            enqueue(e, e.readyAt, now);
        }
    }

    /** The bookkeeping of a lease whose {@link Lease#complete} won its claim; its future is already complete. */
    private void applyCompletion(MemoryLease lease) {
        if (lease.applied) {
            return; // applied by a claim that lost to it, or queued twice
        }
        lease.applied = true;
        Entry e = lease.entry;
        releaseLease(e, lease, LeaseLostException.Reason.ENDED);
        e.state = TaskState.SUCCEEDED; // its place in the bound and its metric went when it was claimed
        finished.add(e, lease.completedAt); // retained from when it finished, not from when this ran
    }

    private void enqueue(Entry e, Instant readyAt, Instant now) {
        e.state = TaskState.QUEUED;
        e.readyAt = readyAt;
        e.sequence = sequence++;
        Slot slot = new Slot(e, e.sequence, readyAt);
        Level level = levels[e.request.priority().rank()];
        Slot last = level.fifo.peekLast();
        // Tasks ready now arrive in ready order, so they append; delayed ones and retries go to the heap.
        if (!readyAt.isAfter(now) && (last == null || compareReady(last, slot) <= 0)) {
            level.fifo.addLast(slot);
        } else {
            level.later.add(slot);
        }
    }

    private static int compareReady(Slot a, Slot b) {
        int c = a.readyAt.compareTo(b.readyAt);
        return c != 0 ? c : Long.compare(a.sequence, b.sequence);
    }

    /**
     * The next task to lease: the first ready task of each level competes with its effective rank (aging only
     * depends on the wait, so a level's first task has its best rank). A first task that may not be leased now (its
     * key at its limit, its type out of permits) is parked until that changes, so it is looked at once, not on every
     * lease.
     */
    private @Nullable Entry nextReady(Instant now) {
        Slot best;
        Level bestLevel;
        long agingNanos = options.agingInterval().toNanos();
        long requeuedBefore;
        do {
            // parking a head may put waiters back into levels already looked at: then look again
            requeuedBefore = requeued;
            best = null;
            bestLevel = null;
            long bestRank = Long.MAX_VALUE;
            for (Level level : levels) {
                Slot head = head(level, now);
                if (head == null) {
                    continue;
                }
                long rank = rank(head, now, agingNanos);
                if (best == null || rank < bestRank || (rank == bestRank && compareReady(head, best) < 0)) {
                    best = head;
                    bestLevel = level;
                    bestRank = rank;
                }
            }
        } while (requeued != requeuedBefore);
        if (best == null) {
            return null;
        }
        if (bestLevel.fifo.peekFirst() == best) {
            bestLevel.fifo.pollFirst();
        } else {
            bestLevel.later.poll();
        }
        return best.entry;
    }

    /** {@code Duration.between(from, to).toNanos()} without the two objects: two per lease on the hot path. */
    private static long nanosBetween(Instant from, Instant to) {
        long seconds = to.getEpochSecond() - from.getEpochSecond();
        return Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), to.getNano() - from.getNano());
    }

    private static long rank(Slot slot, Instant now, long agingNanos) {
        long waited = nanosBetween(slot.readyAt, now);
        return Math.max(0, slot.entry.request.priority().rank() - waited / agingNanos);
    }

    /** The first ready, leasable task of a level, dropping stale slots and parking blocked tasks on the way. */
    private @Nullable Slot head(Level level, Instant now) {
        while (true) {
            Slot a = level.fifo.peekFirst();
            if (a != null && !a.isCurrent()) {
                level.fifo.pollFirst();
                continue;
            }
            Slot b = level.later.peek();
            if (b != null && !b.isCurrent()) {
                level.later.poll();
                continue;
            }
            if (b != null && b.readyAt.isAfter(now)) {
                b = null;
            }
            Slot first = a == null ? b : b == null || compareReady(a, b) <= 0 ? a : b;
            if (first == null) {
                return null;
            }
            Entry e = first.entry;
            String key = e.request.key();
            boolean keyBlocked = key != null && keyAtLimit(key, e.request.type());
            TokenBucket bucket = buckets.get(e.request.type());
            boolean rateBlocked = !keyBlocked && bucket != null && !bucket.hasPermit(now);
            if (!keyBlocked && !rateBlocked) {
                return first;
            }
            if (first == a) {
                level.fifo.pollFirst();
            } else {
                level.later.poll();
            }
            (keyBlocked ? keyWaiters : rateWaiters)
                    .computeIfAbsent(keyBlocked ? key : e.request.type(), k -> new Parked())
                    .add(first);
            // A task unparked for one reason may be parked for the other; the place or permit it was unparked for
            // is then unused, and the next waiter for it must have its turn.
            if (keyBlocked) {
                if (bucket != null && rateWaiters.containsKey(e.request.type()) && bucket.hasPermit(now)) {
                    unparkRate(e.request.type(), now);
                }
            } else if (key != null && keyWaiters.containsKey(key)) {
                unparkKey(key);
            }
        }
    }

    private boolean keyAtLimit(String key, String type) {
        Integer held = leasedKeys.get(key);
        return held != null && held >= options.keyConcurrencyFor(type);
    }

    /**
     * The next task of one of {@code types}: a scan of every ready task, without parking. Only leases restricted to
     * types take this path, at a cost linear in the ready tasks.
     */
    private @Nullable Entry nextReadyOfTypes(Instant now, Set<String> types) {
        Slot best = null;
        long bestRank = Long.MAX_VALUE;
        long agingNanos = options.agingInterval().toNanos();
        for (Level level : levels) {
            for (Collection<Slot> slots : List.of(level.fifo, level.later)) {
                for (Slot slot : slots) {
                    Entry e = slot.entry;
                    if (!slot.isCurrent() || slot.readyAt.isAfter(now) || !types.contains(e.request.type())) {
                        continue;
                    }
                    String key = e.request.key();
                    if (key != null && keyAtLimit(key, e.request.type())) {
                        continue;
                    }
                    TokenBucket bucket = buckets.get(e.request.type());
                    if (bucket != null && !bucket.hasPermit(now)) {
                        continue;
                    }
                    long rank = rank(slot, now, agingNanos);
                    if (best == null || rank < bestRank || (rank == bestRank && compareReady(slot, best) < 0)) {
                        best = slot;
                        bestRank = rank;
                    }
                }
            }
        }
        return best == null ? null : best.entry; // its slot goes stale when the task is leased
    }

    /**
     * Puts tasks parked on a key back in line: the best by effective rank, as many as the key has free places. Only
     * that many tasks of the key can be leased before another lease of it ends, so the rest may stay parked.
     */
    private void unparkKey(String key) {
        Parked waiting = keyWaiters.get(key);
        if (waiting == null) {
            keysWithRoom.remove(key);
            return;
        }
        Instant now = clock.now();
        Integer held = leasedKeys.get(key);
        for (Slot slot; (slot = waiting.peekBest(now, options.agingInterval())) != null; ) {
            if (held != null && held >= options.keyConcurrencyFor(slot.entry.request.type())) {
                break;
            }
            waiting.remove(slot);
            requeue(slot);
            held = held == null ? 1 : held + 1; // the place it may take; counted only to stop unparking
        }
        if (waiting.isEmpty()) {
            keyWaiters.remove(key);
            keysWithRoom.remove(key);
        }
    }

    /** Puts tasks parked on a rate limit back in line: the best by effective rank, as many as their type has permits. */
    private void unparkRateLimited(Instant now) {
        if (rateWaiters.isEmpty()) {
            return;
        }
        for (String type : List.copyOf(rateWaiters.keySet())) {
            unparkRate(type, now);
        }
    }

    /** Puts tasks of {@code type} parked on its rate limit back in line, as many as it has permits now. */
    private void unparkRate(String type, Instant now) {
        Parked waiting = rateWaiters.get(type);
        if (waiting == null) {
            return;
        }
        TokenBucket bucket = buckets.get(type);
        if (bucket.hasPermit(now)) {
            for (int i = 0; i < bucket.tokens(); i++) {
                Slot slot = waiting.peekBest(now, options.agingInterval());
                if (slot == null) {
                    break;
                }
                waiting.remove(slot);
                requeue(slot);
            }
        }
        if (waiting.isEmpty()) {
            rateWaiters.remove(type);
        }
    }

    /** Back into its level's heap, which keeps ready order wherever it falls; a stale slot is dropped. */
    private void requeue(Slot slot) {
        if (slot.isCurrent()) {
            levels[slot.entry.request.priority().rank()].later.add(slot);
            requeued++;
        }
    }

    private Lease grant(Entry e, String workerId, Instant now, Instant expiresAt) {
        e.state = TaskState.LEASED;
        e.attempt++;
        leased++;
        String key = e.request.key();
        if (key != null) {
            leasedKeys.merge(key, 1, Integer::sum);
            if (keyAtLimit(key, e.request.type())) {
                keysWithRoom.remove(key);
            }
        }
        TokenBucket bucket = buckets.get(e.request.type());
        if (bucket != null) {
            bucket.take(now);
        }
        Task task = new Task(e.id, e.request, e.attempt, e.maxAttempts, e.submittedAt);
        MemoryLease lease = new MemoryLease(e, task, workerId);
        lease.waitedNanos = nanosBetween(e.readyAt, now);
        e.lease = lease;
        lease.arm(now, expiresAt);
        return lease;
    }

    /**
     * Claims and clears the current lease of {@code e}, if any, remembering why, and frees its key.
     *
     * @return false if the lease's worker completed it first: its completion is then applied and the task succeeded
     */
    private boolean endLease(Entry e, LeaseLostException.Reason reason) {
        MemoryLease lease = e.lease;
        if (lease == null) {
            return true;
        }
        if (!lease.claim()) {
            applyCompletion(lease);
            return false;
        }
        releaseLease(e, lease, reason);
        return true;
    }

    /** Clears {@code lease}, the current lease of {@code e}, remembering why, and frees its key. */
    private void releaseLease(Entry e, MemoryLease lease, LeaseLostException.Reason reason) {
        e.lease = null;
        leased--;
        lease.lostReason = reason;
        lease.disarm();
        String key = e.request.key();
        if (key != null) {
            leasedKeys.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
            if (keyWaiters.containsKey(key)) {
                keysWithRoom.add(key);
            }
        }
    }

    private void finish(Entry e, TaskState state, String why, @Nullable Throwable cause) {
        // only a cancel finds the task still leased, and it claimed the lease already
        endLease(e, LeaseLostException.Reason.CANCELLED);
        e.state = state;
        unfinished.decrementAndGet();
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

    private void forgetLater(Entry e) {
        finished.add(e, clock.now());
    }

    private void forgetExpired(Instant now) {
        finished.expire(now);
    }

    private void forget(Entry e) {
        if (e.state.isTerminal() && (e.state != TaskState.DEAD_LETTERED || !deadLetters.containsKey(e.id))) {
            tasks.remove(e);
        }
    }

    private void deadLetter(Entry e, AttemptVerdict.DeadLetter verdict, Instant now, @Nullable Throwable cause) {
        Task task = new Task(e.id, e.request, e.attempt, e.maxAttempts, e.submittedAt);
        deadLetters.put(e.id, new TaskDeadLetter(task, verdict.reason(), e.failures, now));
        metrics.deadLettered(verdict.reason());
        finish(e, TaskState.DEAD_LETTERED, verdict.why(), cause);
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
            Entry gone = lookup(dropped.taskId());
            if (gone != null) {
                forgetLater(gone);
            }
        }
    }

    /**
     * Records a failed or lapsed attempt and decides between retry, dead letter and failure.
     *
     * @return {@code null} if the attempt's worker completed it first, so it did not fail
     */
    private Lease.@Nullable FailureOutcome failed(
            Entry e, TaskFailure failure, @Nullable Throwable cause, Instant now, LeaseLostException.Reason reason) {
        if (!endLease(e, reason)) {
            return null;
        }
        e.failures.add(failure);
        AttemptVerdict verdict = TaskLifecycle.afterFailedAttempt(
                options.retryPolicyFor(e.request.type()),
                e.attempt,
                e.maxAttempts,
                cause,
                e.request.deadline(),
                now,
                random.getAsDouble());
        metrics.attemptFailed(e.id, e.request.type(), failure, verdict);
        if (verdict instanceof AttemptVerdict.DeadLetter d) {
            deadLetter(e, d, now, cause);
        } else if (verdict instanceof AttemptVerdict.Fail f) {
            finish(e, TaskState.FAILED, f.why(), cause);
        } else if (verdict instanceof AttemptVerdict.Retry r) {
            enqueue(e, r.at(), now);
            metrics.retried();
        }
        return verdict.outcome();
    }

    private void deadlinePassed(Entry e) {
        try {
            synchronized (this) {
                catchUp();
                if (closed || e.state != TaskState.QUEUED || tasks.get(e.serial) != e) {
                    return; // a leased attempt may still finish; a lapse or failure then sees the deadline
                }
                finish(e, TaskState.FAILED, TaskLifecycle.deadlinePassed(e.request.deadline()), null);
            }
        } finally {
            runAfterUnlock();
        }
    }

    /** The expiry timer: lapses every lease due, then arms for the earliest left. */
    private void expireDue() {
        try {
            synchronized (this) {
                expiryTimer = null;
                expiryTimerAt = Instant.MAX;
                if (closed) {
                    return;
                }
                catchUp();
                Instant now = clock.now();
                for (MemoryLease due : byExpiry.takeDue(now)) {
                    if (due.entry.lease == due) {
                        due.expire(now);
                    }
                }
                Instant next = byExpiry.earliest();
                if (next != null) {
                    expiryTimerAt = next;
                    expiryTimer = clock.schedule(Duration.between(now, next), this::expireDue);
                }
            }
        } finally {
            runAfterUnlock();
        }
    }

    private void runAfterUnlock() {
        afterUnlock.runUnlessHolding(this);
    }

    // ---- state ----

    private final class Entry {
        final long serial;
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
        TaskHandle handle;

        Entry(long serial, String id, TaskRequest request, int maxAttempts, Instant submittedAt) {
            this.serial = serial;
            this.id = id;
            this.request = request;
            this.maxAttempts = maxAttempts;
            this.submittedAt = submittedAt;
            this.readyAt = submittedAt;
            this.handle = newHandle(this);
        }
    }

    /**
     * A place in line of one enqueueing of a task. A task leaves the line lazily: once leased, cancelled or failed,
     * or queued again under a new sequence, its old slot is stale and dropped when met.
     */
    private record Slot(Entry entry, long sequence, Instant readyAt) {
        boolean isCurrent() {
            return entry.state == TaskState.QUEUED && entry.sequence == sequence;
        }
    }

    /**
     * The ready line of one priority level: tasks ready when queued in arrival order (a deque, constant time), and
     * delayed tasks, retries and unparked tasks in a heap by ready order. The level's first task is the earlier of
     * the two heads.
     */
    private static final class Level {
        final ArrayDeque<Slot> fifo = new ArrayDeque<>();
        final PriorityQueue<Slot> later = new PriorityQueue<>(READY_ORDER);
    }

    /**
     * Tasks parked on one key or one rate-limited type, a heap per priority level in ready order, so the best by
     * effective rank is the best of five heads, as in the ready lines.
     */
    private static final class Parked {
        @SuppressWarnings({"unchecked", "rawtypes"}) // generic array creation: Java has no other way to write it
        private final PriorityQueue<Slot>[] levels = new PriorityQueue[TaskPriority.values().length];

        void add(Slot slot) {
            int rank = slot.entry.request.priority().rank();
            if (levels[rank] == null) {
                levels[rank] = new PriorityQueue<>(READY_ORDER);
            }
            levels[rank].add(slot);
        }

        /** The current slot with the best effective rank, dropping stale ones; {@code null} if none. */
        @Nullable
        Slot peekBest(Instant now, Duration aging) {
            Slot best = null;
            long bestRank = Long.MAX_VALUE;
            for (PriorityQueue<Slot> level : levels) {
                if (level == null) {
                    continue;
                }
                while (!level.isEmpty() && !level.peek().isCurrent()) {
                    level.poll();
                }
                Slot head = level.peek();
                if (head == null) {
                    continue;
                }
                long rank = rank(head, now, aging.toNanos());
                if (best == null || rank < bestRank || (rank == bestRank && compareReady(head, best) < 0)) {
                    best = head;
                    bestRank = rank;
                }
            }
            return best;
        }

        /** Removes {@code slot}, a head that {@link #peekBest} returned. */
        void remove(Slot slot) {
            levels[slot.entry.request.priority().rank()].poll();
        }

        boolean isEmpty() {
            for (PriorityQueue<Slot> level : levels) {
                if (level != null && !level.isEmpty()) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final int HELD = 0;
    private static final int COMPLETING = 1;
    private static final int ENDED = 2;

    @SuppressWarnings("rawtypes") // a field updater of a generic inner class: Java has no other way to write it
    private static final AtomicIntegerFieldUpdater<MemoryLease> END =
            AtomicIntegerFieldUpdater.newUpdater(MemoryLease.class, "end");

    private final class MemoryLease extends ExpiryIndex.Member implements Lease {
        private final Entry entry;
        private final Task task;
        private final String workerId;
        /** Written under the monitor; read off it by {@link #complete}. */
        private volatile Instant expiresAt = Instant.EPOCH;

        private final long sequence = leaseSequence++;
        /** Why this lease no longer holds its task; {@code null} while it does. Monitor held. */
        LeaseLostException.@Nullable Reason lostReason;
        /**
         * {@link #HELD}, then {@link #COMPLETING} (claimed by {@link #complete}, off the monitor) or {@link #ENDED}
         * (claimed under the monitor by a failure, lapse, cancel or close). One compare-and-set decides which.
         */
        volatile int end = HELD;
        /** The value {@link #complete} was given; written before its claim, so whoever sees the claim sees it. */
        @Nullable
        Object result;
        /** When {@link #complete} claimed it, which is when the task finished; written before the claim. */
        Instant completedAt = Instant.EPOCH;
        /** Its completion's bookkeeping is applied. Monitor held. */
        boolean applied;
        /** From ready to leased, for the wait timer. */
        long waitedNanos;

        MemoryLease(Entry entry, Task task, String workerId) {
            this.entry = entry;
            this.task = task;
            this.workerId = workerId;
        }

        /** Sets the expiry to {@code at} and indexes it; arms the queue's timer if it is the earliest. */
        void arm(Instant now, Instant at) {
            disarm();
            expiresAt = at;
            byExpiry.add(this, at);
            if (expiresAt.isBefore(expiryTimerAt)) {
                TaskClock.Cancellable old = expiryTimer;
                if (old != null) {
                    old.cancel();
                }
                expiryTimerAt = expiresAt;
                expiryTimer = clock.schedule(Duration.between(now, expiresAt), InMemoryTaskQueue.this::expireDue);
            }
        }

        /** Removes it from the expiry index; the timer stays and re-arms for whatever is earliest when it fires. */
        void disarm() {
            byExpiry.remove(this);
        }

        /** Claims the end of this lease for the monitor's holder; false if {@link #complete} claimed it first. */
        boolean claim() {
            return END.compareAndSet(this, HELD, ENDED);
        }

        @Override
        long sequence() {
            return sequence;
        }

        @Override
        Instant expiry() {
            return expiresAt;
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
            TaskLifecycle.requirePositive(extension, "extension");
            try {
                synchronized (InMemoryTaskQueue.this) {
                    catchUp();
                    Instant now = checkHeld();
                    arm(now, now.plus(extension));
                    return expiresAt;
                }
            } finally {
                runAfterUnlock();
            }
        }

        /**
         * Off the monitor while the lease is plainly held and not past its expiry: the claim decides, the future
         * completes here, the bookkeeping waits for the next holder of the monitor (see the class comment).
         * Anything else (closed, ended, lapsed) takes the monitor and throws as it always did.
         */
        @Override
        public void complete(@Nullable Object result) {
            Instant now = clock.now();
            if (!closed && end == HELD && now.isBefore(expiresAt)) {
                this.result = result;
                this.completedAt = now;
                if (END.compareAndSet(this, HELD, COMPLETING)) {
                    // its place in the bound is free now, so a submit that follows this one is not refused
                    unfinished.decrementAndGet();
                    metrics.succeeded();
                    // queued before the future completes, so whoever saw the future sees the task SUCCEEDED
                    completions.add(this);
                    entry.future.complete(result);
                    return;
                }
            }
            try {
                synchronized (InMemoryTaskQueue.this) {
                    catchUp();
                    Instant held = checkHeld(); // throws unless the lease is still held (the fast path lost a race)
                    this.result = result;
                    this.completedAt = held;
                    boolean mine = END.compareAndSet(this, HELD, COMPLETING);
                    applyCompletion(this);
                    if (!mine) {
                        throw lost(LeaseLostException.Reason.ENDED); // another complete() of it won
                    }
                    unfinished.decrementAndGet();
                    metrics.succeeded();
                    CompletableFuture<@Nullable Object> f = entry.future;
                    afterUnlock.add(() -> f.complete(result));
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
                    catchUp();
                    Instant now = checkHeld();
                    TaskFailure f = TaskLifecycle.failure(task.attempt(), workerId, failure, now);
                    FailureOutcome outcome = failed(entry, f, failure, now, LeaseLostException.Reason.ENDED);
                    if (outcome == null) {
                        throw lost(LeaseLostException.Reason.ENDED); // complete() won: the task succeeded
                    }
                    return outcome;
                }
            } finally {
                runAfterUnlock();
            }
        }

        /**
         * Throws unless this lease still holds its task; a lease found past its expiry lapses here, so the outcome
         * does not depend on whether the expiry timer already ran. Monitor held, {@link #catchUp()} done.
         */
        private Instant checkHeld() {
            if (closed) {
                throw lost(LeaseLostException.Reason.CLOSED);
            }
            if (end == COMPLETING) {
                applyCompletion(this); // claimed by complete() since catchUp(): it ended the lease
            }
            LeaseLostException.@Nullable Reason reason = lostReason;
            if (reason != null) {
                throw lost(reason);
            }
            Instant now = clock.now();
            if (!now.isBefore(expiresAt)) {
                expire(now);
                LeaseLostException.@Nullable Reason why = lostReason;
                throw lost(why != null ? why : LeaseLostException.Reason.EXPIRED);
            }
            return now;
        }

        private LeaseLostException lost(LeaseLostException.Reason reason) {
            return new LeaseLostException(entry.id, workerId, task.attempt(), reason, expiresAt);
        }

        /** The lease lapsed: count the attempt and hand the task out again or give up. Monitor held. */
        private void expire(Instant now) {
            TaskFailure f = TaskLifecycle.leaseLapsed(task.attempt(), workerId, expiresAt, now);
            if (failed(entry, f, null, now, LeaseLostException.Reason.EXPIRED) != null) {
                metrics.leaseExpired();
            }
        }

        @Override
        public String toString() {
            return "Lease{task=" + entry.id + ", attempt=" + task.attempt() + ", worker=" + workerId + '}';
        }
    }

    private final class DeadLettersView implements TaskDeadLetters {
        @Override
        public List<TaskDeadLetter> list(int limit) {
            TaskLifecycle.requireLimit(limit);
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
                Entry e = lookup(taskId);
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
            catchUp(); // submissions before it go first
            deadLetters.remove(taskId);
            Entry e = Objects.requireNonNull(lookup(taskId), "dead-lettered tasks are kept");
            e.attempt = 0;
            e.failures.clear();
            e.future = new CompletableFuture<>();
            e.handle = newHandle(e);
            unfinished.incrementAndGet();
            Instant now = clock.now();
            enqueue(e, now, now);
            return e.handle;
        }
    }
}
