package dev.scaleplane.adapters.prometheus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.api.adapters.observability.Sample;
import dev.scaleplane.api.adapters.observability.Series;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the {@code data} of a successful Prometheus query answer (prometheus.io/docs/prometheus/latest/querying/api,
 * "Expression query result formats"): {@code {"resultType": "vector"|"matrix"|"scalar"|"string", "result": ...}}.
 * Sample values are strings ({@code "1.5"}, {@code "NaN"}, {@code "+Inf"}, {@code "-Inf"}); timestamps are Unix
 * seconds with a fraction, of millisecond precision.
 *
 * <ul>
 *   <li>vector: {@code [{"metric": {labels}, "value": [t, "v"]}, ...]}, one sample each;
 *   <li>matrix: {@code [{"metric": {labels}, "values": [[t, "v"], ...]}, ...]}, one series each (for an instant query
 *       of a range selector such as {@code x[5m]}, every point as a sample);
 *   <li>scalar: {@code [t, "v"]}, one sample without labels;
 *   <li>string: {@code [t, "text"]}, one sample labelled {@code string=<text>} with value NaN (a string has no number;
 *       only a string literal query yields one).
 * </ul>
 *
 * Native histogram samples ({@code "histogram"}/{@code "histograms"} instead of a value) have no place in {@link Sample}
 * and are refused, naming functions that turn them into numbers.
 */
final class QueryResults {
    private QueryResults() {}

    /** The samples of an instant query's {@code data}. */
    static List<Sample> samples(JsonNode data, String query) {
        String type = data.path("resultType").asText("");
        JsonNode result = data.path("result");
        List<Sample> samples = new ArrayList<>();
        switch (type) {
            case "vector" -> {
                for (JsonNode r : result) {
                    refuseHistogram(r, query);
                    JsonNode value = r.path("value");
                    samples.add(new Sample(labels(r.path("metric")), time(value.path(0)), number(value.path(1))));
                }
            }
            case "matrix" -> {
                for (Series s : series(data, query)) {
                    s.points().forEach(p -> samples.add(new Sample(s.labels(), p.at(), p.value())));
                }
            }
            case "scalar" -> samples.add(new Sample(Map.of(), time(result.path(0)), number(result.path(1))));
            case "string" -> samples.add(
                    new Sample(Map.of("string", result.path(1).asText("")), time(result.path(0)), Double.NaN));
            default -> throw new IllegalStateException("unknown resultType '" + type + "'");
        }
        return samples;
    }

    /** The series of a range query's {@code data}: a matrix (what Prometheus answers), or a vector or scalar. */
    static List<Series> series(JsonNode data, String query) {
        String type = data.path("resultType").asText("");
        JsonNode result = data.path("result");
        List<Series> series = new ArrayList<>();
        switch (type) {
            case "matrix" -> {
                for (JsonNode r : result) {
                    refuseHistogram(r, query);
                    List<Series.Point> points = new ArrayList<>();
                    for (JsonNode v : r.path("values")) {
                        points.add(new Series.Point(time(v.path(0)), number(v.path(1))));
                    }
                    points.sort((a, b) -> a.at().compareTo(b.at()));
                    series.add(new Series(labels(r.path("metric")), points));
                }
            }
            case "vector", "scalar" -> {
                for (Sample s : samples(data, query)) {
                    series.add(new Series(s.labels(), List.of(new Series.Point(s.at(), s.value()))));
                }
            }
            default -> throw new IllegalStateException("resultType '" + type + "' is not a range result");
        }
        return series;
    }

    private static void refuseHistogram(JsonNode r, String query) {
        if (r.has("histogram") || r.has("histograms")) {
            throw new IllegalArgumentException("query " + query + " returned native histogram samples, which a Sample"
                    + " cannot hold; query numbers from them with histogram_count(), histogram_sum() or"
                    + " histogram_quantile()");
        }
    }

    private static Map<String, String> labels(JsonNode metric) {
        Map<String, String> labels = new TreeMap<>();
        metric.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    /** Unix seconds with a fraction, rounded to the millisecond (Prometheus' precision). */
    static Instant time(JsonNode t) {
        if (!t.isNumber()) {
            throw new IllegalStateException("a sample timestamp is not a number: " + t);
        }
        BigDecimal seconds = t.isFloatingPointNumber() ? BigDecimal.valueOf(t.doubleValue()) : t.decimalValue();
        return Instant.ofEpochMilli(
                seconds.movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact());
    }

    /** A sample value: Go's float spelling, with {@code NaN}, {@code +Inf} and {@code -Inf}. */
    static double number(JsonNode v) {
        if (!v.isTextual()) {
            throw new IllegalStateException("a sample value is not a string: " + v);
        }
        String s = v.asText();
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }
}
