package dev.scaleplane.adapters.datadog.internal;

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
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A Datadog organisation on one site as an {@link ObservabilityAdapter}: metrics through {@link DatadogMetrics}, events
 * through {@link DatadogEvents}. See {@code DatadogProvider} for the contract as Datadog keeps it. Thread-safe.
 */
public final class DatadogObservability implements ObservabilityAdapter {
    /** What this adapter offers; the provider declares the same. */
    public static final Set<ObservabilityCapability> CAPABILITIES =
            Set.copyOf(EnumSet.allOf(ObservabilityCapability.class));

    private final String instance;
    private final DatadogSettings settings;
    private final DatadogMetrics metrics;
    private final DatadogEvents events;

    DatadogObservability(String instance, DatadogSettings settings, DatadogMetrics metrics, DatadogEvents events) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.events = Objects.requireNonNull(events, "events");
    }

    @Override
    public String name() {
        return instance;
    }

    @Override
    public String system() {
        return "datadog";
    }

    @Override
    public Set<ObservabilityCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public List<Sample> query(String query, Instant at) {
        return metrics.query(query, at);
    }

    @Override
    public List<Series> queryRange(String query, Instant start, Instant end, Duration step) {
        return metrics.queryRange(query, start, end, step);
    }

    @Override
    public void push(List<MetricPoint> points) {
        metrics.push(points);
    }

    @Override
    public Annotation annotate(Annotation annotation) {
        return events.annotate(annotation);
    }

    @Override
    public List<Annotation> annotations(AnnotationQuery query) {
        return events.annotations(query);
    }

    @Override
    public void markDeployment(DeploymentMarker marker) {
        events.markDeployment(marker);
    }

    @Override
    public String toString() {
        return "DatadogObservability[" + instance + ", site " + settings.site().domain() + ", " + settings.apiBase()
                + "]";
    }
}
