package dev.scaleplane.adapters.prometheus;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** PromQL spelled by the tests. */
final class PromQL {
    private PromQL() {}

    /** {@code metric{a="x",b="y"}}: exactly these label values, escaped as PromQL string literals. */
    static String selector(String metric, Map<String, String> labels) {
        return metric
                + new TreeMap<>(labels)
                        .entrySet().stream()
                                .map(e -> e.getKey() + "=\"" + literal(e.getValue()) + "\"")
                                .collect(Collectors.joining(",", "{", "}"));
    }

    /** A PromQL double-quoted string's content: backslash, quote and line feed escaped. */
    static String literal(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
