package dev.scaleplane.api.adapters.observability;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Label maps of this package: sorted, unmodifiable, with names valid in every supported system. */
final class Labels {
    /** Prometheus' label name rule, which is also the narrowest of the supported systems. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private Labels() {}

    static Map<String, String> copy(Map<String, String> labels) {
        Objects.requireNonNull(labels, "labels");
        TreeMap<String, String> sorted = new TreeMap<>();
        labels.forEach((k, v) -> sorted.put(Objects.requireNonNull(k, "label name"), Objects.requireNonNull(v, k)));
        return Collections.unmodifiableMap(sorted);
    }

    /** Like {@link #copy}, refusing names outside {@code [a-zA-Z_][a-zA-Z0-9_]*} ({@code __name__} included). */
    static Map<String, String> checked(Map<String, String> labels, String what) {
        Map<String, String> copy = copy(labels);
        for (String name : copy.keySet()) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(what + ": label name '" + name
                        + "' is not valid; use letters, digits and underscores, not starting with a digit");
            }
        }
        return copy;
    }

    static String metricName(String name) {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("metric name '" + name
                    + "' is not valid; use letters, digits, underscores and colons, not starting with a digit");
        }
        return name;
    }
}
