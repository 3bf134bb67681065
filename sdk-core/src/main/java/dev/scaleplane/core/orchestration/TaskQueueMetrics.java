package dev.scaleplane.core.orchestration;

import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.core.logging.RateLimitedLog;
import dev.scaleplane.core.orchestration.support.AttemptVerdict;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meters every task queue backend publishes, with one naming scheme, tagged {@code backend}. The queue side of a
 * task's life; the dispatch side (per-worker in-flight, utilization, execution time) is the
 * {@linkplain Orchestrator.Builder#meterRegistry orchestrator's}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>{@value #SUBMITTED}</td><td>counter</td><td>tasks accepted by submit (not idempotent repeats)</td></tr>
 *   <tr><td>{@value #QUEUED}</td><td>gauge</td><td>unfinished tasks not under lease, delayed ones included</td></tr>
 *   <tr><td>{@value #LEASED}</td><td>gauge</td><td>tasks under lease now</td></tr>
 *   <tr><td>{@value #SUCCEEDED}</td><td>counter</td><td>tasks completed successfully</td></tr>
 *   <tr><td>{@value #RETRIED}</td><td>counter</td><td>failed or lapsed attempts queued again</td></tr>
 *   <tr><td>{@value #DEAD_LETTERED}</td><td>counter</td><td>tasks dead-lettered, tag {@code reason}</td></tr>
 *   <tr><td>{@value #FAILED}</td><td>counter</td><td>tasks that ended {@code FAILED} (deadline passed)</td></tr>
 *   <tr><td>{@value #CANCELLED}</td><td>counter</td><td>tasks cancelled before they finished</td></tr>
 *   <tr><td>{@value #LEASE_EXPIRED}</td><td>counter</td><td>leases that lapsed without completion or failure</td></tr>
 *   <tr><td>{@value #WAIT}</td><td>timer</td><td>from ready (submitted, not-before or retry time) to leased,
 *       p50/p95/p99</td></tr>
 * </table>
 *
 * <p>The timer's count, total and max include every task; its percentiles are those of the tasks recorded in the
 * current minute (the window starts afresh each minute rather than rolling: see {@link #perTaskTimer}).
 *
 * <p>Counters are {@link FunctionCounter}s over {@link LongAdder}s, like the bus's: increments are lock-free and
 * cheap enough for the queue's hot path.
 *
 * <p>Thread-safe.
 */
public final class TaskQueueMetrics implements AutoCloseable {
    /** Tasks accepted. */
    public static final String SUBMITTED = "scaleplane.tasks.submitted";
    /** Unfinished tasks not under lease. */
    public static final String QUEUED = "scaleplane.tasks.queued";
    /** Tasks under lease. */
    public static final String LEASED = "scaleplane.tasks.leased";
    /** Tasks completed successfully. */
    public static final String SUCCEEDED = "scaleplane.tasks.succeeded";
    /** Attempts queued again after a failure or a lapse. */
    public static final String RETRIED = "scaleplane.tasks.retried";
    /** Tasks dead-lettered. */
    public static final String DEAD_LETTERED = "scaleplane.tasks.dead_lettered";
    /** Tasks that ended FAILED. */
    public static final String FAILED = "scaleplane.tasks.failed";
    /** Tasks cancelled. */
    public static final String CANCELLED = "scaleplane.tasks.cancelled";
    /** Leases that lapsed. */
    public static final String LEASE_EXPIRED = "scaleplane.tasks.lease.expired";
    /** Ready to leased. */
    public static final String WAIT = "scaleplane.tasks.wait";

    /** The window of the per-task timers' percentiles, see {@link #perTaskTimer}. */
    static final Duration PERCENTILE_WINDOW = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger("dev.scaleplane.tasks");

    private final MeterRegistry registry;
    private final String backend;
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    private final RateLimitedLog deadLetters = new RateLimitedLog(LOG, Duration.ofSeconds(1));
    private final List<Meter> meters = new ArrayList<>();
    private final LongAdder submitted = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder leaseExpired = new LongAdder();
    private final Map<TaskDeadLetter.Reason, LongAdder> deadLettered = new EnumMap<>(TaskDeadLetter.Reason.class);
    private final Timer wait;

    /**
     * Registers the meters of one queue.
     *
     * @param registry where they go
     * @param backend the provider's name, the {@code backend} tag
     * @param queued reads the number of unfinished tasks not under lease; called when the registry is read
     * @param leased reads the number of tasks under lease; called when the registry is read
     */
    public TaskQueueMetrics(MeterRegistry registry, String backend, Supplier<Number> queued, Supplier<Number> leased) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(backend, "backend");
        this.backend = backend;
        counter(SUBMITTED, "Tasks accepted by submit", submitted, backend);
        counter(SUCCEEDED, "Tasks completed successfully", succeeded, backend);
        counter(RETRIED, "Failed or lapsed attempts queued again", retried, backend);
        counter(FAILED, "Tasks that ended FAILED", failed, backend);
        counter(CANCELLED, "Tasks cancelled", cancelled, backend);
        counter(LEASE_EXPIRED, "Leases that lapsed without completion or failure", leaseExpired, backend);
        for (TaskDeadLetter.Reason reason : TaskDeadLetter.Reason.values()) {
            LongAdder adder = new LongAdder();
            deadLettered.put(reason, adder);
            counter(DEAD_LETTERED, "Tasks dead-lettered", adder, backend, "reason", reason.name());
        }
        meters.add(Gauge.builder(QUEUED, queued)
                .description("Unfinished tasks not under lease")
                .tag("backend", backend)
                .strongReference(true)
                .register(registry));
        meters.add(Gauge.builder(LEASED, leased)
                .description("Tasks under lease")
                .tag("backend", backend)
                .strongReference(true)
                .register(registry));
        wait = perTaskTimer(WAIT, "Time from ready to leased")
                .tag("backend", backend)
                .register(registry);
        meters.add(wait);
    }

    /**
     * A timer recorded once per task (this one and the orchestrator's execution timer): count, total and max exact,
     * p50/p95/p99 over a window of one minute that starts afresh each minute. A rolling window (Micrometer's default
     * ring of three) records every value into each histogram of the ring, and those histograms took a fifth of the
     * in-memory queue's time under load; one histogram keeps every value and costs a third.
     */
    static Timer.Builder perTaskTimer(String name, String description) {
        return Timer.builder(name)
                .description(description)
                .publishPercentiles(0.5, 0.95, 0.99)
                .distributionStatisticExpiry(PERCENTILE_WINDOW)
                .distributionStatisticBufferLength(1);
    }

    private void counter(String name, String description, LongAdder adder, String backend, String... more) {
        meters.add(FunctionCounter.builder(name, adder, LongAdder::doubleValue)
                .description(description)
                .tag("backend", backend)
                .tags(more)
                .register(registry));
    }

    /** Counts an accepted task. */
    public void submitted() {
        submitted.increment();
    }

    /** Counts a success. */
    public void succeeded() {
        succeeded.increment();
    }

    /** Counts an attempt queued again. */
    public void retried() {
        retried.increment();
    }

    /** Counts a task that ended FAILED. */
    public void failed() {
        failed.increment();
    }

    /** Counts a cancellation. */
    public void cancelled() {
        cancelled.increment();
    }

    /** Counts a lapsed lease. */
    public void leaseExpired() {
        leaseExpired.increment();
    }

    /** Counts a dead letter. */
    public void deadLettered(TaskDeadLetter.Reason reason) {
        deadLettered.get(reason).increment();
    }

    /**
     * Logs what a failed attempt led to, as every backend decides it ({@link AttemptVerdict}): a WARN for a retry or a
     * task failed for good, at most one line per task type every 10 s with the number held back; an ERROR for a dead
     * letter, at most one per type every second. Lines name the task, its type, the attempt, the worker and the
     * failure's class and message, never the payload. Counting stays with {@link #retried()}, {@link #failed()} and
     * {@link #deadLettered(TaskDeadLetter.Reason)}, where each backend records the outcome.
     */
    public void attemptFailed(String taskId, String type, TaskFailure failure, AttemptVerdict verdict) {
        if (verdict instanceof AttemptVerdict.Retry r) {
            failures.warn(
                    type,
                    "{} task queue: task {} ({}) failed attempt {} on worker {}: {}: {}; retrying at {}",
                    backend,
                    taskId,
                    type,
                    failure.attempt(),
                    failure.workerId(),
                    failure.exceptionType(),
                    failure.message(),
                    r.at());
        } else if (verdict instanceof AttemptVerdict.DeadLetter d) {
            deadLetters.error(
                    type,
                    "{} task queue: task {} ({}) was dead-lettered ({}) after attempt {} on worker {}: {}: {} ({})",
                    backend,
                    taskId,
                    type,
                    d.reason(),
                    failure.attempt(),
                    failure.workerId(),
                    failure.exceptionType(),
                    failure.message(),
                    d.why());
        } else if (verdict instanceof AttemptVerdict.Fail f) {
            failures.warn(
                    type,
                    "{} task queue: task {} ({}) failed for good after attempt {} on worker {}: {}: {} ({})",
                    backend,
                    taskId,
                    type,
                    failure.attempt(),
                    failure.workerId(),
                    failure.exceptionType(),
                    failure.message(),
                    f.why());
        }
    }

    /** Records how long a task waited from ready to leased; negative durations count as zero. */
    public void waited(Duration waited) {
        waitedNanos(waited.toNanos());
    }

    /** {@link #waited(Duration)} in nanoseconds, for a backend that has the wait as a number. */
    public void waitedNanos(long nanos) {
        wait.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** Removes this queue's meters from the registry. Idempotent. */
    @Override
    public void close() {
        synchronized (meters) {
            meters.forEach(registry::remove);
            meters.clear();
        }
    }
}
