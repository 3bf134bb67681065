package dev.scaleplane.adapters.datadog.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.api.adapters.observability.Annotation;
import dev.scaleplane.api.adapters.observability.AnnotationQuery;
import dev.scaleplane.api.adapters.observability.DeploymentMarker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Annotations and deployment markers as Datadog events, over the v1 events API ({@code POST /api/v1/events}, {@code
 * GET /api/v1/events}). See {@code DatadogProvider} for the contract as Datadog keeps it. Thread-safe.
 *
 * <p>A Datadog event is a moment with a POSIX-second {@code date_happened}. An annotation's exact start (when it has a
 * sub-second part) and its end ride along as two tags, {@value #START_MS}{@code <epoch ms>} and {@value
 * #END_MS}{@code <epoch ms>}, read back and never shown in {@link Annotation#tags()}.
 */
final class DatadogEvents {
    /** The page size of {@code GET /api/v1/events}: "a maximum of 1000 most recent results" per request. */
    static final int PAGE = 1000;

    /** The tag keeping an annotation's start to the millisecond. */
    static final String START_MS = "scaleplane.start_ms:";

    /** The tag keeping a span's end. */
    static final String END_MS = "scaleplane.end_ms:";

    /** Titles are cut to this length (Datadog shows titles on one line). */
    static final int TITLE_MAX = 100;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String instance;
    private final AdapterHttpClient events;

    DatadogEvents(String instance, AdapterHttpClient events) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.events = Objects.requireNonNull(events, "events");
    }

    /**
     * {@code POST /api/v1/events}: title = the text's first line (cut to {@value #TITLE_MAX} characters), text = the
     * text, {@code date_happened} = the start in seconds, tags = the annotation's tags sorted, plus the timing tags.
     *
     * @throws IllegalArgumentException if the annotation names a dashboard (Datadog events belong to none) or its text
     *     is blank (Datadog requires a title and a text)
     */
    Annotation annotate(Annotation annotation) {
        Objects.requireNonNull(annotation, "annotation");
        if (annotation.dashboard() != null) {
            throw new IllegalArgumentException("Datadog events belong to no dashboard, but the annotation '"
                    + annotation.text() + "' names dashboard " + annotation.dashboard()
                    + (annotation.panel() != null ? " panel " + annotation.panel() : "")
                    + "; annotate it without on(dashboard, panel): Datadog shows events on every graph that overlays"
                    + " them by tag");
        }
        if (annotation.text().isBlank()) {
            throw new IllegalArgumentException("Datadog requires an event title and text, but the annotation tagged "
                    + annotation.tags() + " has a blank text; describe what happened, e.g. \"rollout of checkout"
                    + " 1.4.2\"");
        }
        Instant start = Instant.ofEpochMilli(annotation.start().toEpochMilli());
        Instant end = annotation.end() == null
                ? null
                : Instant.ofEpochMilli(annotation.end().toEpochMilli());
        JsonNode event = post(title(annotation.text()), annotation.text(), start, end, annotation.tags());
        String id = id(event);
        Set<String> tags = event.path("tags").isArray() ? visibleTags(event.path("tags")) : annotation.tags();
        return new Annotation(id, annotation.text(), start, end, tags, null, null);
    }

    /**
     * An event titled and texted {@code "<service> <version> deployed to <environment>/<cluster>"} at the marker's
     * time, tagged {@link DeploymentMarker#tags()}.
     */
    void markDeployment(DeploymentMarker marker) {
        Objects.requireNonNull(marker, "marker");
        String line = text(marker);
        post(title(line), line, Instant.ofEpochMilli(marker.at().toEpochMilli()), null, marker.tags());
    }

    /**
     * {@code GET /api/v1/events?start=&end=&tags=&unaggregated=true}, then {@code &page=1}, {@code &page=2}, ... while
     * a page is full and fewer than {@code limit} annotations matched. Datadog's {@code tags} matches events carrying
     * any of the tags given and filters on {@code date_happened}; the adapter keeps the events that carry all of them
     * and overlap the window, newest first.
     */
    List<Annotation> annotations(AnnotationQuery query) {
        Objects.requireNonNull(query, "query");
        long start = query.from().getEpochSecond();
        long end = query.to().getEpochSecond() + (query.to().getNano() > 0 ? 1 : 0);
        Set<String> wanted = new TreeSet<>();
        query.tags().forEach(t -> wanted.add(t.toLowerCase(Locale.ROOT)));
        List<Annotation> found = new ArrayList<>();
        for (int page = 0; ; page++) {
            AdapterRequest.Builder request = AdapterRequest.builder("GET", "/api/v1/events")
                    .query("start", start)
                    .query("end", end);
            if (!wanted.isEmpty()) {
                request.query("tags", String.join(",", wanted));
            }
            // Unaggregated, so that an event grouped under a parent outside the window is still returned; also what
            // makes the page parameter work.
            request.query("unaggregated", true);
            if (page > 0) {
                request.query("page", page);
            }
            JsonNode items = events.sendForJson(request.build()).path("events");
            for (JsonNode item : items) {
                Annotation a = toAnnotation(item);
                if (matches(a, wanted, query)) {
                    found.add(a);
                }
            }
            if (items.size() < PAGE || found.size() >= query.limit()) {
                break;
            }
        }
        found.sort(Comparator.comparing(Annotation::start).reversed());
        return found.size() > query.limit() ? List.copyOf(found.subList(0, query.limit())) : found;
    }

    private static boolean matches(Annotation a, Set<String> wanted, AnnotationQuery query) {
        Set<String> has = new TreeSet<>();
        a.tags().forEach(t -> has.add(t.toLowerCase(Locale.ROOT)));
        Instant last = a.end() == null ? a.start() : a.end();
        return has.containsAll(wanted) && !a.start().isAfter(query.to()) && !last.isBefore(query.from());
    }

    private JsonNode post(String title, String text, Instant start, @Nullable Instant end, Set<String> tags) {
        ObjectNode body = JSON.createObjectNode();
        body.put("title", title);
        body.put("text", text);
        body.put("date_happened", start.getEpochSecond());
        ArrayNode t = body.putArray("tags");
        new TreeSet<>(tags).forEach(t::add);
        if (start.getNano() != 0) {
            t.add(START_MS + start.toEpochMilli());
        }
        if (end != null) {
            t.add(END_MS + end.toEpochMilli());
        }
        JsonNode event = events.sendForJson(AdapterRequest.postJson(body, "/api/v1/events"))
                .path("event");
        if (id(event).isEmpty()) {
            throw new IllegalStateException(
                    "Datadog instance '" + instance + "' answered POST /api/v1/events without the event's id");
        }
        return event;
    }

    /** The event's id: {@code id_str} (ids exceed what some JSON readers keep exactly), else {@code id}. */
    private static String id(JsonNode event) {
        if (event.path("id_str").isTextual() && !event.path("id_str").asText().isEmpty()) {
            return event.path("id_str").asText();
        }
        return event.path("id").isIntegralNumber() ? event.path("id").asText() : "";
    }

    /** An event of the list answer as an annotation; the timing tags give the exact start and the end. */
    static Annotation toAnnotation(JsonNode event) {
        long happened = event.path("date_happened").asLong();
        Instant start = Instant.ofEpochSecond(happened);
        Instant end = null;
        for (JsonNode tag : event.path("tags")) {
            String t = tag.asText();
            Long ms = millis(t, START_MS);
            if (ms != null && ms / 1000 == happened) {
                start = Instant.ofEpochMilli(ms);
            }
            ms = millis(t, END_MS);
            if (ms != null) {
                end = Instant.ofEpochMilli(ms);
            }
        }
        if (end != null && end.isBefore(start)) {
            end = null;
        }
        String text = event.path("text").asText("");
        return new Annotation(
                id(event),
                text.isEmpty() ? event.path("title").asText("") : text,
                start,
                end,
                visibleTags(event.path("tags")),
                null,
                null);
    }

    private static @Nullable Long millis(String tag, String prefix) {
        if (!tag.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return null;
        }
        try {
            return Long.parseLong(tag.substring(prefix.length()).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Set<String> visibleTags(JsonNode tags) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode tag : tags) {
            String t = tag.asText();
            if (millis(t, START_MS) == null && millis(t, END_MS) == null) {
                out.add(t);
            }
        }
        return out;
    }

    /** The first line, cut to {@value #TITLE_MAX} characters. */
    static String title(String text) {
        String first = text.strip().lines().findFirst().orElse("").strip();
        return first.length() <= TITLE_MAX ? first : first.substring(0, TITLE_MAX - 3) + "...";
    }

    /** The marker's line: {@code checkout 1.4.2 deployed to production/ams-1}, without the parts it lacks. */
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
}
