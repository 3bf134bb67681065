package dev.scaleplane.samples.orchestration;

import dev.scaleplane.core.orchestration.TaskQueueMetrics;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The task metrics of one run, read from the Micrometer registry the way any exporter would see them: the queue's
 * ({@code scaleplane.tasks.*}, names from {@link TaskQueueMetrics}) and the orchestrator's
 * ({@code scaleplane.orchestrator.*}). Durations are on the virtual clock the queue and orchestrator run on.
 *
 * @param submitted tasks accepted by the queue
 * @param succeeded tasks completed successfully
 * @param retried failed attempts queued again
 * @param deadLettered tasks dead-lettered, every reason
 * @param leaseExpired leases that lapsed
 * @param waitMillis ready-to-leased p50, p95, p99 in ms
 * @param dispatched attempts the orchestrator handed to a worker
 * @param handlerFailures attempts whose handler threw
 * @param leaseLost attempts whose lease was lost
 * @param executionMillis handler run time p50, p95, p99 in ms
 * @param workers per-worker rows, in registration order
 */
record TaskMetrics(
        long submitted,
        long succeeded,
        long retried,
        long deadLettered,
        long leaseExpired,
        double[] waitMillis,
        long dispatched,
        long handlerFailures,
        long leaseLost,
        double[] executionMillis,
        List<WorkerRow> workers) {

    /** The orchestrator meter names (documented on {@code Orchestrator.Builder#meterRegistry}). */
    static final String DISPATCHED = "scaleplane.orchestrator.dispatched";

    static final String FAILED = "scaleplane.orchestrator.failed";
    static final String LEASE_LOST = "scaleplane.orchestrator.lease.lost";
    static final String EXECUTION = "scaleplane.orchestrator.execution";
    static final String BUSY = "scaleplane.orchestrator.worker.busy";
    static final String SLOTS = "scaleplane.orchestrator.worker.slots";

    /**
     * One worker's meters.
     *
     * @param worker its id
     * @param busySlotSeconds slot-seconds spent running handlers
     * @param utilization busy slot-seconds over slots times the run's length, 0..1
     */
    record WorkerRow(String worker, double busySlotSeconds, double utilization) {}

    /** Reads the meters; {@code elapsed} is the run's length on the virtual clock. */
    static TaskMetrics read(MeterRegistry registry, List<String> workerIds, Duration elapsed) {
        List<WorkerRow> rows = new ArrayList<>();
        for (String id : workerIds) {
            double busy = sum(registry.find(BUSY).tag("worker", id).meters());
            double slots = value(registry.find(SLOTS).tag("worker", id).meters());
            double seconds = elapsed.toNanos() / 1e9;
            rows.add(new WorkerRow(id, busy, slots == 0 || seconds == 0 ? 0 : busy / (slots * seconds)));
        }
        return new TaskMetrics(
                count(registry.find(TaskQueueMetrics.SUBMITTED).meters()),
                count(registry.find(TaskQueueMetrics.SUCCEEDED).meters()),
                count(registry.find(TaskQueueMetrics.RETRIED).meters()),
                count(registry.find(TaskQueueMetrics.DEAD_LETTERED).meters()),
                count(registry.find(TaskQueueMetrics.LEASE_EXPIRED).meters()),
                percentiles(registry.find(TaskQueueMetrics.WAIT).timer()),
                count(registry.find(DISPATCHED).meters()),
                count(registry.find(FAILED).meters()),
                count(registry.find(LEASE_LOST).meters()),
                percentiles(registry.find(EXECUTION).timer()),
                List.copyOf(rows));
    }

    /** {@link #sum} of counters, which count whole events. */
    private static long count(Collection<Meter> meters) {
        return Math.round(sum(meters));
    }

    /** The sum of the counts of counters (or of the values of gauges) with one name, over every tag set. */
    private static double sum(Collection<Meter> meters) {
        double total = 0;
        for (Meter m : meters) {
            for (Measurement measurement : m.measure()) {
                if (measurement.getStatistic() == Statistic.COUNT || measurement.getStatistic() == Statistic.TOTAL) {
                    total += measurement.getValue();
                }
            }
        }
        return total;
    }

    private static double value(Collection<Meter> meters) {
        for (Meter m : meters) {
            for (Measurement measurement : m.measure()) {
                if (measurement.getStatistic() == Statistic.VALUE) {
                    return measurement.getValue();
                }
            }
        }
        return 0;
    }

    /** p50, p95, p99 in milliseconds; NaN where the timer has none. */
    private static double[] percentiles(@Nullable Timer timer) {
        double[] p = {Double.NaN, Double.NaN, Double.NaN};
        if (timer == null) {
            return p;
        }
        for (ValueAtPercentile v : timer.takeSnapshot().percentileValues()) {
            int i = v.percentile() == 0.5 ? 0 : v.percentile() == 0.95 ? 1 : v.percentile() == 0.99 ? 2 : -1;
            if (i >= 0) {
                p[i] = v.value(TimeUnit.MILLISECONDS);
            }
        }
        return p;
    }

    /** The metrics as a few aligned lines. */
    String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "  queue        submitted %d, succeeded %d, retried %d, dead-lettered %d, lease expirations %d%n",
                submitted,
                succeeded,
                retried,
                deadLettered,
                leaseExpired));
        sb.append(String.format(
                Locale.ROOT,
                "               wait (ready to leased)  p50 %s  p95 %s  p99 %s%n",
                millis(waitMillis[0]),
                millis(waitMillis[1]),
                millis(waitMillis[2])));
        sb.append(String.format(
                Locale.ROOT,
                "  orchestrator dispatched %d, handler failures %d, leases lost %d%n",
                dispatched,
                handlerFailures,
                leaseLost));
        sb.append(String.format(
                Locale.ROOT,
                "               execution               p50 %s  p95 %s  p99 %s%n",
                millis(executionMillis[0]),
                millis(executionMillis[1]),
                millis(executionMillis[2])));
        for (WorkerRow w : workers) {
            sb.append(String.format(
                    Locale.ROOT,
                    "  %-12s busy %6.1f slot-s, utilization %3.0f%%%n",
                    w.worker(),
                    w.busySlotSeconds(),
                    100 * w.utilization()));
        }
        return sb.toString();
    }

    private static String millis(double ms) {
        return Double.isNaN(ms) ? "n/a" : String.format(Locale.ROOT, "%,.0f ms", ms);
    }
}
