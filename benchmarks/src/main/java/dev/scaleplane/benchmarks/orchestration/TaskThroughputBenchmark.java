package dev.scaleplane.benchmarks.orchestration;

import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueClosedException;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.orchestration.Orchestrator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-memory orchestration throughput, submit to completed handle, for no-op tasks: Scaleplane's embedded task queue
 * with an {@link Orchestrator} against two job schedulers, Quartz and JobRunr, each with its in-memory store, and a
 * plain {@link ThreadPoolExecutor} running no-op {@link CompletableFuture}s, all on the same number of threads, in the
 * same run.
 *
 * <p>One invocation submits {@value #BATCH} tasks from the benchmark thread and returns once every one of them is
 * known completed, so the score is <em>tasks per second, submitted, run and acknowledged</em>. Nothing is left in
 * flight between invocations. A failed or lost task fails the run (its future completes exceptionally or the wait
 * passes its deadline), and the tear-down checks that every task ran exactly once.
 *
 * <p>Implementations ({@code impl}):
 *
 * <ul>
 *   <li>{@code scaleplane}: {@code platform.tasks()} (the in-memory queue, chosen by configuration) and an
 *       {@link Orchestrator} with {@code workers} workers of {@value #SLOTS} slots each, its default strategy
 *       (health-based then capacity-aware), its default executor with one thread per worker, its background loop
 *       polling every millisecond, and the platform's meter registry for both the queue's and the orchestrator's
 *       metrics. Everything a user gets is measured: leases with visibility timers and heartbeats, the dispatch
 *       decision, the metrics, the handle's future.
 *   <li>{@code queue}: the same queue without an orchestrator: {@code workers} consumer threads each lease up to
 *       {@value #SLOTS} tasks at a time and complete them, backing off briefly when nothing is ready. Not a product
 *       configuration: it splits the cost between the queue (this row) and the orchestrator (the difference to
 *       {@code scaleplane}).
 *   <li>{@code quartz}: Quartz 2.5 with its {@code RAMJobStore}: per task a non-durable job and a fire-now trigger;
 *       {@code threadPool.threadCount = workers}, {@code batchTriggerAcquisitionMaxCount = workers}, {@code
 *       idleWaitTime} at its default. Known completed = its {@code TriggerListener.triggerComplete}. See
 *       {@link QuartzPeer}.
 *   <li>JobRunr 8 with its {@code InMemoryStorageProvider} and a background job server in the same JVM: per task
 *       {@code enqueue(() -> JobRunrPeer.noop())}; {@code workerCount = workers}, poll interval 200 ms (the smallest
 *       it accepts for the in-memory store), succeeded jobs deleted after 1 s. Known completed = an
 *       {@code ApplyStateFilter} seeing the job's {@code SUCCEEDED} state applied. See {@link JobRunrPeer}. It runs
 *       in {@link TaskThroughputJobRunrBenchmark}, the same measurement with batches of
 *       {@value TaskThroughputJobRunrBenchmark#BATCH}: it completes a few hundred jobs a second here.
 *   <li>{@code executor}: the floor, {@code CompletableFuture.runAsync(noop, pool)} on a {@link ThreadPoolExecutor}
 *       with {@code workers} threads and an unbounded queue: the floor of "run this on a pool and tell me when it is
 *       done" with no queue semantics at all.
 * </ul>
 *
 * <p>What is not equal, so read the ratio with it in mind: the peer has no leases, retries, priorities, per-key
 * mutex, idempotency, dead letters or worker selection; every one of those is Scaleplane's product and is paid per
 * task here. The queue's retention of finished tasks is set to 1 s (default 1 h): a run of millions of tasks would
 * otherwise keep every finished task in memory, and the benchmark would measure the garbage collector.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TaskThroughputBenchmark {

    /** Tasks submitted per invocation. */
    public static final int BATCH = 10_000;

    /** Slots of each Scaleplane worker: enough that the dispatcher leases in batches rather than one by one. */
    public static final int SLOTS = 64;

    /** Far longer than any healthy batch takes; only a bug or a lost task gets here. */
    static final long DEADLINE_SECONDS = 60;

    private static final String TYPE = "noop";

    /**
     * {@code scaleplane}, {@code queue}, {@code quartz} or {@code executor}; see the class comment. JobRunr runs in
     * {@link TaskThroughputJobRunrBenchmark}, with a smaller batch.
     */
    @Param({"scaleplane", "queue", "quartz", "executor"})
    public String impl;

    /** Workers (Scaleplane) or pool threads (peer). */
    @Param({"1", "4", "16"})
    public int workers;

    private @Nullable ScaleplanePlatform platform;
    private @Nullable TaskQueue queue;
    private @Nullable Orchestrator orchestrator;
    private @Nullable ThreadPoolExecutor pool;
    private @Nullable SchedulerPeer peer;
    private final AtomicInteger ran = new AtomicInteger();
    private final List<Thread> consumers = new ArrayList<>();
    private volatile boolean stopping;
    private long expected;
    private final TaskRequest request = TaskRequest.of(TYPE, "payload");
    private final Runnable noop = ran::incrementAndGet;
    private final CompletableFuture<?>[] futures = new CompletableFuture<?>[BATCH];

    /** Starts the implementation; not measured. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        // Counted per trial: the smoke run does every trial in one JVM.
        QuartzPeer.RAN.set(0);
        switch (impl) {
            case "quartz" -> peer = new QuartzPeer(workers);
            case "scaleplane" -> startScaleplane();
            case "queue" -> startQueueConsumers();
            case "executor" -> {
                pool = new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
                pool.prestartAllCoreThreads();
            }
            default -> throw new IllegalArgumentException(
                    "unknown impl '" + impl + "', expected scaleplane, queue, quartz or executor");
        }
    }

    private void startScaleplane() {
        platform = platform();
        try {
            queue = platform.tasks();
            Orchestrator o = Orchestrator.builder(queue)
                    // Metrics on, as a deployment runs it: the queue records into the same registry.
                    .meterRegistry(platform.meterRegistry())
                    .threads(workers)
                    .pollInterval(Duration.ofMillis(1))
                    .build();
            for (int i = 0; i < workers; i++) {
                o.register(WorkerSpec.of("w" + i, SLOTS), task -> {
                    ran.incrementAndGet();
                    return null;
                });
            }
            o.start();
            orchestrator = o;
        } catch (RuntimeException | Error e) {
            platform.close();
            throw e;
        }
    }

    private void startQueueConsumers() {
        platform = platform();
        TaskQueue q = platform.tasks();
        queue = q;
        for (int i = 0; i < workers; i++) {
            String id = "consumer-" + i;
            Thread t = new Thread(() -> consume(q, id), id);
            t.setDaemon(true);
            consumers.add(t);
            t.start();
        }
    }

    private void consume(TaskQueue q, String id) {
        Duration visibility = Duration.ofSeconds(30);
        while (!stopping) {
            List<Lease> leases;
            try {
                leases = q.lease(id, SLOTS, visibility);
            } catch (TaskQueueClosedException e) {
                return;
            }
            if (leases.isEmpty()) {
                // Nothing ready: give the core to the submitter rather than spin on the queue's monitor.
                LockSupport.parkNanos(20_000);
                continue;
            }
            for (Lease lease : leases) {
                ran.incrementAndGet();
                lease.complete(null);
            }
        }
    }

    private static ScaleplanePlatform platform() {
        return Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of(
                        "scaleplane.events.provider", "memory",
                        // The benchmark jar also holds the PostgreSQL store; this platform needs no store.
                        "scaleplane.store.provider", "memory",
                        "scaleplane.tasks.provider", "memory",
                        // Above the batch, so back-pressure never fails a submission.
                        "scaleplane.tasks.memory.capacity", Integer.toString(4 * BATCH),
                        "scaleplane.tasks.memory.retention", "1s")))
                .build();
    }

    /** Submits one batch and waits until every task of it completed. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void submitAndComplete() throws Exception {
        expected += BATCH;
        if (peer != null) {
            SchedulerPeer p = peer;
            p.expect(BATCH);
            for (int i = 0; i < BATCH; i++) {
                p.submit();
            }
            p.await(DEADLINE_SECONDS);
            return;
        }
        CompletableFuture<?>[] f = futures;
        if (queue != null) {
            TaskQueue q = queue;
            for (int i = 0; i < BATCH; i++) {
                TaskHandle h = q.submit(request);
                f[i] = h.result();
            }
        } else {
            ThreadPoolExecutor p = pool;
            for (int i = 0; i < BATCH; i++) {
                f[i] = CompletableFuture.runAsync(noop, p);
            }
        }
        // get() throws if any task failed; the deadline turns a lost task into a failed run instead of a hang.
        CompletableFuture.allOf(f).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    /** Checks that every task ran exactly once, then stops everything. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            long executions = ran.get() + QuartzPeer.RAN.get();
            if (executions != expected) {
                throw new IllegalStateException(
                        impl + "/" + workers + ": " + executions + " task executions, expected exactly " + expected);
            }
        } finally {
            stopping = true;
            for (Thread t : consumers) {
                t.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
            }
            if (orchestrator != null) {
                orchestrator.close();
            }
            if (platform != null) {
                platform.close();
            }
            if (pool != null) {
                pool.shutdownNow();
            }
            if (peer != null) {
                peer.close();
            }
        }
    }
}
