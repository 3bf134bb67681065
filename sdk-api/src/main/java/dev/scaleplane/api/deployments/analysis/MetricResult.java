package dev.scaleplane.api.deployments.analysis;

import java.util.Objects;

/**
 * The outcome of one metric of a run, with its tallies over every measurement (prior ones included).
 *
 * @param metric the metric's name
 * @param phase its outcome; {@link AnalysisPhase#INCONCLUSIVE} when the run ended (cancelled, or another metric failed)
 *     before the metric finished
 * @param successful successful measurements
 * @param failed failed measurements
 * @param inconclusive inconclusive measurements
 * @param errors measurements in error
 * @param consecutiveErrors errors since the last measurement without error
 * @param message why the metric has its phase, naming the limit exceeded, e.g. "2 failed measurements exceed
 *     failureLimit 1"
 */
public record MetricResult(
        String metric,
        AnalysisPhase phase,
        int successful,
        int failed,
        int inconclusive,
        int errors,
        int consecutiveErrors,
        String message) {

    /** Checks nulls. */
    public MetricResult {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(message, "message");
    }

    /** Measurements without error: what counts toward {@link MetricCheck#count()}. */
    public int measured() {
        return successful + failed + inconclusive;
    }
}
