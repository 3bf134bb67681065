package dev.scaleplane.core.orchestration;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The dispatch side of the task metrics: the names an {@link Orchestrator} publishes, one set per orchestrator,
 * tagged {@code orchestrator}; per-worker meters are also tagged {@code worker}. What each means is listed on
 * {@link Orchestrator.Builder#meterRegistry}. Instances are created by the orchestrator only.
 *
 * <p>Thread-safe: counters are lock-free; worker meters are added and removed under the orchestrator's lock.
 */
public final class OrchestratorMetrics {
    /** Meter name; see {@link Orchestrator.Builder#meterRegistry}. */
    public static final String DISPATCHED = "scaleplane.orchestrator.dispatched";
    /** Meter name; see {@link Orchestrator.Builder#meterRegistry}. */
    public static final String SUCCEEDED = "scaleplane.orchestrator.succeeded";
    /** Meter name; see {@link Orchestrator.Builder#meterRegistry}. */
    public static final String FAILED = "scaleplane.orchestrator.failed";
    /** Meter name; see {@link Orchestrator.Builder#meterRegistry}. */
    public static final String LEASE_LOST = "scaleplane.orchestrator.lease.lost";
    /** Meter name; see {@link Orchestrator.Builder#meterRegistry}. */
    public static final String EXECUTION = "scaleplane.orchestrator.execution";
    /** Meter name; see {@link Orchestrator.Builder#meterRegistry}. */
    public static final String IN_FLIGHT = "scaleplane.orchestrator.worker.in_flight";
    /** Meter name; see {@link Orchestrator.Builder#meterRegistry}. */
    public static final String SLOTS = "scaleplane.orchestrator.worker.slots";
    /** Meter name; see {@link Orchestrator.Builder#meterRegistry}. */
    public static final String UTILIZATION = "scaleplane.orchestrator.worker.utilization";
    /** Meter name; see {@link Orchestrator.Builder#meterRegistry}. */
    public static final String HEALTHY = "scaleplane.orchestrator.worker.healthy";
    /** Meter name; see {@link Orchestrator.Builder#meterRegistry}. */
    public static final String BUSY = "scaleplane.orchestrator.worker.busy";

    private final MeterRegistry registry;
    private final String orchestrator;
    final LongAdder dispatched = new LongAdder();
    final LongAdder succeeded = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder leaseLost = new LongAdder();
    private final Timer execution;

    OrchestratorMetrics(MeterRegistry registry, String orchestrator) {
        this.registry = registry;
        this.orchestrator = orchestrator;
        counter(DISPATCHED, "Tasks handed to a worker", dispatched);
        counter(SUCCEEDED, "Handlers that returned and completed their lease", succeeded);
        counter(FAILED, "Handlers that threw", failed);
        counter(LEASE_LOST, "Attempts whose lease lapsed or was lost before they ended", leaseLost);
        execution = TaskQueueMetrics.perTaskTimer(EXECUTION, "Handler run time")
                .tag("orchestrator", orchestrator)
                .register(registry);
    }

    private void counter(String name, String description, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::doubleValue)
                .description(description)
                .tag("orchestrator", orchestrator)
                .register(registry);
    }

    void executed(long nanos) {
        execution.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /**
     * Registers the meters of one worker.
     *
     * @param source the worker's live state, read when the registry is read
     */
    <T> WorkerMeters worker(String workerId, T source, WorkerProbe<T> probe) {
        String[] tags = {"orchestrator", orchestrator, "worker", workerId};
        LongAdder busyNanos = new LongAdder();
        List<Meter> meters = List.of(
                gauge(IN_FLIGHT, "Tasks running on the worker", source, probe::inFlight, tags),
                gauge(SLOTS, "The worker's slots", source, probe::slots, tags),
                gauge(
                        UTILIZATION,
                        "Share of the worker's slots in use now (rate of "
                                + BUSY
                                + " over slots gives it averaged over time)",
                        source,
                        s -> probe.slots(s) == 0 ? 0 : probe.inFlight(s) / probe.slots(s),
                        tags),
                gauge(HEALTHY, "1 if the worker may be given tasks, else 0", source, probe::healthy, tags),
                FunctionCounter.builder(BUSY, busyNanos, a -> a.doubleValue() / 1e9)
                        .description("Slot-seconds the worker spent running handlers")
                        .baseUnit("seconds")
                        .tags(tags)
                        .register(registry));
        return new WorkerMeters(meters, busyNanos);
    }

    private <T> Gauge gauge(String name, String description, T source, ToDoubleFunction<T> f, String... tags) {
        return Gauge.builder(name, source, f)
                .description(description)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    /** How the worker gauges read a worker's state. */
    interface WorkerProbe<T> {
        double inFlight(T worker);

        double slots(T worker);

        double healthy(T worker);
    }

    /** The meters of one registered worker. */
    final class WorkerMeters {
        private final List<Meter> meters;
        private final LongAdder busyNanos;

        private WorkerMeters(List<Meter> meters, LongAdder busyNanos) {
            this.meters = meters;
            this.busyNanos = busyNanos;
        }

        void busy(long nanos) {
            busyNanos.add(Math.max(0, nanos));
        }

        void remove() {
            meters.forEach(registry::remove);
        }
    }
}
