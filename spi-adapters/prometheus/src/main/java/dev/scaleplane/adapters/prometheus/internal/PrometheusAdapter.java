package dev.scaleplane.adapters.prometheus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.api.adapters.AdapterCallFacts;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.observability.Annotation;
import dev.scaleplane.api.adapters.observability.AnnotationQuery;
import dev.scaleplane.api.adapters.observability.DeploymentMarker;
import dev.scaleplane.api.adapters.observability.MetricPoint;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.ObservabilityCapability;
import dev.scaleplane.api.adapters.observability.Sample;
import dev.scaleplane.api.adapters.observability.Series;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Prometheus instance: queries through the server's HTTP API, pushes and deployment markers through its
 * Pushgateway. The endpoint table is on {@code PrometheusProvider}. Thread-safe: it holds only immutable settings and
 * the plumbing's thread-safe clients.
 */
public final class PrometheusAdapter implements ObservabilityAdapter {
    /** The series a deployment marker is pushed as. */
    public static final String MARKER_METRIC = "scaleplane_deployment_timestamp_seconds";

    /**
     * Above this many characters of form-encoded parameters a query is sent as a form-encoded POST rather than a GET,
     * which Prometheus accepts alike: URLs of several kilobytes are cut off by proxies (commonly at 4 or 8 KiB).
     */
    static final int POST_ABOVE = 2048;

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusAdapter.class);

    private final String name;
    private final PrometheusSettings settings;
    private final AdapterHttpClient prometheus;
    private final @Nullable AdapterHttpClient pushgateway;
    private final Set<ObservabilityCapability> capabilities;

    /**
     * Creates the adapter.
     *
     * @param name the instance name
     * @param settings its settings
     * @param prometheus the client of the Prometheus server, reading its error bodies ({@link #bodyErrors()})
     * @param pushgateway the client of the Pushgateway, or null when none is configured (then the instance only
     *     queries)
     */
    public PrometheusAdapter(
            String name,
            PrometheusSettings settings,
            AdapterHttpClient prometheus,
            @Nullable AdapterHttpClient pushgateway) {
        this.name = Objects.requireNonNull(name, "name");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.prometheus = Objects.requireNonNull(prometheus, "prometheus");
        this.pushgateway = pushgateway;
        Set<ObservabilityCapability> c = EnumSet.of(ObservabilityCapability.QUERY);
        if (pushgateway != null) {
            c.add(ObservabilityCapability.PUSH);
            c.add(ObservabilityCapability.DEPLOYMENT_MARKERS);
        }
        capabilities = Collections.unmodifiableSet(c);
    }

    /** The reader of Prometheus' {@code {"status": "error", "errorType", "error"}} answers, for the server's client. */
    public static dev.scaleplane.adapters.http.BodyErrors bodyErrors() {
        return new PrometheusBodyErrors();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String system() {
        return "prometheus";
    }

    @Override
    public Set<ObservabilityCapability> capabilities() {
        return capabilities;
    }

    @Override
    public List<Sample> query(String query, Instant at) {
        requireQuery(query);
        Objects.requireNonNull(at, "at");
        Map<String, String> params = new LinkedHashMap<>();
        params.put("query", query);
        params.put("time", seconds(at));
        return read("/api/v1/query", params, data -> QueryResults.samples(data, query));
    }

    @Override
    public List<Series> queryRange(String query, Instant start, Instant end, Duration step) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(step, "step");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("range query: end " + end + " is before start " + start);
        }
        if (step.toMillis() < 1) {
            throw new IllegalArgumentException(
                    "range query: step must be at least 1ms (Prometheus' resolution), but was " + step);
        }
        requireQuery(query);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("query", query);
        params.put("start", seconds(start));
        params.put("end", seconds(end));
        params.put(
                "step",
                BigDecimal.valueOf(step.toMillis(), 3).stripTrailingZeros().toPlainString());
        return read("/api/v1/query_range", params, data -> QueryResults.series(data, query));
    }

    @Override
    public void push(List<MetricPoint> points) {
        AdapterHttpClient client = pushgateway(ObservabilityCapability.PUSH);
        Objects.requireNonNull(points, "points");
        points.forEach(p -> Objects.requireNonNull(p, "a point"));
        if (points.isEmpty()) {
            return;
        }
        Set<String> grouping = new TreeSet<>(settings.grouping().keySet());
        grouping.add("job");
        String body = Exposition.body(points, grouping);
        client.send(GroupingKey.request("POST", settings.job(), settings.grouping())
                .body(body.getBytes(StandardCharsets.UTF_8), Exposition.CONTENT_TYPE)
                .build());
    }

    @Override
    public void markDeployment(DeploymentMarker marker) {
        AdapterHttpClient client = pushgateway(ObservabilityCapability.DEPLOYMENT_MARKERS);
        Objects.requireNonNull(marker, "marker");
        Map<String, String> labels = new TreeMap<>(marker.labels());
        for (String label : labels.keySet()) {
            if (!Exposition.validGroupingName(label)) {
                throw new IllegalArgumentException("deployment marker of " + marker.service() + ": attribute " + label
                        + " cannot be a Pushgateway grouping label (job and names starting with __ are taken); rename"
                        + " it");
            }
        }
        StringBuilder body = new StringBuilder();
        Exposition.typeLine(body, MARKER_METRIC, MetricPoint.Kind.GAUGE);
        Exposition.sampleLine(body, MARKER_METRIC, Map.of(), epochSeconds(marker.at()));
        client.send(GroupingKey.request("PUT", settings.job(), labels)
                .body(body.toString().getBytes(StandardCharsets.UTF_8), Exposition.CONTENT_TYPE)
                .build());
    }

    @Override
    public Annotation annotate(Annotation annotation) {
        throw noAnnotations();
    }

    @Override
    public List<Annotation> annotations(AnnotationQuery query) {
        throw noAnnotations();
    }

    @Override
    public String toString() {
        return "PrometheusAdapter[" + name + ", " + settings + "]";
    }

    private UnsupportedOperationException noAnnotations() {
        return new UnsupportedOperationException("prometheus instance " + name + " does not offer "
                + ObservabilityCapability.ANNOTATIONS + ": Prometheus has no annotations API. Record deployments"
                + " with markDeployment (the " + MARKER_METRIC + " series, which Grafana can show as annotations),"
                + " or use a Grafana or Datadog instance for annotations");
    }

    private AdapterHttpClient pushgateway(ObservabilityCapability capability) {
        if (pushgateway == null) {
            throw new UnsupportedOperationException("prometheus instance " + name + " does not offer " + capability
                    + ": it has no Pushgateway; set scaleplane.adapters." + name + ".pushgateway-url");
        }
        return pushgateway;
    }

    private static void requireQuery(String query) {
        Objects.requireNonNull(query, "query");
        if (query.isBlank()) {
            throw new IllegalArgumentException("query must be a PromQL expression, but was blank");
        }
    }

    /** Sends a GET, or a form-encoded POST for long parameters, and reads the answer's {@code data}. */
    private <T> List<T> read(String path, Map<String, String> params, Function<JsonNode, List<T>> reader) {
        AdapterRequest request;
        if (AdapterRequest.formEncode(params).length() > POST_ABOVE) {
            // A read: safe to repeat, so it is retried as a GET would be.
            request = AdapterRequest.builder("POST", path)
                    .form(params)
                    .idempotent(true)
                    .build();
        } else {
            AdapterRequest.Builder b = AdapterRequest.builder("GET", path);
            params.forEach(b::query);
            request = b.build();
        }
        AdapterResponse response = prometheus.send(request);
        try {
            JsonNode body = response.json();
            if (!"success".equals(body.path("status").asText())) {
                throw new IllegalStateException("status is not success");
            }
            warnings(body, params.get("query"));
            return new ArrayList<>(reader.apply(body.path("data")));
        } catch (IllegalStateException | UncheckedIOException | ArithmeticException e) {
            throw new AdapterException(
                    new AdapterCallFacts(
                            system(),
                            name,
                            request.method(),
                            path,
                            response.status(),
                            null,
                            "not a Prometheus query answer (" + e.getMessage() + ")"),
                    "is base-url the root of the Prometheus server, e.g. http://prometheus:9090?",
                    e);
        }
    }

    /** Prometheus' {@code warnings} (e.g. a partial answer of a remote read) are logged; the result stands. */
    private void warnings(JsonNode body, @Nullable String query) {
        JsonNode warnings = body.path("warnings");
        if (warnings.isArray() && !warnings.isEmpty() && LOG.isWarnEnabled()) {
            List<String> texts = new ArrayList<>();
            warnings.forEach(w -> texts.add(w.asText()));
            LOG.warn("prometheus ({}) answered query {} with warnings: {}", name, query, texts);
        }
    }

    /** Unix seconds with milliseconds, Prometheus' resolution: {@code 1772359200.123}, or {@code 1772359200}. */
    static String seconds(Instant at) {
        return BigDecimal.valueOf(at.toEpochMilli(), 3).stripTrailingZeros().toPlainString();
    }

    /** The marker's value: Unix seconds, with the fraction when {@code at} has one. */
    static double epochSeconds(Instant at) {
        return at.getEpochSecond() + at.getNano() / 1e9;
    }
}
