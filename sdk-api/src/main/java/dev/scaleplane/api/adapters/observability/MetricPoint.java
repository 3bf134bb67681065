package dev.scaleplane.api.adapters.observability;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A value to push: a counter's total or a gauge's current value, with its labels.
 *
 * @param name the metric name, {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, e.g. {@code deploy_duration_seconds}
 * @param kind counter or gauge
 * @param value the value; a counter's must be finite and not negative
 * @param labels the labels (Datadog receives them as {@code name:value} tags), names {@code [a-zA-Z_][a-zA-Z0-9_]*}
 * @param at when it was measured, or null for "now" (the Pushgateway always stamps the scrape time)
 */
public record MetricPoint(String name, Kind kind, double value, Map<String, String> labels, @Nullable Instant at) {

    /** Counter or gauge. */
    public enum Kind {
        /** A total that only grows (or resets to 0 when its process restarts). */
        COUNTER,
        /** A value that goes up and down. */
        GAUGE
    }

    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming the field for an invalid name, label name or counter value
     */
    public MetricPoint {
        name = Labels.metricName(name);
        Objects.requireNonNull(kind, "kind");
        labels = Labels.checked(labels, "metric " + name);
        if (kind == Kind.COUNTER && (!Double.isFinite(value) || value < 0)) {
            throw new IllegalArgumentException("counter " + name + ": value must be finite and >= 0, but was " + value);
        }
    }

    /** A gauge at "now". */
    public static MetricPoint gauge(String name, double value, Map<String, String> labels) {
        return new MetricPoint(name, Kind.GAUGE, value, labels, null);
    }

    /** A counter at "now". */
    public static MetricPoint counter(String name, double value, Map<String, String> labels) {
        return new MetricPoint(name, Kind.COUNTER, value, labels, null);
    }
}
