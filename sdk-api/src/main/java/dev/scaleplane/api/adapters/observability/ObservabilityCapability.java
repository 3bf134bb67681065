package dev.scaleplane.api.adapters.observability;

/**
 * What an observability system offers through its adapter; a call the system cannot serve fails with {@link
 * UnsupportedOperationException} naming the capability. The {@code ObservabilityAdapterCompatibilityKit} tests each
 * clause only for adapters that declare it.
 */
public enum ObservabilityCapability {
    /** {@link ObservabilityAdapter#query} and {@link ObservabilityAdapter#queryRange}. */
    QUERY,
    /** {@link ObservabilityAdapter#push} of counters and gauges. */
    PUSH,
    /** {@link ObservabilityAdapter#annotate} and {@link ObservabilityAdapter#annotations}. */
    ANNOTATIONS,
    /** {@link ObservabilityAdapter#markDeployment}, in whatever form the system shows (a series, an annotation, an event). */
    DEPLOYMENT_MARKERS
}
