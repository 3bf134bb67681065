package dev.scaleplane.adapters.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import dev.scaleplane.adapters.http.testing.VendorSimulation;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A simulation of the Datadog API, stateful, inside WireMock as a response transformer (so WireMock's request journal
 * still records every request). Never Datadog: it answers with the request and response shapes of Datadog's API
 * reference (docs.datadoghq.com/api/latest) and the rules its pages state:
 *
 * <ul>
 *   <li>{@code POST /api/v2/series} (Submit metrics): {@code {"series": [{"metric", "type" 0-3, "points":
 *       [{"timestamp", "value"}], "tags"}]}}, {@code 202 {"errors": []}}; points more than an hour old or ten minutes
 *       ahead are dropped; gauges keep the last value per second, counts add up; metric names have other characters
 *       than letters, digits, {@code _} and {@code .} turned into {@code _}, tags are lowercased; API key only;
 *   <li>{@code GET /api/v1/query?from=&to=&query=} (Query timeseries points): queries of the form {@code
 *       <avg|sum|min|max>:<metric>{<tag>,...|*}[ by {<key>,...}][.rollup(<method>[, <seconds>])]}, anything else a
 *       {@code 400 {"errors": ["Error parsing query: ..."]}}; series combined across the matching tag sets per
 *       timestamp with the space aggregator, one-second points unless rolled up, each answered as {@code {"metric",
 *       "display_name", "expression", "aggr", "scope", "tag_set", "pointlist": [[epoch ms, value]], "start", "end",
 *       "interval", "length", "unit", "query_index"}}; both keys;
 *   <li>{@code POST /api/v1/events} (Post an event): {@code title} and {@code text} required, {@code date_happened}
 *       (POSIX seconds, default now), {@code tags} (lowercased), {@code 202 {"status": "ok", "event": {...}}} with
 *       {@code id} and {@code id_str} (ids beyond 2^53); API key only;
 *   <li>{@code GET /api/v1/events?start=&end=&tags=&unaggregated=&page=} (Get a list of events): {@code date_happened}
 *       within {@code [start, end]}, events carrying any of the comma-separated tags ("separate tags by a comma to
 *       search inclusively"), most recent first, at most 1000, {@code page} honoured only with {@code
 *       unaggregated=true}; both keys;
 *   <li>{@code DD-API-KEY} {@value #API_KEY} and {@code DD-APPLICATION-KEY} {@value #APPLICATION_KEY}; another key is
 *       {@code 403 {"errors": ["Forbidden"]}};
 *   <li>the rate-limit headers {@code X-RateLimit-Limit}, {@code -Period}, {@code -Remaining}, {@code -Reset} (seconds
 *       to the calendar-aligned end of the period) and {@code -Name} on queries and event reads (the names are
 *       illustrative); series submission is not rate-limited.
 * </ul>
 */
final class FakeDatadog extends VendorSimulation {
    static final String API_KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    static final String APPLICATION_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6";
    static final int EVENTS_PAGE = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern QUERY = Pattern.compile("(avg|sum|min|max):([A-Za-z][A-Za-z0-9_.]*)\\{([^{}]*)}"
            + "(?:\\s*by\\s*\\{([^{}]*)})?(?:\\.rollup\\((avg|sum|min|max|count)(?:\\s*,\\s*(\\d+))?\\))?");

    // guarded by this
    private final Map<String, StoredSeries> series = new TreeMap<>();
    private final List<ObjectNode> events = new ArrayList<>();
    private final Map<String, Integer> used = new TreeMap<>();
    private long nextEventId;

    /** One series: a metric and its tag set, values per POSIX second. */
    private record StoredSeries(String metric, Set<String> tags, TreeMap<Long, Double> values) {}

    private FakeDatadog() {
        super("fake-datadog");
    }

    /** Starts a simulation on a free port. */
    static FakeDatadog launch() {
        return started(new FakeDatadog());
    }

    @Override
    protected void resetState() {
        series.clear();
        events.clear();
        used.clear();
        nextEventId = 7_891_234_567_890_123_456L;
    }

    /** The events posted, as the list answer shows them, in posting order. */
    synchronized List<JsonNode> postedEvents() {
        return events.stream().map(e -> (JsonNode) e.deepCopy()).toList();
    }

    /** The stored values of {@code metric} with exactly {@code tags}, per POSIX second. */
    synchronized Map<Long, Double> values(String metric, Set<String> tags) {
        StoredSeries s = series.get(metric + new TreeSet<>(tags));
        return s == null ? Map.of() : Map.copyOf(s.values());
    }

    // ---- dispatch ----

    /** Datadog's {@code {"errors": [...]}} body for an injected failure. */
    @Override
    protected ResponseDefinition failure(InjectedFailure failure, Request request) {
        int status = failure.status();
        return errors(
                status,
                switch (status) {
                    case 429 -> "Rate limit exceeded";
                    case 503 -> "Service Unavailable";
                    default -> "Internal Server Error";
                });
    }

    @Override
    protected ResponseDefinition answer(Request request) {
        String method = request.getMethod().getName();
        String path = URI.create(request.getUrl()).getRawPath();
        boolean read = method.equals("GET");
        if (!API_KEY.equals(request.getHeader("DD-API-KEY"))
                || (read && !APPLICATION_KEY.equals(request.getHeader("DD-APPLICATION-KEY")))) {
            return errors(403, "Forbidden");
        }
        if (method.equals("POST") && path.equals("/api/v2/series")) {
            return intake(jsonBody(request));
        }
        if (read && path.equals("/api/v1/query")) {
            return limited(query(request), "metrics_query", 1600, 3600);
        }
        if (method.equals("POST") && path.equals("/api/v1/events")) {
            return postEvent(jsonBody(request));
        }
        if (read && path.equals("/api/v1/events")) {
            return limited(listEvents(request), "events_query", 1000, 60);
        }
        return errors(404, "Not found");
    }

    // ---- series submission ----

    private ResponseDefinition intake(@Nullable JsonNode body) {
        if (body == null || !body.path("series").isArray()) {
            return errors(400, "Payload is not in the expected format: series is required");
        }
        long now = Instant.now().getEpochSecond();
        List<Runnable> writes = new ArrayList<>();
        for (JsonNode s : body.path("series")) {
            String metric = s.path("metric").asText("");
            int type = s.path("type").asInt(0);
            if (metric.isEmpty()
                    || !s.path("points").isArray()
                    || s.path("points").isEmpty()) {
                return errors(400, "Payload is not in the expected format: metric and points are required");
            }
            if (type < 0 || type > 3) {
                return errors(400, "Payload is not in the expected format: invalid type " + type);
            }
            String name = metric.replaceAll("[^A-Za-z0-9_.]", "_");
            Set<String> tags = new TreeSet<>();
            for (JsonNode t : s.path("tags")) {
                tags.add(t.asText().toLowerCase(Locale.ROOT));
            }
            for (JsonNode p : s.path("points")) {
                if (!p.path("timestamp").isNumber() || !p.path("value").isNumber()) {
                    return errors(400, "Payload is not in the expected format: points need a timestamp and a value");
                }
                long ts = p.path("timestamp").asLong();
                double value = p.path("value").asDouble();
                if (ts < now - 3600 || ts > now + 600) {
                    continue; // outside the intake's window: dropped, as documented
                }
                writes.add(() -> {
                    StoredSeries stored = series.computeIfAbsent(
                            name + tags, k -> new StoredSeries(name, Set.copyOf(tags), new TreeMap<>()));
                    if (type == 1) {
                        stored.values().merge(ts, value, Double::sum);
                    } else {
                        stored.values().put(ts, value);
                    }
                });
            }
        }
        // The payload is judged as a whole: nothing is stored when any part is refused.
        writes.forEach(Runnable::run);
        ObjectNode answer = JSON.createObjectNode();
        answer.putArray("errors");
        return json(202, answer);
    }

    // ---- queries ----

    private ResponseDefinition query(Request request) {
        Long from = longParam(request, "from");
        Long to = longParam(request, "to");
        String q = queryParam(request, "query");
        if (from == null) {
            return errors(400, "The value provided for parameter 'from' is invalid");
        }
        if (to == null) {
            return errors(400, "The value provided for parameter 'to' is invalid");
        }
        if (q == null || q.isBlank()) {
            return errors(400, "The value provided for parameter 'query' is invalid");
        }
        Matcher m = QUERY.matcher(q.trim());
        if (!m.matches()) {
            return errors(400, "Error parsing query: unable to parse " + q + ": Rule 'scope_expr' didn't match");
        }
        String spaceAgg = m.group(1);
        String metric = m.group(2);
        Set<String> filter = new TreeSet<>();
        for (String t : m.group(3).split(",")) {
            String tag = t.trim().toLowerCase(Locale.ROOT);
            if (!tag.isEmpty() && !tag.equals("*")) {
                filter.add(tag);
            }
        }
        List<String> groupBy = m.group(4) == null
                ? List.of()
                : Arrays.stream(m.group(4).split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .map(s -> s.toLowerCase(Locale.ROOT))
                        .toList();
        String timeAgg = m.group(5) == null ? "avg" : m.group(5);
        long interval = m.group(6) == null ? 1 : Math.max(1, Long.parseLong(m.group(6)));

        Map<List<String>, List<StoredSeries>> groups = new TreeMap<>(Comparator.comparing(Object::toString));
        for (StoredSeries s : series.values()) {
            if (s.metric().equals(metric) && s.tags().containsAll(filter)) {
                List<String> key = new ArrayList<>();
                for (String k : groupBy) {
                    key.add(s.tags().stream()
                            .filter(t -> t.startsWith(k + ":"))
                            .findFirst()
                            .orElse(k + ":n/a"));
                }
                groups.computeIfAbsent(key, x -> new ArrayList<>()).add(s);
            }
        }
        ArrayNode out = JSON.createArrayNode();
        for (Map.Entry<List<String>, List<StoredSeries>> g : groups.entrySet()) {
            // Across series, per second, with the space aggregator; then per interval, with the time aggregator.
            TreeMap<Long, List<Double>> perSecond = new TreeMap<>();
            for (StoredSeries s : g.getValue()) {
                s.values().subMap(from, true, to, true).forEach((ts, v) -> perSecond
                        .computeIfAbsent(ts, x -> new ArrayList<>())
                        .add(v));
            }
            TreeMap<Long, List<Double>> perInterval = new TreeMap<>();
            perSecond.forEach((ts, values) -> perInterval
                    .computeIfAbsent(ts - Math.floorMod(ts, interval), x -> new ArrayList<>())
                    .add(aggregate(spaceAgg, values)));
            if (perInterval.isEmpty()) {
                continue; // Datadog answers no series for a group without data in the window
            }
            ObjectNode s = out.addObject();
            Set<String> scope = new TreeSet<>(filter);
            scope.addAll(g.getKey());
            String expression = spaceAgg + ":" + metric + "{" + (scope.isEmpty() ? "*" : String.join(",", scope)) + "}";
            s.put("metric", metric);
            s.put("display_name", metric);
            s.put("expression", expression);
            s.put("aggr", spaceAgg);
            s.put("scope", scope.isEmpty() ? "*" : String.join(",", scope));
            ArrayNode tagSet = s.putArray("tag_set");
            g.getKey().forEach(tagSet::add);
            ArrayNode pointlist = s.putArray("pointlist");
            perInterval.forEach((ts, values) -> {
                ArrayNode point = pointlist.addArray();
                point.add((double) (ts * 1000));
                point.add(aggregate(timeAgg, values));
            });
            s.put("start", perInterval.firstKey() * 1000);
            s.put("end", (perInterval.lastKey() + interval) * 1000 - 1);
            s.put("interval", interval * 1000);
            s.put("length", perInterval.size());
            ArrayNode unit = s.putArray("unit");
            unit.addNull();
            unit.addNull();
            s.put("query_index", 0);
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("status", "ok");
        answer.put("res_type", "time_series");
        answer.put("query", q);
        answer.put("from_date", from * 1000);
        answer.put("to_date", to * 1000);
        answer.set("series", out);
        answer.put("message", "");
        ArrayNode groupByOut = answer.putArray("group_by");
        groupBy.forEach(groupByOut::add);
        return json(200, answer);
    }

    private static double aggregate(String how, List<Double> values) {
        DoubleSummaryStatistics stats =
                values.stream().mapToDouble(Double::doubleValue).summaryStatistics();
        return switch (how) {
            case "sum" -> stats.getSum();
            case "min" -> stats.getMin();
            case "max" -> stats.getMax();
            case "count" -> stats.getCount();
            default -> stats.getAverage();
        };
    }

    // ---- events ----

    private ResponseDefinition postEvent(@Nullable JsonNode body) {
        if (body == null || !body.isObject()) {
            return errors(400, "Payload is not in the expected format");
        }
        if (!body.path("title").isTextual() || body.path("title").asText().isBlank()) {
            return errors(400, "Event title is required");
        }
        if (!body.path("text").isTextual()) {
            return errors(400, "Event text is required");
        }
        long id = nextEventId++;
        ObjectNode e = JSON.createObjectNode();
        e.put("alert_type", body.path("alert_type").asText("info"));
        e.put("date_happened", body.path("date_happened").asLong(Instant.now().getEpochSecond()));
        e.putNull("device_name");
        e.putNull("host");
        e.put("id", id);
        e.put("id_str", String.valueOf(id));
        e.put("payload", "{}");
        e.put("priority", body.path("priority").asText("normal"));
        if (body.path("source_type_name").isTextual()) {
            e.put("source_type_name", body.path("source_type_name").asText());
        } else {
            e.putNull("source_type_name");
        }
        Set<String> tags = new LinkedHashSet<>();
        body.path("tags").forEach(t -> tags.add(t.asText().toLowerCase(Locale.ROOT)));
        ArrayNode t = e.putArray("tags");
        tags.forEach(t::add);
        e.put("text", body.path("text").asText());
        e.put("title", body.path("title").asText());
        e.put("url", "https://app.datadoghq.com/event/event?id=" + id);
        events.add(e);
        ObjectNode answer = JSON.createObjectNode();
        answer.set("event", e.deepCopy());
        answer.put("status", "ok");
        return json(202, answer);
    }

    private ResponseDefinition listEvents(Request request) {
        Long start = longParam(request, "start");
        Long end = longParam(request, "end");
        if (start == null || end == null) {
            return errors(400, "Missing required parameters: start and end");
        }
        String rawTags = queryParam(request, "tags");
        Set<String> anyOf = rawTags == null
                ? Set.of()
                : Arrays.stream(rawTags.split(","))
                        .map(s -> s.trim().toLowerCase(Locale.ROOT))
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toSet());
        boolean paged = "true".equalsIgnoreCase(queryParam(request, "unaggregated"))
                || "true".equalsIgnoreCase(queryParam(request, "exclude_aggregate"));
        Long page = paged ? longParam(request, "page") : null;
        List<ObjectNode> found = events.stream()
                .filter(e -> e.path("date_happened").asLong() >= start
                        && e.path("date_happened").asLong() <= end)
                .filter(e -> {
                    if (anyOf.isEmpty()) {
                        return true;
                    }
                    for (JsonNode t : e.path("tags")) {
                        if (anyOf.contains(t.asText())) {
                            return true;
                        }
                    }
                    return false;
                })
                .sorted(Comparator.comparingLong(
                                (ObjectNode e) -> e.path("date_happened").asLong())
                        .thenComparingLong(e -> e.path("id").asLong())
                        .reversed())
                .skip((page == null ? 0 : page) * EVENTS_PAGE)
                .limit(EVENTS_PAGE)
                .toList();
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode out = answer.putArray("events");
        found.forEach(e -> out.add(e.deepCopy()));
        answer.put("status", "ok");
        return json(200, answer);
    }

    // ---- plumbing of the simulation ----

    /** Rate-limit headers of a limited endpoint, the period calendar-aligned; a spent budget is Datadog's 429. */
    private ResponseDefinition limited(ResponseDefinition answer, String name, int limit, int period) {
        long now = Instant.now().getEpochSecond();
        long reset = period - Math.floorMod(now, period);
        int remaining = Math.max(0, limit - used.merge(name, 1, Integer::sum));
        ResponseDefinitionBuilder b = ResponseDefinitionBuilder.like(answer)
                .withHeader("X-RateLimit-Limit", String.valueOf(limit))
                .withHeader("X-RateLimit-Period", String.valueOf(period))
                .withHeader("X-RateLimit-Remaining", String.valueOf(remaining))
                .withHeader("X-RateLimit-Reset", String.valueOf(reset))
                .withHeader("X-RateLimit-Name", name);
        return b.build();
    }

    private static @Nullable Long longParam(Request request, String name) {
        String v = queryParam(request, name);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ResponseDefinition json(int status, JsonNode body) {
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body.toString())
                .build();
    }

    /** Datadog's APIErrorResponse: {@code {"errors": [message]}}. */
    private static ResponseDefinition errors(int status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("errors").add(message);
        return json(status, body);
    }
}
