package dev.scaleplane.samples.quickstart;

import dev.scaleplane.core.bus.BusMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Reads the bus's meters (names in {@link BusMetrics}, tags {@code topic} and {@code group}) from a
 * {@link MeterRegistry} and renders them as a table, one row per subscription group.
 */
final class MetricsTable {

    /**
     * One group's meters.
     *
     * @param published events accepted on the group's topic (a topic meter, the same for every group of the topic)
     * @param p50Millis latency percentiles from publish to successful handling, NaN when nothing was handled
     */
    record Row(
            String topic,
            String group,
            long published,
            long delivered,
            long retried,
            long failed,
            long deadLettered,
            long inFlight,
            double p50Millis,
            double p95Millis,
            double p99Millis) {}

    private MetricsTable() {}

    /** The meters of {@code group} on {@code topic}. */
    static Row read(MeterRegistry registry, String topic, String group) {
        double[] percentiles = {Double.NaN, Double.NaN, Double.NaN};
        Timer latency = registry.find(BusMetrics.LATENCY)
                .tags("topic", topic, "group", group)
                .timer();
        if (latency != null) {
            for (ValueAtPercentile v : latency.takeSnapshot().percentileValues()) {
                double millis = v.value(TimeUnit.MILLISECONDS);
                if (v.percentile() == 0.5) {
                    percentiles[0] = millis;
                } else if (v.percentile() == 0.95) {
                    percentiles[1] = millis;
                } else if (v.percentile() == 0.99) {
                    percentiles[2] = millis;
                }
            }
        }
        return new Row(
                topic,
                group,
                count(registry, BusMetrics.PUBLISHED, "topic", topic),
                count(registry, BusMetrics.DELIVERED, "topic", topic, "group", group),
                count(registry, BusMetrics.RETRIED, "topic", topic, "group", group),
                count(registry, BusMetrics.FAILED, "topic", topic, "group", group),
                // One counter per reason (HANDLER_FAILED, NON_RETRYABLE, ...): the sum is every dead letter.
                count(registry, BusMetrics.DEAD_LETTERED, "topic", topic, "group", group),
                inFlight(registry, topic, group),
                percentiles[0],
                percentiles[1],
                percentiles[2]);
    }

    /** Events accepted for the group and not yet acknowledged. */
    static long inFlight(MeterRegistry registry, String topic, String group) {
        double sum = 0;
        for (Gauge g : registry.find(BusMetrics.IN_FLIGHT)
                .tags("topic", topic, "group", group)
                .gauges()) {
            sum += g.value();
        }
        return Math.round(sum);
    }

    /** Renders rows as an aligned table. */
    static String render(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        String format = "  %-12s %-13s %9s %9s %7s %6s %13s %9s %8s %8s %8s%n";
        out.append(String.format(
                Locale.ROOT,
                format,
                "topic",
                "group",
                "published",
                "delivered",
                "retried",
                "failed",
                "dead_lettered",
                "in_flight",
                "p50",
                "p95",
                "p99"));
        for (Row r : rows) {
            out.append(String.format(
                    Locale.ROOT,
                    format,
                    r.topic(),
                    r.group(),
                    r.published(),
                    r.delivered(),
                    r.retried(),
                    r.failed(),
                    r.deadLettered(),
                    r.inFlight(),
                    millis(r.p50Millis()),
                    millis(r.p95Millis()),
                    millis(r.p99Millis())));
        }
        return out.toString();
    }

    private static long count(MeterRegistry registry, String name, String... tags) {
        double sum = 0;
        for (FunctionCounter c : registry.find(name).tags(tags).functionCounters()) {
            sum += c.count();
        }
        return Math.round(sum);
    }

    private static String millis(double millis) {
        if (Double.isNaN(millis)) {
            return "-";
        }
        return millis < 10
                ? String.format(Locale.ROOT, "%.2fms", millis)
                : String.format(Locale.ROOT, "%.0fms", millis);
    }
}
