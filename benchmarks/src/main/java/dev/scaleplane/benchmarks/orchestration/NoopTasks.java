package dev.scaleplane.benchmarks.orchestration;

import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.orchestration.Orchestrator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * What the broker task-queue benchmarks share on the SDK side: a platform (in-memory bus and store) whose task queue
 * the given settings choose, an {@link Orchestrator} running no-op tasks on it that counts every execution, and the
 * pool of submitting threads. Not thread-safe to start or close; {@link #ran()} may be read from any thread.
 */
public final class NoopTasks implements AutoCloseable {
    private final ScaleplanePlatform platform;
    private final Orchestrator orchestrator;
    private final AtomicLong ran = new AtomicLong();

    private NoopTasks(Map<String, String> queueSettings, int threads, int workers, int slots) {
        Map<String, String> settings = new HashMap<>(queueSettings);
        settings.put("scaleplane.events.provider", "memory");
        settings.put("scaleplane.store.provider", "memory");
        platform =
                Scaleplane.builder().config(ScaleplaneProperties.of(settings)).build();
        orchestrator = Orchestrator.builder(platform.tasks())
                .meterRegistry(platform.meterRegistry())
                .threads(threads)
                .pollInterval(Duration.ofMillis(1))
                .build();
        for (int i = 0; i < workers; i++) {
            orchestrator.register(WorkerSpec.of("w" + i, slots), task -> {
                ran.incrementAndGet();
                return null;
            });
        }
        orchestrator.start();
    }

    /**
     * Builds the platform and starts the orchestrator.
     *
     * @param queueSettings the task queue's settings, {@code scaleplane.tasks.provider} included
     * @param threads the orchestrator's handler threads
     * @param workers how many workers of {@code slots} slots each it runs the no-op tasks on
     */
    public static NoopTasks start(Map<String, String> queueSettings, int threads, int workers, int slots) {
        return new NoopTasks(queueSettings, threads, workers, slots);
    }

    /** The platform's task queue. */
    public TaskQueue queue() {
        return platform.tasks();
    }

    /** Tasks executed so far. */
    public long ran() {
        return ran.get();
    }

    /** A fixed pool of {@code n} daemon threads named {@code submitter}. */
    public static ExecutorService submitters(int n) {
        return Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "submitter");
            t.setDaemon(true);
            return t;
        });
    }

    /** One submitting thread's part of a batch. */
    @FunctionalInterface
    public interface Share {
        /**
         * Submits {@code count} tasks.
         *
         * @param submitter which submitter this is, from 0
         * @return per task, a future that completes once the task is done
         */
        List<CompletableFuture<?>> submit(int submitter, int count) throws Exception;
    }

    /**
     * Runs {@code share} on {@code submitters} threads of {@code pool}, each with an equal part of {@code tasks}, and
     * returns once every task is done.
     *
     * @throws java.util.concurrent.TimeoutException if a share or the tasks take longer than {@code deadlineSeconds}
     */
    public static void submitInShares(
            ExecutorService pool, int submitters, int tasks, long deadlineSeconds, Share share) throws Exception {
        int each = tasks / submitters;
        List<Future<List<CompletableFuture<?>>>> shares = new ArrayList<>();
        for (int t = 0; t < submitters; t++) {
            int submitter = t;
            shares.add(pool.submit(() -> share.submit(submitter, each)));
        }
        List<CompletableFuture<?>> all = new ArrayList<>(tasks);
        for (Future<List<CompletableFuture<?>>> f : shares) {
            all.addAll(f.get(deadlineSeconds, TimeUnit.SECONDS));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(deadlineSeconds, TimeUnit.SECONDS);
    }

    /** The task type the benchmarks submit (any type runs: the workers take every type). */
    public static final String TYPE = "noop";

    /** The raw-client side of a broker task-queue benchmark: the same broker operations without the SDK. */
    public interface RawSide {
        /** Submits task {@code payload}, waiting for the broker's acknowledgement; the future completes when it ran. */
        CompletableFuture<?> submit(int payload) throws Exception;

        /**
         * Submits task {@code payload} without waiting; {@code acknowledged} runs once the broker acknowledged it, and
         * the future completes when it ran (or fails with the refusal).
         */
        CompletableFuture<?> submitAsync(int payload, Runnable acknowledged) throws Exception;
    }

    /**
     * Submits {@code tasks} no-op tasks in shares ({@link #submitInShares}) through the SDK's {@code queue}, or else
     * through {@code raw}, and waits until all ran: synchronously, or pipelined with at most {@code inFlight}
     * unacknowledged submits per submitter. One loop for both brokers' benchmarks, so both sides of each compare the
     * same submitting pattern.
     */
    public static void submitNoops(
            ExecutorService pool,
            int submitters,
            int tasks,
            long deadlineSeconds,
            boolean pipelined,
            int inFlight,
            @Nullable TaskQueue queue,
            @Nullable RawSide raw)
            throws Exception {
        submitInShares(pool, submitters, tasks, deadlineSeconds, (submitter, count) -> {
            List<CompletableFuture<?>> done = new ArrayList<>(count);
            Semaphore window = new Semaphore(inFlight);
            for (int i = 0; i < count; i++) {
                if (!pipelined) {
                    done.add(
                            queue != null
                                    ? queue.submit(TaskRequest.of(TYPE, i)).result()
                                    : raw.submit(i));
                } else if (!window.tryAcquire(deadlineSeconds, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no submit acknowledged within " + deadlineSeconds + " s");
                } else if (queue != null) {
                    CompletableFuture<TaskHandle> accepted = queue.submitAsync(TaskRequest.of(TYPE, i));
                    accepted.whenComplete((h, e) -> window.release());
                    done.add(accepted.thenCompose(TaskHandle::result));
                } else {
                    done.add(raw.submitAsync(i, window::release));
                }
            }
            return done;
        });
    }

    /** Stops the submitting threads, then closes each part that is not null, in order (a benchmark's tear-down). */
    public static void closeAll(ExecutorService pool, @Nullable AutoCloseable... parts) throws Exception {
        pool.shutdownNow();
        for (AutoCloseable part : parts) {
            if (part != null) {
                part.close();
            }
        }
    }

    /** Stops the orchestrator, then the platform. */
    @Override
    public void close() {
        try {
            orchestrator.close();
        } finally {
            platform.close();
        }
    }
}
