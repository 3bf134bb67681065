package dev.scaleplane.api.adapters.observability;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One observability system instance (a Prometheus with its Pushgateway, a Grafana organisation, a Datadog site).
 *
 * <p>Thread-safe. Calls go through the adapter plumbing (authentication, the credential's rate-limit governor, retries
 * only where repeating is safe, a circuit breaker); failures are {@link
 * dev.scaleplane.api.adapters.AdapterException}s carrying the system, the request and the server's message, never a
 * credential. A query the system rejects (bad syntax, unknown function) is an {@link
 * dev.scaleplane.api.adapters.AdapterRequestRefusedException} whose {@code serverMessage()} is the system's
 * explanation. A call outside the instance's {@link #capabilities()} throws {@link UnsupportedOperationException}
 * naming the capability.
 */
public interface ObservabilityAdapter extends AutoCloseable {

    /** The instance name, as configured ({@code scaleplane.adapters.<name>.*}). */
    String name();

    /** The system, e.g. {@code prometheus}, {@code grafana}, {@code datadog}. */
    String system();

    /** What this instance offers. */
    Set<ObservabilityCapability> capabilities();

    /**
     * The value of every series {@code query} selects at {@code at} (Prometheus {@code /api/v1/query}). A scalar
     * result is one sample without labels.
     *
     * @param query in the system's query language (PromQL; Datadog metric queries)
     */
    List<Sample> query(String query, Instant at);

    /**
     * The series {@code query} selects over {@code [start, end]} at resolution {@code step} (Prometheus {@code
     * /api/v1/query_range}).
     *
     * @throws IllegalArgumentException if the window is reversed or the step not positive
     */
    List<Series> queryRange(String query, Instant start, Instant end, Duration step);

    /**
     * Pushes values (Prometheus through the Pushgateway, grouped by the instance's job; Datadog series submission).
     * All-or-nothing where the system allows it.
     */
    void push(List<MetricPoint> points);

    /**
     * Creates an annotation ({@link Annotation#id()} is ignored) and returns it with the system's id.
     */
    Annotation annotate(Annotation annotation);

    /** Annotations matching {@code query}, newest first. */
    List<Annotation> annotations(AnnotationQuery query);

    /**
     * Records a deployment the way this system shows it best: Prometheus a {@code scaleplane_deployment_timestamp_seconds}
     * gauge through the Pushgateway; Grafana an annotation tagged {@code deployment}; Datadog a deployment event.
     */
    void markDeployment(DeploymentMarker marker);

    /** Releases the instance's connections. The platform calls it when it closes. Default: nothing to release. */
    @Override
    default void close() {}
}
