package dev.scaleplane.adapters.grafana.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.api.adapters.observability.Annotation;
import dev.scaleplane.api.adapters.observability.AnnotationQuery;
import dev.scaleplane.api.adapters.observability.DeploymentMarker;
import dev.scaleplane.api.adapters.observability.MetricPoint;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.ObservabilityCapability;
import dev.scaleplane.api.adapters.observability.Sample;
import dev.scaleplane.api.adapters.observability.Series;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Grafana's annotations as an {@link ObservabilityAdapter}. See {@code GrafanaProvider} for the contract as Grafana
 * keeps it.
 */
public final class GrafanaAnnotations implements ObservabilityAdapter {
    /** What this adapter offers; the provider declares the same. */
    public static final Set<ObservabilityCapability> CAPABILITIES =
            Set.copyOf(EnumSet.of(ObservabilityCapability.ANNOTATIONS, ObservabilityCapability.DEPLOYMENT_MARKERS));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANNOTATIONS = "/api/annotations";

    private final String instance;
    private final AdapterHttpClient http;
    private final GrafanaSettings settings;

    /** An adapter for instance {@code instance}, sending through {@code http} (pointed at Grafana's root). */
    public GrafanaAnnotations(String instance, AdapterHttpClient http, GrafanaSettings settings) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.http = Objects.requireNonNull(http, "http");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return instance;
    }

    @Override
    public String system() {
        return "grafana";
    }

    @Override
    public Set<ObservabilityCapability> capabilities() {
        return CAPABILITIES;
    }

    // ---- what Grafana's annotations API cannot do ----

    @Override
    public List<Sample> query(String query, Instant at) {
        throw unsupported(ObservabilityCapability.QUERY);
    }

    @Override
    public List<Series> queryRange(String query, Instant start, Instant end, Duration step) {
        throw unsupported(ObservabilityCapability.QUERY);
    }

    @Override
    public void push(List<MetricPoint> points) {
        throw unsupported(ObservabilityCapability.PUSH);
    }

    private UnsupportedOperationException unsupported(ObservabilityCapability capability) {
        String why = capability == ObservabilityCapability.QUERY
                ? "Grafana's annotations API runs no metric queries; query the data source behind the dashboard"
                        + " through its own adapter (e.g. an instance of type prometheus)"
                : "Grafana stores no metrics; push them to the data source through its own adapter (e.g. an instance"
                        + " of type prometheus, through its Pushgateway)";
        return new UnsupportedOperationException(
                "grafana instance '" + instance + "' does not offer " + capability + ": " + why);
    }

    // ---- annotations ----

    /**
     * {@code POST /api/annotations}. Grafana keeps milliseconds, so the annotation returned carries the times truncated
     * to milliseconds, as a later {@link #annotations} returns them.
     *
     * @throws IllegalArgumentException if the text is empty (Grafana refuses it: "text field should not be empty")
     */
    @Override
    public Annotation annotate(Annotation annotation) {
        Objects.requireNonNull(annotation, "annotation");
        if (annotation.text().isEmpty()) {
            throw new IllegalArgumentException(
                    "Grafana requires an annotation text, but the annotation tagged " + annotation.tags()
                            + " has an empty text; describe what happened, e.g. \"rollout of checkout 1.4.2\"");
        }
        Instant start = millis(annotation.start());
        Instant end = annotation.end() == null ? null : millis(annotation.end());
        long id = create(
                annotation.text(),
                start,
                end,
                new TreeSet<>(annotation.tags()),
                annotation.dashboard(),
                annotation.panel());
        return new Annotation(
                String.valueOf(id),
                annotation.text(),
                start,
                end,
                annotation.tags(),
                annotation.dashboard(),
                annotation.panel());
    }

    /**
     * {@code GET /api/annotations?from=&to=&tags=...&limit=&matchAny=false&type=annotation}: Grafana returns those
     * overlapping the window ({@code time <= to} and {@code timeEnd >= from}) that carry every tag, newest first,
     * without alert-state annotations.
     */
    @Override
    public List<Annotation> annotations(AnnotationQuery query) {
        Objects.requireNonNull(query, "query");
        // Grafana applies the window only when both ends are > 0: a window from the epoch starts at its first ms.
        long from = Math.max(1, query.from().toEpochMilli());
        long to = Math.max(from, query.to().toEpochMilli());
        AdapterRequest.Builder request =
                AdapterRequest.builder("GET", ANNOTATIONS).query("from", from).query("to", to);
        // Sorted, so that the same query always sends the same request.
        new TreeSet<>(query.tags()).forEach(tag -> request.query("tags", tag));
        request.query("limit", query.limit()).query("matchAny", false).query("type", "annotation");
        JsonNode items = http.sendForJson(request.build());
        List<Annotation> out = new ArrayList<>();
        for (JsonNode item : items) {
            out.add(toAnnotation(item));
        }
        return out;
    }

    /**
     * An annotation tagged {@link DeploymentMarker#tags()} at {@link DeploymentMarker#at()}, with the text {@code
     * "<service> <version> deployed to <environment>/<cluster>"}, on the configured marker dashboard (and panel) if
     * any, else organisation-wide.
     */
    @Override
    public void markDeployment(DeploymentMarker marker) {
        Objects.requireNonNull(marker, "marker");
        create(
                text(marker),
                millis(marker.at()),
                null,
                new TreeSet<>(marker.tags()),
                settings.markerDashboard(),
                settings.markerPanel());
    }

    /** The marker's text: {@code checkout 1.4.2 deployed to production/ams-1}, without the parts it lacks. */
    static String text(DeploymentMarker marker) {
        StringBuilder s = new StringBuilder(marker.service())
                .append(' ')
                .append(marker.version())
                .append(" deployed");
        List<String> where = new ArrayList<>();
        if (marker.environment() != null) {
            where.add(marker.environment());
        }
        if (marker.cluster() != null) {
            where.add(marker.cluster());
        }
        if (!where.isEmpty()) {
            s.append(" to ").append(String.join("/", where));
        }
        return s.toString();
    }

    private long create(
            String text,
            Instant start,
            @Nullable Instant end,
            Set<String> tags,
            @Nullable String dashboard,
            @Nullable Integer panel) {
        ObjectNode body = JSON.createObjectNode();
        if (dashboard != null) {
            body.put("dashboardUID", dashboard);
        }
        if (panel != null) {
            body.put("panelId", panel);
        }
        body.put("time", start.toEpochMilli());
        if (end != null) {
            body.put("timeEnd", end.toEpochMilli());
        }
        ArrayNode t = body.putArray("tags");
        tags.forEach(t::add);
        body.put("text", text);
        JsonNode answer = http.sendForJson(AdapterRequest.postJson(body, ANNOTATIONS));
        JsonNode id = answer.path("id");
        if (!id.canConvertToLong()) {
            throw new IllegalStateException("Grafana instance '" + instance + "' answered POST " + ANNOTATIONS
                    + " without an annotation id: " + answer.path("message").asText("(no message)"));
        }
        return id.asLong();
    }

    /**
     * An item of the find answer. Grafana keeps a moment as a region of zero length ({@code timeEnd == time}), so
     * such an item is a moment ({@code end} null); a panel id without a dashboard UID (the dashboard is gone) is
     * dropped.
     */
    static Annotation toAnnotation(JsonNode item) {
        long time = item.path("time").asLong();
        long timeEnd = item.path("timeEnd").asLong(0);
        String dashboard = item.path("dashboardUID").isTextual()
                        && !item.path("dashboardUID").asText().isEmpty()
                ? item.path("dashboardUID").asText()
                : null;
        int panelId = item.path("panelId").asInt(0);
        Set<String> tags = new LinkedHashSet<>();
        for (JsonNode tag : item.path("tags")) {
            tags.add(tag.asText());
        }
        return new Annotation(
                item.path("id").asText(),
                item.path("text").asText(""),
                Instant.ofEpochMilli(time),
                timeEnd > time ? Instant.ofEpochMilli(timeEnd) : null,
                tags,
                dashboard,
                dashboard != null && panelId > 0 ? panelId : null);
    }

    private static Instant millis(Instant at) {
        return Instant.ofEpochMilli(at.toEpochMilli());
    }

    @Override
    public String toString() {
        return "GrafanaAnnotations[" + instance + " " + http.baseUri() + "]";
    }
}
