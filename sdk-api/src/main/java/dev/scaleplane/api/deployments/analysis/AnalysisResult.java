package dev.scaleplane.api.deployments.analysis;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of an analysis run.
 *
 * @param phase the worst of the metrics' phases (FAILED, then ERROR, then INCONCLUSIVE, then SUCCESSFUL); a cancelled
 *     run is {@link AnalysisPhase#INCONCLUSIVE}
 * @param metrics one result per metric of the spec, in the spec's order
 * @param measurements every measurement of the run, prior ones first, then in the order they were taken
 * @param message a sentence for people naming the deciding metric and the limit it exceeded, e.g. "metric error-rate
 *     failed: 1 failed measurement exceeds failureLimit 0 (last: 0.12 meets failureCondition result > 0.05)"
 */
public record AnalysisResult(
        AnalysisPhase phase, List<MetricResult> metrics, List<Measurement> measurements, String message) {

    /** Copies the lists. */
    public AnalysisResult {
        Objects.requireNonNull(phase, "phase");
        metrics = List.copyOf(metrics);
        measurements = List.copyOf(measurements);
        Objects.requireNonNull(message, "message");
    }

    /** The result of the metric {@code name}, if the spec has it. */
    public Optional<MetricResult> metric(String name) {
        return metrics.stream().filter(m -> m.metric().equals(name)).findFirst();
    }
}
