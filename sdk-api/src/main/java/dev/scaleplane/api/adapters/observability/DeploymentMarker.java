package dev.scaleplane.api.adapters.observability;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A deployment, as dashboards should show it: which service, which version, where, when.
 *
 * @param service the service deployed, e.g. {@code checkout}
 * @param version the version, e.g. {@code 1.4.2}
 * @param environment e.g. {@code production}, or null
 * @param cluster the cluster it was deployed to, or null for a fleet-wide marker
 * @param at when the deployment happened (or started)
 * @param attributes more labels (deployment id, wave), names {@code [a-zA-Z_][a-zA-Z0-9_]*}
 */
public record DeploymentMarker(
        String service,
        String version,
        @Nullable String environment,
        @Nullable String cluster,
        Instant at,
        Map<String, String> attributes) {

    /** Validates. */
    public DeploymentMarker {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(at, "at");
        attributes = Labels.checked(attributes, "deployment marker of " + service);
        if (service.isBlank() || version.isBlank()) {
            throw new IllegalArgumentException(
                    "a deployment marker needs a service and a version, but was '" + service + "' '" + version + "'");
        }
    }

    /** The marker's labels: {@code service}, {@code version}, {@code environment} and {@code cluster} when set, then the attributes. */
    public Map<String, String> labels() {
        Map<String, String> labels = new java.util.TreeMap<>(attributes);
        labels.put("service", service);
        labels.put("version", version);
        if (environment != null) {
            labels.put("environment", environment);
        }
        if (cluster != null) {
            labels.put("cluster", cluster);
        }
        return Map.copyOf(labels);
    }

    /**
     * The marker's tags where the system keeps tags rather than labels (Grafana annotations, Datadog events), the one
     * spelling every adapter uses: {@code deployment}, then {@code <label>:<value>} for each of {@link #labels()}.
     */
    public java.util.Set<String> tags() {
        java.util.Set<String> tags = new java.util.TreeSet<>();
        tags.add("deployment");
        labels().forEach((k, v) -> tags.add(k + ":" + v));
        return java.util.Collections.unmodifiableSet(tags);
    }
}
