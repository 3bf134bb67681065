package dev.scaleplane.adapters.prometheus.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Pushgateway grouping key as its URL path, {@code /metrics/job/<job>{/<label>/<value>}} (github.com/prometheus/
 * pushgateway, README "URL"). A value that a path segment cannot carry as it is, one containing {@code /}, an empty
 * one (the router would drop the empty segment), or {@code .} and {@code ..} (the router would resolve them), is sent
 * base64url-encoded without padding after the label name suffixed {@code @base64} ({@code =} for the empty value, as
 * that README requires); any other value is percent-encoded as one segment.
 */
final class GroupingKey {
    private GroupingKey() {}

    /**
     * A request builder for {@code method} on the grouping key {@code job} plus {@code labels} in their map's order. The
     * path template (the metrics tag) names the labels but holds no values.
     */
    static AdapterRequest.Builder request(String method, String job, Map<String, String> labels) {
        Objects.requireNonNull(job, "job");
        StringBuilder template = new StringBuilder("/metrics");
        List<Object> values = new ArrayList<>(labels.size() + 1);
        segment(template, values, "job", job);
        labels.forEach((name, value) -> segment(template, values, name, value));
        return AdapterRequest.builder(method, template.toString(), values.toArray());
    }

    private static void segment(StringBuilder template, List<Object> values, String name, String value) {
        template.append('/').append(name);
        if (needsBase64(value)) {
            template.append("@base64");
            values.add(
                    value.isEmpty()
                            ? "="
                            : Base64.getUrlEncoder()
                                    .withoutPadding()
                                    .encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        } else {
            values.add(value);
        }
        template.append("/{").append(name).append('}');
    }

    static boolean needsBase64(String value) {
        return value.isEmpty() || value.contains("/") || ".".equals(value) || "..".equals(value);
    }
}
