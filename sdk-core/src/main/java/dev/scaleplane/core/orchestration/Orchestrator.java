package dev.scaleplane.core.orchestration;

import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueClosedException;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.api.orchestration.WorkerView;
import dev.scaleplane.core.internal.tracing.Tracing;
import dev.scaleplane.core.orchestration.support.DeferredActions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches the tasks of a {@link TaskQueue} to registered workers: leases only as many tasks as healthy workers
 * have free slots, asks the {@link DispatchStrategy} which worker runs each one, runs the worker's
 * {@link TaskHandler} on the executor while extending the lease, then completes or fails the lease and reports the
 * outcome to the strategy.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>Slots</b>: a worker never runs more than {@link WorkerSpec#slots()} tasks at once. A slot is taken when
 *       the task is dispatched and freed when its handler returns (by the next holder of the lock, before it decides
 *       anything: see the thread-safety note), even if the lease was lost before.
 *   <li><b>Back-pressure</b>: when every healthy worker is full nothing is leased, so tasks wait in the queue; the
 *       queue's own bound then limits submissions. If the strategy declines every worker for a task it leased (a
 *       health or label filter), the orchestrator keeps that lease, extends it on each round and offers the task
 *       again first; it is neither failed nor counted as another attempt. Such parked tasks do not keep free workers
 *       idle: each round still leases for the slots left free, as long as fewer than
 *       {@linkplain Builder#maxParked(int) maxParked} leases are parked.
 *   <li><b>Health</b>: a worker registered with {@link #registerRemote} is healthy while its last
 *       {@link #heartbeat(String)} is at most {@code missedHeartbeats × heartbeatInterval} old. An unhealthy worker is
 *       shown to the strategy with {@code healthy() == false} (so no built-in chooses it) and the leases of its
 *       running tasks are no longer extended: they lapse and the queue hands the tasks out again; the strategy then
 *       sees {@link DispatchStrategy#onFailure} with a {@link LeaseLostException}. Workers registered with
 *       {@link #register} run in this process and are always alive.
 *   <li><b>Callbacks</b>: for every dispatch, {@link DispatchStrategy#onDispatched} once, then exactly one of
 *       {@code onSuccess} or {@code onFailure} (a lost lease counts as a failure, and a handler that returns after
 *       its lease was lost reports nothing more). An exception from {@code choose} is logged and means "no worker
 *       now".
 *   <li><b>Candidates</b>: the strategy sees workers as snapshots in registration order.
 *   <li><b>Outcomes</b>: a handler's outcome is handed to the queue with {@link Lease#completeAsync} or
 *       {@link Lease#failAsync}, and the handler's thread does not wait for the queue to record it: the slot is freed
 *       when the handler returns, and the handler's thread goes on to the next task. The metrics and the strategy's
 *       {@code onSuccess} / {@code onFailure} follow once the outcome is known (a lease lost meanwhile counts as
 *       lost). At most {@linkplain Builder#maxPendingOutcomes(int) maxPendingOutcomes} outcomes await the queue
 *       (plus one per handler thread handing one over at that moment); beyond that a returning handler's thread waits
 *       for room, so a slow backend slows the workers instead of growing memory. A queue that records outcomes before
 *       returning (the in-memory one) never has any pending.
 *   <li><b>Drain</b>: a worker whose registration is {@linkplain Registration#drain drained} takes no new task; its
 *       running tasks finish within the drain timeout or are handed back to the queue, and the drain completes once
 *       their outcomes are recorded too (or at the timeout).
 * </ul>
 *
 * <p>Tasks are leased in the orchestrator's {@linkplain Builder#name(String) name}, which is what failure records
 * and dead letters show as the worker. Several orchestrators may share one queue.
 *
 * <h2>Driving it</h2>
 *
 * {@link #dispatchOnce()} runs one round on the caller's thread; {@link #start()} runs rounds on the clock every
 * {@linkplain Builder#pollInterval(Duration) poll interval} and right after a handler frees a slot (on the default
 * executor, right after a pool thread ran the handlers of a round it took: its slots could not run sooner). Time (lease
 * heartbeats, missed-heartbeat detection, the loop) is read from the {@link TaskClock}, so a test drives everything
 * with a virtual clock and a direct or manual executor, without sleeping.
 *
 * <p>Thread-safe. {@code choose} and {@code onDispatched} run under the orchestrator's lock, so decisions see
 * consistent in-flight counts and a half-open health probe is taken before the next decision; handlers and the
 * outcome callbacks ({@code onSuccess}, {@code onFailure}) never do.
 *
 * <p>A handler that returns does not take the lock either, while the orchestrator runs its loop: it hands its outcome
 * to the queue, tells the strategy once the outcome is known (with its worker's view as it was when the handler
 * returned, its own slot still counted), and appends the attempt to a
 * lock-free inbox of finished attempts. The next holder of the lock (the round the handler's thread then asks for, or
 * any other call that reads the workers) first frees the slots of everything in the inbox, in one batch. So every
 * answer read under the lock ({@link #workers()}, a round's decisions, {@link #awaitTermination}) already counts
 * every handler that returned before it, and a descheduled thread holding the lock no longer stalls every handler
 * that finishes meanwhile. Before {@link #start()}, after {@link #shutdown()} and while its worker drains, an
 * attempt frees its slot itself, as no round may follow to do it.
 */
public final class Orchestrator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Orchestrator.class);

    /** Default name, used as the lease holder. */
    public static final String DEFAULT_NAME = "orchestrator";

    /** Default {@linkplain Builder#maxParked(int) bound} on leases held for tasks no worker accepts now. */
    public static final int DEFAULT_MAX_PARKED = 64;

    /**
     * Default {@linkplain Builder#maxPendingOutcomes(int) bound} on handler outcomes handed to the queue and not
     * recorded yet.
     */
    public static final int DEFAULT_MAX_PENDING_OUTCOMES = 1024;

    /** Default number of heartbeat intervals a remote worker may miss before it is unhealthy. */
    public static final int DEFAULT_MISSED_HEARTBEATS = 3;

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final TaskQueue queue;
    private final DispatchStrategy strategy;
    private final TaskClock clock;
    private final Executor executor;
    private final @Nullable ExecutorService ownedExecutor;
    /** Threads of {@link #ownedExecutor}. */
    private final int threads;

    private final String name;
    private final Duration visibilityTimeout;
    private final Duration heartbeatInterval;
    private final Duration livenessWindow;
    private final Duration pollInterval;
    private final Duration closeTimeout;
    private final int maxParked;
    private final int maxPendingOutcomes;
    private final Set<String> types;
    private final OrchestratorMetrics metrics;

    private final Object lock = new Object();
    /** Attempts whose handler returned and whose slot is not freed yet; see the class comment. */
    private final ConcurrentLinkedQueue<Attempt> finishedInbox = new ConcurrentLinkedQueue<>();
    /** Drains completed under the lock, finished once it is released. */
    private final DeferredActions afterUnlock = new DeferredActions();

    private final Map<String, Worker> workers = new LinkedHashMap<>();
    /** Tasks still running on deregistered workers, by id, so a worker registered again under the id counts them. */
    private final Map<String, InFlight> retired = new HashMap<>();

    private final ArrayDeque<Lease> parked = new ArrayDeque<>();
    /** Running attempts whose leases the heartbeat sweep extends. */
    private final Set<Attempt> beating = new LinkedHashSet<>();
    /** The next heartbeat sweep, while one is scheduled. */
    private TaskClock.@Nullable Cancellable sweepTimer;
    /** A dispatch round was asked for; see {@link #requestRound()}. */
    private static final AtomicIntegerFieldUpdater<Attempt> FINISHED =
            AtomicIntegerFieldUpdater.newUpdater(Attempt.class, "finished");

    private static final AtomicIntegerFieldUpdater<Attempt> REPORTED =
            AtomicIntegerFieldUpdater.newUpdater(Attempt.class, "reported");

    /** Attempts created so far, their hash codes. Lock held. */
    private int attempts;

    private final AtomicBoolean roundRequested = new AtomicBoolean();
    /** A thread is running requested rounds. */
    private final AtomicBoolean dispatching = new AtomicBoolean();

    /** Attempts dispatched and not freed yet. Lock held. */
    private int running;

    /** Outcomes handed to the queue and not recorded yet; see {@link Attempt#end}. */
    private final AtomicInteger pendingOutcomes = new AtomicInteger();
    /** Handler threads waiting for room among the pending outcomes; written under the lock. */
    private volatile int outcomeWaiters;
    /** Written under the lock, read without it by a finishing attempt. */
    private volatile boolean started;
    /** Written under the lock, read without it by a finishing attempt. */
    private volatile boolean shutdown;

    /** The loop's next round; written under the lock by start and shutdown, without it by the loop itself. */
    private volatile TaskClock.@Nullable Cancellable loop;

    private Orchestrator(Builder b) {
        this.queue = b.queue;
        this.clock = b.clock;
        this.strategy = b.strategy != null
                ? b.strategy
                : DispatchStrategies.healthBased(HealthPolicy.defaults(), b.clock)
                        .then(DispatchStrategies.capacityAware());
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownedExecutor = null;
        } else {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(
                    b.threads, b.threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "scaleplane-orchestrator-" + THREADS.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            pool.allowCoreThreadTimeOut(true);
            this.executor = pool;
            this.ownedExecutor = pool;
        }
        this.threads = b.threads;
        this.name = b.name;
        this.visibilityTimeout = b.visibilityTimeout;
        this.heartbeatInterval = b.heartbeatInterval;
        this.livenessWindow = b.heartbeatInterval.multipliedBy(b.missedHeartbeats);
        this.pollInterval = b.pollInterval;
        this.closeTimeout = b.closeTimeout;
        this.maxParked = b.maxParked;
        this.maxPendingOutcomes = b.maxPendingOutcomes;
        this.types = b.types;
        this.metrics = new OrchestratorMetrics(
                b.meterRegistry != null ? b.meterRegistry : new CompositeMeterRegistry(), b.name);
    }

    /** A builder over {@code queue}; every other setting has a default. */
    public static Builder builder(TaskQueue queue) {
        return new Builder(queue);
    }

    /**
     * Registers a worker that runs in this process: it is always alive and needs no heartbeats.
     *
     * @return closing it deregisters the worker: it gets no new tasks, its running handlers finish
     * @throws IllegalArgumentException if a worker with the same id is registered
     * @throws IllegalStateException if the orchestrator is shut down
     */
    public Registration register(WorkerSpec spec, TaskHandler handler) {
        return add(spec, handler, false);
    }

    /**
     * Registers a worker whose liveness is reported by {@link #heartbeat(String)}, such as a handler that forwards
     * tasks to another process. It counts as heartbeating now.
     *
     * @return closing it deregisters the worker: it gets no new tasks, its running handlers finish
     * @throws IllegalArgumentException if a worker with the same id is registered
     * @throws IllegalStateException if the orchestrator is shut down
     */
    public Registration registerRemote(WorkerSpec spec, TaskHandler handler) {
        return add(spec, handler, true);
    }

    private Registration add(WorkerSpec spec, TaskHandler handler, boolean remote) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(handler, "handler");
        synchronized (lock) {
            if (shutdown) {
                throw new IllegalStateException(
                        "orchestrator '" + name + "' is shut down; cannot register worker '" + spec.id() + "'");
            }
            if (workers.containsKey(spec.id())) {
                throw new IllegalArgumentException("a worker with id '" + spec.id() + "' is already registered with '"
                        + name + "'; close its registration first");
            }
            InFlight inFlight = retired.remove(spec.id());
            Worker w = new Worker(spec, handler, remote, clock.now(), inFlight != null ? inFlight : new InFlight());
            w.meters = metrics.worker(spec.id(), w, workerProbe);
            workers.put(spec.id(), w);
            return new Registration(w);
        }
    }

    /**
     * Records a heartbeat of a worker registered with {@link #registerRemote}; no effect for in-process workers.
     *
     * @return whether the worker is registered
     */
    public boolean heartbeat(String workerId) {
        Objects.requireNonNull(workerId, "workerId");
        synchronized (lock) {
            Worker w = workers.get(workerId);
            if (w == null) {
                return false;
            }
            w.lastHeartbeat = clock.now();
            return true;
        }
    }

    /** Snapshots of the registered workers, in registration order, with their tasks in flight and health now. */
    public List<WorkerView> workers() {
        return caughtUp(() -> snapshots(clock.now()));
    }

    /**
     * Runs {@code read} under the lock after freeing the slots of the finished attempts; drains that completes are
     * finished once the lock is released.
     */
    private <T> T caughtUp(Supplier<T> read) {
        try {
            synchronized (lock) {
                freeFinished();
                return read.get();
            }
        } finally {
            afterUnlock.runUnlessHolding(lock);
        }
    }

    /**
     * Frees the slots of the attempts in the inbox, in one batch. Lock held; drains this completes are deferred to
     * {@link #afterUnlock}.
     */
    private void freeFinished() {
        for (Attempt a; (a = finishedInbox.poll()) != null; ) {
            a.freeSlot();
        }
    }

    /**
     * Runs one dispatch round: offers parked tasks again, then leases up to the free slots of the healthy workers
     * and dispatches each task to the worker the strategy chooses. Handlers are handed to the executor after the
     * decisions, outside the lock; with a direct executor they run before this method returns.
     *
     * @return how many tasks were dispatched
     */
    public int dispatchOnce() {
        List<Attempt> dispatched = new ArrayList<>();
        try {
            synchronized (lock) {
                freeFinished();
                if (shutdown) {
                    return 0;
                }
                dispatch(dispatched);
            }
        } finally {
            afterUnlock.runUnlessHolding(lock);
        }
        launch(dispatched);
        return dispatched.size();
    }

    /** The decisions of one round, reading the clock once. Lock held. */
    private void dispatch(List<Attempt> dispatched) {
        Instant now = clock.now();
        List<WorkerView> views = snapshots(now);
        List<Lease> offered = new ArrayList<>(parked);
        parked.clear();
        placeAll(offered, now, views, dispatched);
        // Lease for the slots still free. Parked tasks do not hold those slots back (a task waiting for a busy
        // "eu" worker must not keep a free "us" worker idle), but their number is bounded, so a backlog no
        // worker accepts cannot pile up leases.
        int wanted = Math.min(freeSlots(now), maxParked - parked.size());
        if (wanted > 0) {
            List<Lease> leased = List.of();
            try {
                leased = queue.lease(name, wanted, visibilityTimeout, types);
            } catch (TaskQueueClosedException e) {
                LOG.debug("Queue closed; orchestrator '{}' leases nothing", name);
            }
            placeAll(leased, now, views, dispatched);
        }
        if (!dispatched.isEmpty()) {
            Instant nextBeat = now.plus(heartbeatInterval);
            for (Attempt a : dispatched) {
                a.track(now, nextBeat);
            }
        }
    }

    /**
     * Hands the attempts of one round to the executor. The orchestrator's own pool gets one runner per thread that
     * takes the round's attempts in turn, not one hand-off per task: the pool runs no more handlers at once than it
     * has threads either way, and a hand-off (a lock and a wake-up per task) cost more than a no-op handler. An
     * executor given by the application gets every attempt on its own, as it may run any number at once.
     */
    private void launch(List<Attempt> dispatched) {
        int n = dispatched.size();
        if (n == 0) {
            return;
        }
        if (ownedExecutor == null || n == 1) {
            for (Attempt a : dispatched) {
                a.launch();
            }
            return;
        }
        Round round = new Round(dispatched);
        for (Attempt a : dispatched) {
            a.inRound = true;
        }
        int runners = Math.min(n, threads);
        for (int i = 0; i < runners; i++) {
            try {
                executor.execute(round);
            } catch (RejectedExecutionException e) {
                if (i == 0) {
                    round.reject(e); // nothing will run them: end each as rejected
                }
                return; // the runners already accepted take every attempt of the round
            }
        }
    }

    /**
     * The attempts of one round, taken in turn by the runners {@link #launch(List)} started. A runner asks for the
     * next round when the attempts run out rather than after each one: until then its thread is busy with this
     * round, so a slot freed earlier could not run a task sooner, and a round per task is what made the hand-offs
     * cost more than the tasks.
     */
    private final class Round implements Runnable {
        private final List<Attempt> attempts;
        private final AtomicInteger next = new AtomicInteger();

        Round(List<Attempt> attempts) {
            this.attempts = attempts;
        }

        @Override
        public void run() {
            Error first = null;
            for (int i; (i = next.getAndIncrement()) < attempts.size(); ) {
                try {
                    attempts.get(i).run();
                } catch (Error e) { // the attempt ended itself; the rest of the round still runs
                    if (first == null) {
                        first = e;
                    }
                }
            }
            // The next round also frees the slots of this round's attempts, which skipped asking for one.
            if (started && !shutdown) {
                requestRound();
            }
            if (first != null) {
                throw first;
            }
        }

        void reject(RejectedExecutionException e) {
            for (int i; (i = next.getAndIncrement()) < attempts.size(); ) {
                attempts.get(i).rejected(e);
            }
        }
    }

    /**
     * Starts the background loop on the clock: a round every poll interval and after every finished handler.
     * Idempotent.
     */
    public void start() {
        synchronized (lock) {
            if (started || shutdown) {
                return;
            }
            started = true;
            loop = clock.schedule(Duration.ZERO, this::tick);
        }
    }

    /** Stops dispatching (and the loop) without waiting; running handlers go on. Idempotent. */
    public void shutdown() {
        List<Lease> release;
        try {
            synchronized (lock) {
                if (shutdown) {
                    return;
                }
                shutdown = true;
                // An attempt that saw the orchestrator running left its slot to the next round, which may not come now.
                freeFinished();
                TaskClock.Cancellable l = loop;
                loop = null;
                if (l != null) {
                    l.cancel();
                }
                release = new ArrayList<>(parked);
                parked.clear();
            }
        } finally {
            afterUnlock.runUnlessHolding(lock);
        }
        // Parked tasks were never given to a worker: letting their leases lapse hands them to another orchestrator.
        if (!release.isEmpty()) {
            LOG.info(
                    "Orchestrator '{}' shut down with {} undispatched leases; they lapse back to the queue",
                    name,
                    release.size());
        }
    }

    /**
     * Waits up to {@code timeout} (real time) for the running handlers to return and the queue to record their
     * outcomes.
     *
     * @return whether none is running and no outcome is pending
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        try {
            synchronized (lock) {
                // the round that frees the rest notifies; one that shutdown() left is freed by its attempt
                freeFinished();
                while (running > 0 || pendingOutcomes.get() > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                    freeFinished();
                }
                return true;
            }
        } finally {
            afterUnlock.runUnlessHolding(lock);
        }
    }

    /**
     * {@link #shutdown()}, then waits up to the {@linkplain Builder#closeTimeout(Duration) close timeout} for running
     * handlers and their outcomes to be recorded, then stops the default executor if the orchestrator made it. Does not close the queue. Idempotent.
     */
    @Override
    public void close() {
        shutdown();
        try {
            if (!awaitTermination(closeTimeout)) {
                LOG.warn("Orchestrator '{}' closed with handlers still running after {}", name, closeTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
    }

    @Override
    public String toString() {
        return "Orchestrator{" + name + ", strategy=" + strategy + '}';
    }

    // ---- internals ----

    /**
     * A round of the loop, through {@link #requestRound()}: a thread already running rounds runs one more instead of
     * this timer thread waiting for the lock to run its own. Re-arms itself without the lock: it writes {@link #loop}
     * before it reads {@link #shutdown}, and {@link #shutdown()} the other way round, so one of them cancels it.
     */
    private void tick() {
        requestRound();
        if (!shutdown) {
            TaskClock.Cancellable next = clock.schedule(pollInterval, this::tick);
            loop = next;
            if (shutdown) {
                next.cancel();
            }
        }
    }

    /** Places each lease or parks it, extended, for the next round. Lock held. */
    private void placeAll(List<Lease> leases, Instant now, List<WorkerView> views, List<Attempt> dispatched) {
        for (Lease lease : leases) {
            Attempt a = place(lease, now, views);
            if (a != null) {
                dispatched.add(a);
            } else if (extend(lease)) {
                parked.addLast(lease);
            }
        }
    }

    /** Lock held. */
    private int freeSlots(Instant now) {
        int free = 0;
        for (Worker w : workers.values()) {
            if (w.healthy(now)) {
                free += Math.max(0, w.spec.slots() - w.inFlight.count);
            }
        }
        return free;
    }

    /** Lock held. */
    private List<WorkerView> snapshots(Instant now) {
        List<WorkerView> views = new ArrayList<>(workers.size());
        for (Worker w : workers.values()) {
            views.add(w.view(now));
        }
        return views;
    }

    /**
     * Chooses a worker for the leased task and takes its slot; {@code null} if none. {@code views} are this round's
     * snapshots; the chosen worker's is replaced by a fresh one, so the next decision sees its new in-flight count
     * without a snapshot of every worker per task. Lock held.
     */
    private @Nullable Attempt place(Lease lease, Instant now, List<WorkerView> views) {
        Task task = lease.task();
        Optional<WorkerView> chosen;
        try {
            chosen = strategy.choose(task, views);
        } catch (RuntimeException e) {
            LOG.warn("Dispatch strategy {} failed for task {}; no worker now", strategy, task.id(), e);
            return null;
        }
        if (chosen.isEmpty()) {
            return null;
        }
        WorkerView view = chosen.get();
        Worker w = workers.get(view.id());
        int index = indexOfSame(views, view);
        if (w == null || index < 0 || !w.healthy(now) || w.inFlight.count >= w.spec.slots()) {
            LOG.warn(
                    "Dispatch strategy {} chose {} for task {}, which is not an available candidate; no worker now",
                    strategy,
                    view.id(),
                    task.id());
            return null;
        }
        w.inFlight.count++;
        running++;
        metrics.dispatched.increment();
        Attempt a = new Attempt(w, lease, attempts++);
        w.attempts.add(a);
        strategy.onDispatched(task, view);
        views.set(index, w.view(now));
        return a;
    }

    private static int indexOfSame(List<WorkerView> views, WorkerView view) {
        for (int i = 0; i < views.size(); i++) {
            if (views.get(i) == view) {
                return i;
            }
        }
        return -1;
    }

    private boolean extend(Lease lease) {
        try {
            lease.heartbeat(visibilityTimeout);
            return true;
        } catch (LeaseLostException e) {
            return false; // the queue hands the task out again
        }
    }

    private final class Worker {
        final WorkerSpec spec;
        final TaskHandler handler;
        final boolean remote;
        /** Written under the lock; read without it for the view a finishing attempt reports. */
        volatile Instant lastHeartbeat;

        final InFlight inFlight;
        OrchestratorMetrics.@Nullable WorkerMeters meters;
        /** Attempts dispatched to this registration and not released yet. Lock held. */
        final Set<Attempt> attempts = new LinkedHashSet<>();
        /** Set once, under the lock, when the registration is drained; read without it by a finishing attempt. */
        volatile @Nullable Drain drain;

        /** Outcomes of this registration's attempts handed to the queue and not recorded yet. */
        final AtomicInteger pendingOutcomes = new AtomicInteger();

        /** Whether no attempt runs and no outcome is pending: a drain may complete. Lock held. */
        boolean settled() {
            return attempts.isEmpty() && pendingOutcomes.get() == 0;
        }

        Worker(WorkerSpec spec, TaskHandler handler, boolean remote, Instant now, InFlight inFlight) {
            this.spec = spec;
            this.handler = handler;
            this.remote = remote;
            this.lastHeartbeat = now;
            this.inFlight = inFlight;
        }

        /** Lock held, or a snapshot that may be a moment old. */
        boolean healthy(Instant now) {
            return !remote || !now.isAfter(lastHeartbeat.plus(livenessWindow));
        }

        /** Lock held, or a snapshot that may be a moment old. */
        WorkerView view(Instant now) {
            return WorkerView.of(spec, inFlight.count, healthy(now));
        }
    }

    /** Reads a worker's state for its gauges, under the lock, when the registry is read. */
    private final OrchestratorMetrics.WorkerProbe<Worker> workerProbe = new OrchestratorMetrics.WorkerProbe<>() {
        @Override
        public double inFlight(Worker w) {
            return caughtUp(() -> w.inFlight.count);
        }

        @Override
        public double slots(Worker w) {
            return w.spec.slots();
        }

        @Override
        public double healthy(Worker w) {
            synchronized (lock) {
                return w.healthy(clock.now()) ? 1 : 0;
            }
        }
    };

    /** Tasks running on one worker id. Written under the lock; read without it for a finishing attempt's view. */
    private static final class InFlight {
        volatile int count;
    }

    /** One dispatched attempt: runs the handler, keeps the lease alive, reports the outcome once. */
    private final class Attempt implements Runnable {
        final Worker worker;
        final Lease lease;
        /** 0 until the outcome is counted, then 1 (set through REPORTED). */
        volatile int reported;
        /** Its hash in {@link #beating} and its worker's attempts: a number, where an identity hash cost a header CAS. */
        private final int hash;
        /** Set under the lock before the attempt reaches the executor, which publishes it to the handler's thread. */
        Instant startedAt = Instant.EPOCH;
        /** When the sweep next extends this attempt's lease. Lock held. */
        Instant nextBeat = Instant.EPOCH;

        /** 1 once the handler returned (or the executor refused it); set once, off the lock, through FINISHED. */
        volatile int finished;
        /** The drain timeout passed and the task went back to the queue while the handler ran. Lock held. */
        boolean handedBack;
        /** Runs as part of a {@link Round}, which asks for the next round itself; set before it is launched. */
        boolean inRound;

        Attempt(Worker worker, Lease lease, int hash) {
            this.worker = worker;
            this.lease = lease;
            this.hash = hash;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return this == other;
        }

        /** Whether the handler returned (or the executor refused it). */
        boolean isFinished() {
            return finished != 0;
        }

        /** Starts the clock and the lease heartbeats of this attempt; {@code nextBeat} is the round's. Lock held. */
        void track(Instant now, Instant nextBeat) {
            startedAt = now;
            this.nextBeat = nextBeat;
            beating.add(this);
            if (sweepTimer == null) {
                // every other running attempt beats no later than this one, so an armed sweep is early enough
                sweepTimer = clock.schedule(heartbeatInterval, Orchestrator.this::sweep);
            }
        }

        /** Hands this attempt to the executor on its own. */
        void launch() {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException e) {
                rejected(e);
            }
        }

        void rejected(RejectedExecutionException e) {
            LOG.warn("Executor rejected task {} for worker '{}'", lease.task().id(), worker.spec.id(), e);
            end(null, e);
        }

        @Override
        public void run() {
            Object result = null;
            Throwable failure = null;
            try {
                result = Tracing.runTask(lease.task(), worker.spec.id(), worker.handler);
            } catch (Exception e) {
                failure = e;
            } catch (Error e) {
                end(null, e);
                throw e;
            }
            end(result, failure);
        }

        /**
         * Hands the handler's outcome to the queue, reports it and gets the slot freed, reading the clock once. While
         * the orchestrator runs its loop, the slot is left to the next holder of the lock through the inbox of finished
         * attempts (see the class comment) and this thread asks for the round that frees it; otherwise, or while the
         * worker drains, it frees the slot itself. An outcome the queue records before returning (its future is done)
         * is reported here; one it records later is reported by {@link #settle}, and the slot is freed meanwhile.
         */
        private void end(@Nullable Object result, @Nullable Throwable failure) {
            if (!FINISHED.compareAndSet(this, 0, 1)) {
                return;
            }
            Instant now = clock.now();
            Duration ran = Duration.between(startedAt, now);
            OrchestratorMetrics.WorkerMeters m = worker.meters;
            if (m != null) {
                m.busy(ran.toNanos());
            }
            metrics.executed(ran.toNanos());
            if (pendingOutcomes.get() >= maxPendingOutcomes) {
                awaitRoomForOutcome();
            }
            CompletableFuture<?> ended;
            try {
                ended = failure == null ? lease.completeAsync(result) : lease.failAsync(failure);
            } catch (RuntimeException e) { // a queue that throws instead of failing the future
                ended = CompletableFuture.failedFuture(e);
            }
            boolean pending = !ended.isDone();
            WorkerView view;
            Throwable outcome = failure;
            if (pending) {
                // Counted before the slot is freed, so a drain that sees the slot free sees the outcome pending.
                worker.pendingOutcomes.incrementAndGet();
                pendingOutcomes.incrementAndGet();
                view = worker.view(now);
            } else {
                if (ended.isCompletedExceptionally()) {
                    outcome = endFailure(ended);
                }
                // The view the strategy gets still counts this attempt, as the slot is freed after it is read.
                view = count(outcome) ? worker.view(now) : null;
            }
            finishedInbox.add(this);
            // Read after the attempt is in the inbox: shutdown() and drain() set their flag before they empty it.
            boolean running = started && !shutdown;
            if (!running || worker.drain != null) {
                try {
                    synchronized (lock) {
                        freeFinished();
                    }
                } finally {
                    afterUnlock.runUnlessHolding(lock);
                }
            }
            if (pending) {
                WorkerView seen = view;
                Throwable handlerFailure = failure;
                ended.whenComplete((ignored, e) -> settle(seen, ran, handlerFailure, e));
            } else if (view != null) {
                tell(view, ran, outcome);
            }
            if (running && !inRound) {
                requestRound();
            }
        }

        /** Why ending the lease failed: a lost lease as itself, anything else logged. */
        private Throwable endFailure(CompletableFuture<?> ended) {
            Throwable e;
            try {
                ended.join();
                throw new IllegalStateException("not completed exceptionally: " + ended);
            } catch (CompletionException | CancellationException ex) {
                e = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
            }
            return classify(e);
        }

        private Throwable classify(Throwable e) {
            if (!(e instanceof LeaseLostException)) {
                LOG.error(
                        "Queue failed to end the lease of task {}", lease.task().id(), e);
            }
            return e;
        }

        /**
         * The queue recorded the outcome handed over in {@link #end} (or failed to): counts and reports it with the
         * worker's view as it was when the handler returned, then lets waiting handler threads, a drain and {@link
         * #awaitTermination} go on. Runs on the thread that completed the queue's future, without the lock.
         */
        private void settle(WorkerView view, Duration ran, @Nullable Throwable failure, @Nullable Throwable e) {
            Throwable outcome = failure;
            if (e != null) {
                outcome = classify(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            }
            if (count(outcome)) {
                tell(view, ran, outcome);
            }
            worker.pendingOutcomes.decrementAndGet();
            int left = pendingOutcomes.decrementAndGet();
            // Read after the decrements: a drain or waiter that starts meanwhile reads the counts after its flag.
            if (left == 0 || outcomeWaiters > 0 || worker.drain != null) {
                try {
                    synchronized (lock) {
                        Drain d = worker.drain;
                        if (d != null && !d.handingBack && worker.settled()) {
                            afterUnlock.add(() -> d.finish(0));
                        }
                        lock.notifyAll();
                    }
                } finally {
                    afterUnlock.runUnlessHolding(lock);
                }
            }
        }

        /**
         * Gives the task back to the queue while its handler still runs: the lease fails with a
         * {@link WorkerDrainedException}, so the queue retries the task by its policy (the attempt counts) and the
         * handler's late result is discarded. Runs without the lock.
         *
         * @return whether this call handed it back (false if the handler had finished)
         */
        boolean handBack(Duration timeout) {
            synchronized (lock) {
                if (isFinished() || handedBack) {
                    return false;
                }
                handedBack = true;
                beating.remove(this);
            }
            WorkerDrainedException why =
                    new WorkerDrainedException(worker.spec.id(), lease.task().id(), timeout);
            try {
                lease.fail(why);
                report(why);
            } catch (LeaseLostException lost) {
                report(lost);
            } catch (RuntimeException e) {
                LOG.error(
                        "Queue failed to hand back task {} of drained worker '{}'",
                        lease.task().id(),
                        worker.spec.id(),
                        e);
                report(e);
            }
            return true;
        }

        /**
         * Extends the lease while the worker is healthy; detects the lapse otherwise. Runs in the sweep, without the
         * lock.
         *
         * @return whether the sweep should go on extending it
         */
        boolean beat() {
            boolean healthy;
            synchronized (lock) {
                if (isFinished() || handedBack) {
                    return false;
                }
                healthy = worker.healthy(clock.now());
            }
            try {
                if (healthy) {
                    lease.heartbeat(visibilityTimeout);
                } else if (!clock.now().isBefore(lease.expiresAt())) {
                    report(new LeaseLostException(
                            lease.task().id(),
                            lease.workerId(),
                            lease.task().attempt(),
                            LeaseLostException.Reason.EXPIRED,
                            lease.expiresAt()));
                    return false;
                }
            } catch (LeaseLostException lost) {
                report(lost);
                return false;
            }
            return true;
        }

        private void report(@Nullable Throwable failure) {
            if (!count(failure)) {
                return;
            }
            WorkerView view;
            Instant now;
            synchronized (lock) {
                now = clock.now();
                view = worker.view(now);
            }
            tell(view, Duration.between(startedAt, now), failure);
        }

        /** Counts the outcome of this attempt, the first time only; returns whether this was the first. */
        private boolean count(@Nullable Throwable failure) {
            if (!REPORTED.compareAndSet(this, 0, 1)) {
                return false;
            }
            if (failure == null) {
                metrics.succeeded.increment();
            } else if (failure instanceof LeaseLostException) {
                metrics.leaseLost.increment();
            } else {
                metrics.failed.increment();
            }
            return true;
        }

        /** Tells the strategy the outcome, as seen in {@code view}, after {@code ran}. Lock not held. */
        private void tell(WorkerView view, Duration ran, @Nullable Throwable failure) {
            try {
                if (failure == null) {
                    strategy.onSuccess(view, ran);
                } else {
                    strategy.onFailure(view, failure);
                }
            } catch (RuntimeException e) {
                LOG.warn("Dispatch strategy {} failed in a callback for worker '{}'", strategy, view.id(), e);
            }
        }

        /**
         * Frees this attempt's slot and stops its heartbeats; a drain this completes is finished once the lock is
         * released ({@link #afterUnlock}). Lock held.
         */
        private void freeSlot() {
            beating.remove(this);
            worker.attempts.remove(this);
            Drain d = worker.drain;
            if (d != null && !d.handingBack && worker.settled()) {
                afterUnlock.add(() -> d.finish(0));
            }
            worker.inFlight.count--;
            if (worker.inFlight.count == 0) {
                retired.remove(worker.spec.id(), worker.inFlight);
            }
            running--;
            if (running == 0) {
                lock.notifyAll();
            }
        }
    }

    /**
     * Waits until fewer than {@code maxPendingOutcomes} outcomes await the queue: a slow backend holds the handler
     * threads here rather than letting outcomes pile up. An interrupt stops the wait, and the outcome is handed over
     * anyway, as dropping it would leave the task to lapse.
     */
    private void awaitRoomForOutcome() {
        synchronized (lock) {
            outcomeWaiters++;
            try {
                while (pendingOutcomes.get() >= maxPendingOutcomes) {
                    lock.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                outcomeWaiters--;
            }
        }
    }

    /**
     * Runs a dispatch round now on this thread, or, if another thread is running rounds, makes it run one more. A
     * freed slot is refilled at once by the thread that freed it, with no hop through the clock's timer thread, and
     * handlers finishing together share one round instead of each paying for one.
     */
    private void requestRound() {
        roundRequested.set(true);
        while (roundRequested.get() && dispatching.compareAndSet(false, true)) {
            try {
                while (roundRequested.getAndSet(false)) {
                    dispatchOnce();
                }
            } catch (RuntimeException e) {
                LOG.error("Dispatch round of orchestrator '{}' failed", name, e);
            } finally {
                dispatching.set(false);
            }
        }
    }

    /**
     * Extends the leases of the running attempts that are due, then arms itself for the next one due: one timer for
     * all running attempts instead of one per attempt.
     */
    private void sweep() {
        List<Attempt> due = caughtUp(() -> {
            sweepTimer = null;
            Instant now = clock.now();
            List<Attempt> dueNow = new ArrayList<>();
            for (Iterator<Attempt> it = beating.iterator(); it.hasNext(); ) {
                Attempt a = it.next();
                if (!a.nextBeat.isAfter(now)) {
                    it.remove();
                    dueNow.add(a);
                }
            }
            return dueNow;
        });
        List<Attempt> again = new ArrayList<>(due.size());
        for (Attempt a : due) {
            try {
                if (a.beat()) {
                    again.add(a);
                }
            } catch (RuntimeException e) {
                LOG.error("Heartbeat of task {} failed", a.lease.task().id(), e);
                again.add(a);
            }
        }
        synchronized (lock) {
            Instant now = clock.now();
            for (Attempt a : again) {
                if (!a.isFinished() && !a.handedBack) {
                    a.nextBeat = now.plus(heartbeatInterval);
                    beating.add(a);
                }
            }
            if (sweepTimer == null && !beating.isEmpty()) {
                Instant next = null;
                for (Attempt a : beating) {
                    if (next == null || a.nextBeat.isBefore(next)) {
                        next = a.nextBeat;
                    }
                }
                sweepTimer = clock.schedule(Duration.between(now, next), this::sweep);
            }
        }
    }

    /** A registered worker; closing it deregisters the worker. Idempotent. */
    public final class Registration implements AutoCloseable {
        private final Worker worker;

        private Registration(Worker worker) {
            this.worker = worker;
        }

        /** The worker's spec. */
        public WorkerSpec spec() {
            return worker.spec;
        }

        /** Records a heartbeat of this worker; see {@link Orchestrator#heartbeat(String)}. */
        public void heartbeat() {
            synchronized (lock) {
                worker.lastHeartbeat = clock.now();
            }
        }

        /**
         * Deregisters the worker: no new tasks; handlers already running finish and end their leases, and until they
         * do they take slots of a worker registered again under the same id.
         */
        @Override
        public void close() {
            synchronized (lock) {
                deregister();
            }
        }

        /**
         * Deregisters the worker and drains it: it takes no new task; the tasks it runs may finish within {@code
         * timeout} on the orchestrator's clock, and those still running then are handed back to the queue (their
         * leases fail with a {@link WorkerDrainedException}, so the queue retries them by their retry policy, counting
         * the attempt, and a handler's late result is discarded). The drain completes early once every task finished
         * and the queue recorded their outcomes; at the timeout it completes whatever outcomes are still pending (they
         * cannot be handed back: the queue has them). Idempotent: a second call returns the first call's
         * future. Also works after {@link #close()}, for the handlers still running.
         *
         * @param timeout how long running tasks may take to finish, {@code >= 0}
         * @return completes, on the thread that ended the drain, with the number of tasks handed back: 0 when every
         *     task finished in time
         * @throws IllegalArgumentException if {@code timeout} is negative
         */
        public CompletableFuture<Integer> drain(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be >= 0, but was " + timeout);
            }
            Drain d;
            try {
                synchronized (lock) {
                    Drain earlier = worker.drain;
                    if (earlier != null) {
                        return earlier.future;
                    }
                    deregister();
                    d = new Drain();
                    worker.drain = d;
                    // After the flag: an attempt that ended before it left its slot to the inbox; later ones see it.
                    freeFinished();
                    // Read after the flag: an outcome recorded before it was seen pending here; later ones see it.
                    if (!worker.settled()) {
                        d.timer = clock.schedule(timeout, () -> handBack(d, timeout));
                        return d.future;
                    }
                }
            } finally {
                afterUnlock.runUnlessHolding(lock);
            }
            d.finish(0);
            return d.future;
        }

        /**
         * Whether {@link #drain(Duration)} was called and tasks of this worker still run or wait for the queue to record
         * their outcomes.
         */
        public boolean draining() {
            return caughtUp(() -> worker.drain != null && !worker.settled());
        }

        private void handBack(Drain d, Duration timeout) {
            List<Attempt> held = caughtUp(() -> {
                d.timer = null;
                d.handingBack = true;
                return new ArrayList<>(worker.attempts);
            });
            int handedBack = 0;
            for (Attempt a : held) {
                if (a.handBack(timeout)) {
                    handedBack++;
                }
            }
            if (handedBack > 0) {
                LOG.warn(
                        "Worker '{}' of orchestrator '{}' still ran {} tasks after its drain timeout {}; handed them"
                                + " back to the queue",
                        worker.spec.id(),
                        name,
                        handedBack,
                        timeout);
            }
            d.finish(handedBack);
        }

        /** Lock held. */
        private void deregister() {
            if (!workers.remove(worker.spec.id(), worker)) {
                return;
            }
            if (worker.inFlight.count > 0) {
                retired.put(worker.spec.id(), worker.inFlight);
            }
            OrchestratorMetrics.WorkerMeters m = worker.meters;
            worker.meters = null;
            if (m != null) {
                m.remove();
            }
        }
    }

    /** The drain of one registration. */
    private static final class Drain {
        final CompletableFuture<Integer> future = new CompletableFuture<>();
        /** The hand-back at the timeout, while armed. Written under the orchestrator lock, read by {@link #finish}. */
        volatile TaskClock.@Nullable Cancellable timer;
        /** The timeout passed: the hand-back completes the drain with its count. Orchestrator lock held. */
        boolean handingBack;

        /** Completes the drain (once) and disarms the hand-back; without the orchestrator lock. */
        void finish(int handedBack) {
            TaskClock.Cancellable t = timer;
            if (t != null) {
                t.cancel();
            }
            future.complete(handedBack);
        }
    }

    /**
     * The failure a task's lease ends with when the worker running it was {@linkplain Registration#drain drained} and
     * did not finish it within the drain timeout: the task goes back to the queue, which retries it by its policy.
     */
    public static final class WorkerDrainedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String workerId;
        private final String taskId;

        /**
         * Creates the failure.
         *
         * @param workerId the drained worker
         * @param taskId the task handed back
         * @param timeout the drain timeout that passed
         */
        public WorkerDrainedException(String workerId, String taskId, Duration timeout) {
            super("worker '" + workerId + "' was drained and still ran task " + taskId + " after the drain timeout "
                    + timeout + "; the task was handed back to the queue (raise the drain timeout if tasks take"
                    + " longer)");
            this.workerId = workerId;
            this.taskId = taskId;
        }

        /** The drained worker. */
        public String workerId() {
            return workerId;
        }

        /** The task handed back. */
        public String taskId() {
            return taskId;
        }
    }

    /** Builds an {@link Orchestrator}; setters validate their argument. Not thread-safe. */
    public static final class Builder {
        private final TaskQueue queue;
        private @Nullable DispatchStrategy strategy;
        private TaskClock clock = TaskClock.system();
        private @Nullable Executor executor;
        private int threads = Math.max(4, Runtime.getRuntime().availableProcessors());
        private String name = DEFAULT_NAME;
        private Duration visibilityTimeout = Duration.ofSeconds(30);
        private Duration heartbeatInterval = Duration.ofSeconds(10);
        private int missedHeartbeats = DEFAULT_MISSED_HEARTBEATS;
        private Duration pollInterval = Duration.ofMillis(100);
        private Duration closeTimeout = Duration.ofSeconds(30);
        private @Nullable MeterRegistry meterRegistry;
        private int maxParked = DEFAULT_MAX_PARKED;
        private int maxPendingOutcomes = DEFAULT_MAX_PENDING_OUTCOMES;
        private Set<String> types = Set.of();

        private Builder(TaskQueue queue) {
            this.queue = Objects.requireNonNull(queue, "queue");
        }

        /**
         * The strategy. Default: {@code healthBased(HealthPolicy.defaults(), clock).then(capacityAware())} on this
         * builder's clock.
         */
        public Builder strategy(DispatchStrategy strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /** Time source of heartbeats, liveness and the loop. Default {@link TaskClock#system()}. */
        public Builder clock(TaskClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Runs handlers; not shut down by the orchestrator. Default: a fixed pool of daemon threads (see
         * {@link #threads(int)}) that {@link #close()} shuts down. Tests pass a direct or manual executor.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Threads of the default executor. Default: the number of processors, at least 4. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, but was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** The lease holder's name, shown in failure records. Default {@value #DEFAULT_NAME}. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            return this;
        }

        /** How long each lease (and each extension) lasts. Default 30 s; must exceed the heartbeat interval. */
        public Builder visibilityTimeout(Duration visibilityTimeout) {
            this.visibilityTimeout = positive(visibilityTimeout, "visibilityTimeout");
            return this;
        }

        /** How often running leases are extended, and the unit of missed remote heartbeats. Default 10 s. */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = positive(heartbeatInterval, "heartbeatInterval");
            return this;
        }

        /**
         * Heartbeat intervals a remote worker may miss before it is unhealthy. Default
         * {@value Orchestrator#DEFAULT_MISSED_HEARTBEATS}.
         */
        public Builder missedHeartbeats(int missedHeartbeats) {
            if (missedHeartbeats < 1) {
                throw new IllegalArgumentException("missedHeartbeats must be >= 1, but was " + missedHeartbeats);
            }
            this.missedHeartbeats = missedHeartbeats;
            return this;
        }

        /**
         * Where the dispatch-side metrics go; default none. Meters, tagged {@code orchestrator} (the
         * {@linkplain #name(String) name}) and, per worker, {@code worker}:
         *
         * <table>
         *   <caption>Meters</caption>
         *   <tr><th>name</th><th>type</th><th>meaning</th></tr>
         *   <tr><td>{@code scaleplane.orchestrator.dispatched}</td><td>counter</td><td>tasks handed to a worker</td></tr>
         *   <tr><td>{@code scaleplane.orchestrator.succeeded}</td><td>counter</td><td>attempts that completed</td></tr>
         *   <tr><td>{@code scaleplane.orchestrator.failed}</td><td>counter</td><td>handlers that threw</td></tr>
         *   <tr><td>{@code scaleplane.orchestrator.lease.lost}</td><td>counter</td><td>attempts whose lease lapsed or
         *       was lost</td></tr>
         *   <tr><td>{@code scaleplane.orchestrator.execution}</td><td>timer</td><td>handler run time on the clock,
         *       p50/p95/p99 of the current minute (count, total and max of every attempt)</td></tr>
         *   <tr><td>{@code scaleplane.orchestrator.worker.in_flight}</td><td>gauge</td><td>tasks running on the
         *       worker</td></tr>
         *   <tr><td>{@code scaleplane.orchestrator.worker.slots}</td><td>gauge</td><td>the worker's slots</td></tr>
         *   <tr><td>{@code scaleplane.orchestrator.worker.utilization}</td><td>gauge</td><td>in-flight ÷ slots
         *       now</td></tr>
         *   <tr><td>{@code scaleplane.orchestrator.worker.healthy}</td><td>gauge</td><td>1 if it may get
         *       tasks</td></tr>
         *   <tr><td>{@code scaleplane.orchestrator.worker.busy}</td><td>counter</td><td>slot-seconds spent in
         *       handlers: its rate ÷ slots is the utilization averaged over time</td></tr>
         * </table>
         *
         * The queue side (queued, leased, retried, dead-lettered, lease expirations, wait time) is the queue's own:
         * see {@link TaskQueueMetrics}. Worker meters are removed when the worker's registration is closed.
         */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * Leases of tasks no worker accepts now (every candidate declined by the strategy: full, ejected, wrong
         * labels) that the orchestrator holds and offers again each round, at most. While fewer are held it goes on
         * leasing for free slots, so other tasks reach idle workers; at the limit it leases no more until one is
         * placed. Default {@value Orchestrator#DEFAULT_MAX_PARKED}. To keep tasks that only some workers can run
         * from waiting behind each other, give them their own types and an orchestrator per type set
         * ({@link #types(Set)}).
         */
        public Builder maxParked(int maxParked) {
            if (maxParked < 0) {
                throw new IllegalArgumentException("maxParked must be >= 0, but was " + maxParked);
            }
            this.maxParked = maxParked;
            return this;
        }

        /**
         * Handler outcomes handed to the queue ({@link Lease#completeAsync}, {@link Lease#failAsync}) that it has not
         * recorded yet, at most (plus one per handler thread handing one over at that moment). At the bound a handler's
         * thread waits, after its handler returned, until the queue records one: back-pressure from a slow backend,
         * with memory bounded. A queue that records an outcome before returning never counts against it. Default
         * {@value Orchestrator#DEFAULT_MAX_PENDING_OUTCOMES}.
         *
         * <p>The waiting thread is the executor's: with an {@link #executor(Executor) executor} that runs handlers on
         * the thread completing the queue's futures (a direct executor called from a queue callback), a handler
         * returning at the bound would wait for that very thread. Run handlers on threads of their own, as the default
         * executor does.
         *
         * @throws IllegalArgumentException if {@code maxPendingOutcomes} is less than 1
         */
        public Builder maxPendingOutcomes(int maxPendingOutcomes) {
            if (maxPendingOutcomes < 1) {
                throw new IllegalArgumentException("maxPendingOutcomes must be >= 1, but was " + maxPendingOutcomes);
            }
            this.maxPendingOutcomes = maxPendingOutcomes;
            return this;
        }

        /** Lease only tasks of these types; empty (the default) for every type. */
        public Builder types(Set<String> types) {
            this.types = Set.copyOf(Objects.requireNonNull(types, "types"));
            return this;
        }

        /** Time between rounds of the background loop. Default 100 ms. */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = positive(pollInterval, "pollInterval");
            return this;
        }

        /** How long {@link Orchestrator#close()} waits for running handlers. Default 30 s. */
        public Builder closeTimeout(Duration closeTimeout) {
            Objects.requireNonNull(closeTimeout, "closeTimeout");
            if (closeTimeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must be >= 0, but was " + closeTimeout);
            }
            this.closeTimeout = closeTimeout;
            return this;
        }

        /**
         * Builds the orchestrator.
         *
         * @throws IllegalArgumentException if the heartbeat interval is not shorter than the visibility timeout
         */
        public Orchestrator build() {
            if (heartbeatInterval.compareTo(visibilityTimeout) >= 0) {
                throw new IllegalArgumentException("heartbeatInterval must be < visibilityTimeout, but was "
                        + heartbeatInterval + " >= " + visibilityTimeout);
            }
            return new Orchestrator(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be > 0, but was " + d);
            }
            return d;
        }
    }
}
