package dev.scaleplane.adapters.prometheus.internal;

import dev.scaleplane.api.adapters.observability.MetricPoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Prometheus text exposition format, version 0.0.4, as the Pushgateway reads it (prometheus.io/docs/instrumenting/
 * exposition_formats): per metric name one {@code # TYPE <name> counter|gauge} line, then one {@code
 * name{label="value",...} value} line per series, each line ending in {@code \n}; in label values {@code \}, {@code "}
 * and a line feed are escaped as {@code \\}, {@code \"} and {@code \n}. No timestamps: the Pushgateway refuses pushes
 * that carry them (Prometheus stamps each sample with its scrape time).
 */
final class Exposition {
    /** The Content-Type of a text-format push. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private Exposition() {}

    /**
     * Whether {@code name} may be a grouping label: a label name, not reserved ({@code __} prefix), and not {@code job},
     * which the grouping key always starts with.
     */
    static boolean validGroupingName(String name) {
        return LABEL_NAME.matcher(name).matches() && !name.startsWith("__") && !"job".equals(name);
    }

    /**
     * The body pushing {@code points}, grouped by metric name in the order the names first appear.
     *
     * @param grouping the names of the grouping key's labels ({@code job} and the others): the Pushgateway overwrites
     *     such labels of a pushed series with the grouping key's values, so a point carrying one is refused rather than
     *     silently changed
     * @throws IllegalArgumentException naming the metric and the label for a label the push cannot carry, a name pushed
     *     as a counter and a gauge, or one series pushed twice
     */
    static String body(List<MetricPoint> points, Set<String> grouping) {
        Map<String, List<MetricPoint>> byName = new LinkedHashMap<>();
        Map<String, MetricPoint.Kind> kinds = new HashMap<>();
        Set<String> series = new HashSet<>();
        for (MetricPoint point : points) {
            for (String label : point.labels().keySet()) {
                if (label.startsWith("__")) {
                    throw new IllegalArgumentException("metric " + point.name() + ": label " + label
                            + " is reserved (names starting with __ belong to Prometheus); rename it");
                }
                if (grouping.contains(label)) {
                    throw new IllegalArgumentException("metric " + point.name() + ": label " + label
                            + " is part of the Pushgateway grouping key " + grouping
                            + ", which would overwrite its value; rename the label or change the instance's job/grouping"
                            + " settings");
                }
            }
            MetricPoint.Kind previous = kinds.putIfAbsent(point.name(), point.kind());
            if (previous != null && previous != point.kind()) {
                throw new IllegalArgumentException("metric " + point.name() + " is pushed both as a "
                        + previous.name().toLowerCase(Locale.ROOT) + " and as a "
                        + point.kind().name().toLowerCase(Locale.ROOT) + "; one name has one type");
            }
            if (!series.add(point.name() + point.labels())) {
                throw new IllegalArgumentException("metric " + point.name() + point.labels()
                        + " is pushed twice in one call; push each series once");
            }
            byName.computeIfAbsent(point.name(), n -> new ArrayList<>()).add(point);
        }
        StringBuilder body = new StringBuilder();
        byName.forEach((name, list) -> {
            typeLine(body, name, list.get(0).kind());
            for (MetricPoint point : list) {
                sampleLine(body, name, point.labels(), point.value());
            }
        });
        return body.toString();
    }

    /** Appends {@code # TYPE name counter|gauge}. */
    static void typeLine(StringBuilder out, String name, MetricPoint.Kind kind) {
        out.append("# TYPE ")
                .append(name)
                .append(' ')
                .append(kind.name().toLowerCase(Locale.ROOT))
                .append('\n');
    }

    /** Appends {@code name{labels} value}, labels in their map's order (sorted for the API's label maps). */
    static void sampleLine(StringBuilder out, String name, Map<String, String> labels, double value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> label : labels.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(label.getKey())
                        .append("=\"")
                        .append(escape(label.getValue()))
                        .append('"');
            }
            out.append('}');
        }
        out.append(' ').append(value(value)).append('\n');
    }

    /** A label value escaped for the text format: {@code \} {@code "} and line feed. */
    static String escape(String value) {
        StringBuilder s = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> s.append("\\\\");
                case '"' -> s.append("\\\"");
                case '\n' -> s.append("\\n");
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    /** A value as the format spells it: {@code NaN}, {@code +Inf}, {@code -Inf}, else Java's shortest exact decimal. */
    static String value(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(value);
    }
}
