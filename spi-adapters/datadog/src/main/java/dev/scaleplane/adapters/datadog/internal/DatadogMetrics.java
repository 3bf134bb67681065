package dev.scaleplane.adapters.datadog.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.api.adapters.observability.MetricPoint;
import dev.scaleplane.api.adapters.observability.Sample;
import dev.scaleplane.api.adapters.observability.Series;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Metrics: series submission ({@code POST /api/v2/series}) and timeseries queries ({@code GET /api/v1/query}). See
 * {@code DatadogProvider} for the contract as Datadog keeps it. Thread-safe.
 */
final class DatadogMetrics {
    /**
     * The v2 intake type every point is sent as: 3, gauge. A counter's value is its total; Datadog's count type (1)
     * wants what happened during the flush interval and sums those on rollup, so a total sent as a count would be
     * added to the totals before it. Turning totals into deltas here would need the previous total of every series,
     * which lives only as long as this process (the first total after a restart has no baseline, and two processes
     * reporting one series would both subtract from their own past). As a gauge the latest total is kept as it is,
     * queries read the total back, and Datadog's {@code monotonic_diff()} or {@code per_second()} functions turn it
     * into increments or a rate at query time, as they do for any cumulative value.
     */
    static final int GAUGE = 3;

    /** How far in the past and the future Datadog takes points (the v2 intake's documented limits). */
    static final Duration OLDEST = Duration.ofHours(1);

    static final Duration NEWEST = Duration.ofMinutes(10);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String instance;
    private final AdapterHttpClient series;
    private final AdapterHttpClient queries;
    private final Duration instantLookback;
    private final Clock clock;

    DatadogMetrics(
            String instance,
            AdapterHttpClient series,
            AdapterHttpClient queries,
            Duration instantLookback,
            Clock clock) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.series = Objects.requireNonNull(series, "series");
        this.queries = Objects.requireNonNull(queries, "queries");
        this.instantLookback = Objects.requireNonNull(instantLookback, "instantLookback");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ---- submission ----

    /**
     * One {@code POST /api/v2/series} with every point, points of one metric and label set in one series. The request
     * is marked idempotent: re-sending gauge points sets the same values at the same timestamps, so the plumbing may
     * retry it after a 5xx or a timeout.
     */
    void push(List<MetricPoint> points) {
        Objects.requireNonNull(points, "points");
        if (points.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Map<String, ObjectNode> bySeries = new LinkedHashMap<>();
        for (MetricPoint point : points) {
            Objects.requireNonNull(point, "point");
            if (!Double.isFinite(point.value())) {
                throw new IllegalArgumentException("Datadog takes finite values only, but " + point.kind() + " "
                        + point.name() + " " + point.labels() + " is " + point.value());
            }
            Instant at = point.at() == null ? now : point.at();
            if (at.isBefore(now.minus(OLDEST)) || at.isAfter(now.plus(NEWEST))) {
                throw new IllegalArgumentException("Datadog takes points from one hour ago to ten minutes ahead, but "
                        + point.name() + " " + point.labels() + " is at " + at + " (now " + now
                        + "); push current values");
            }
            List<String> tags = tags(point.labels());
            ObjectNode s = bySeries.computeIfAbsent(point.name() + "\u0000" + tags, k -> {
                ObjectNode n = JSON.createObjectNode();
                n.put("metric", point.name());
                n.put("type", GAUGE);
                n.putArray("points");
                ArrayNode t = n.putArray("tags");
                tags.forEach(t::add);
                return n;
            });
            ((ArrayNode) s.get("points"))
                    .addObject()
                    .put("timestamp", at.getEpochSecond())
                    .put("value", point.value());
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode all = body.putArray("series");
        bySeries.values().forEach(all::add);
        // Datadog answers 202 {"errors": []}; errors in that answer are read as a refusal by DatadogErrors.
        series.send(AdapterRequest.builder("POST", "/api/v2/series")
                .json(body)
                .idempotent(true)
                .build());
    }

    /** Labels as Datadog tags, {@code name:value}, in label order (sorted). */
    static List<String> tags(Map<String, String> labels) {
        List<String> tags = new ArrayList<>(labels.size());
        labels.forEach((k, v) -> tags.add(k + ":" + v));
        return tags;
    }

    // ---- queries ----

    /**
     * The last point of each series over {@code [at - query.instant-lookback, at]}: Datadog has no instant query, so an
     * instant is the end of a short range.
     */
    List<Sample> query(String query, Instant at) {
        requireQuery(query);
        Objects.requireNonNull(at, "at");
        long to = ceilSeconds(at);
        long from = to - Math.max(1, instantLookback.toSeconds());
        List<Sample> out = new ArrayList<>();
        for (JsonNode s : run(query, from, to)) {
            List<Series.Point> points = points(s);
            if (!points.isEmpty()) {
                Series.Point last = points.get(points.size() - 1);
                out.add(new Sample(labels(s), last.at(), last.value()));
            }
        }
        return out;
    }

    /**
     * Every series over {@code [start, end]}. The v1 endpoint takes no step: Datadog picks the interval between
     * points from the window's length, and a query that wants a given one says so itself with {@code
     * .rollup(<method>, <seconds>)}, since the right method (avg for gauges, max for totals) depends on the metric,
     * which only the caller knows. {@code step} is checked, not sent.
     */
    List<Series> queryRange(String query, Instant start, Instant end, Duration step) {
        requireQuery(query);
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(step, "step");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("queryRange: end " + end + " is before start " + start);
        }
        if (step.isNegative() || step.isZero()) {
            throw new IllegalArgumentException("queryRange: step must be > 0, but was " + step);
        }
        List<Series> out = new ArrayList<>();
        for (JsonNode s : run(query, start.getEpochSecond(), ceilSeconds(end))) {
            out.add(new Series(labels(s), points(s)));
        }
        return out;
    }

    private JsonNode run(String query, long from, long to) {
        JsonNode answer = queries.sendForJson(AdapterRequest.builder("GET", "/api/v1/query")
                .query("from", from)
                .query("to", to)
                .query("query", query)
                .build());
        return answer.path("series");
    }

    private void requireQuery(String query) {
        Objects.requireNonNull(query, "query");
        if (query.isBlank()) {
            throw new IllegalArgumentException("datadog instance '" + instance
                    + "': the query is blank; give a metric query, e.g. avg:system.cpu.user{env:prod}");
        }
    }

    /**
     * A series' labels: the tags of its {@code scope} ({@code host:a,env:prod}, or {@code *} for none) and of its
     * {@code tag_set}, {@code name:value} as name and value, a tag without a value as a name with an empty value;
     * negated and wildcard filters are not labels.
     */
    static Map<String, String> labels(JsonNode series) {
        Map<String, String> labels = new TreeMap<>();
        List<String> tags = new ArrayList<>();
        String scope = series.path("scope").asText("*");
        for (String part : scope.split(",")) {
            tags.add(part.trim());
        }
        series.path("tag_set").forEach(t -> tags.add(t.asText().trim()));
        for (String tag : tags) {
            if (tag.isEmpty() || tag.equals("*") || tag.startsWith("!") || tag.contains("*")) {
                continue;
            }
            int colon = tag.indexOf(':');
            if (colon < 0) {
                labels.putIfAbsent(tag, "");
            } else {
                labels.put(tag.substring(0, colon), tag.substring(colon + 1));
            }
        }
        return labels;
    }

    /** The {@code pointlist} ({@code [[epoch ms, value], ...]}) without its gaps (null values), oldest first. */
    static List<Series.Point> points(JsonNode series) {
        List<Series.Point> points = new ArrayList<>();
        for (JsonNode p : series.path("pointlist")) {
            if (p.size() >= 2 && p.get(0).isNumber() && p.get(1).isNumber()) {
                points.add(new Series.Point(
                        Instant.ofEpochMilli((long) p.get(0).asDouble()),
                        p.get(1).asDouble()));
            }
        }
        points.sort(Comparator.comparing(Series.Point::at));
        return points;
    }

    private static long ceilSeconds(Instant at) {
        return at.getEpochSecond() + (at.getNano() > 0 ? 1 : 0);
    }
}
