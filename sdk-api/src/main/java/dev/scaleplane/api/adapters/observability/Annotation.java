package dev.scaleplane.api.adapters.observability;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A mark on dashboards: a moment or a span with text and tags (Grafana annotations, Datadog events).
 *
 * @param id the system's id; empty for one not yet created
 * @param text what happened (Markdown where the system renders it)
 * @param start when it started (or happened)
 * @param end when it ended, or null for a moment
 * @param tags tags to find it by, e.g. {@code deployment}, {@code service:checkout}
 * @param dashboard the dashboard it belongs to (Grafana dashboard UID), or null for an organisation-wide one
 * @param panel the panel of that dashboard, or null for the whole dashboard
 */
public record Annotation(
        String id,
        String text,
        Instant start,
        @Nullable Instant end,
        Set<String> tags,
        @Nullable String dashboard,
        @Nullable Integer panel) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if {@code end} is before {@code start}, or a panel is given without a dashboard
     */
    public Annotation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(start, "start");
        tags = Set.copyOf(tags);
        if (end != null && end.isBefore(start)) {
            throw new IllegalArgumentException("annotation end " + end + " is before its start " + start);
        }
        if (panel != null && dashboard == null) {
            throw new IllegalArgumentException("annotation panel " + panel + " needs a dashboard");
        }
    }

    /** A new annotation of a moment, organisation-wide. */
    public static Annotation of(String text, Instant at, Set<String> tags) {
        return new Annotation("", text, at, null, tags, null, null);
    }

    /** A new annotation of a span, organisation-wide. */
    public static Annotation span(String text, Instant start, Instant end, Set<String> tags) {
        return new Annotation("", text, start, end, tags, null, null);
    }

    /** This annotation on {@code dashboard} (and {@code panel}, if not null). */
    public Annotation on(String dashboard, @Nullable Integer panel) {
        return new Annotation(id, text, start, end, tags, Objects.requireNonNull(dashboard, "dashboard"), panel);
    }
}
