package dev.scaleplane.api.deployments.analysis;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.ConfigurationException.Problem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The analysis run between two waves of a deployment, on the model of an Argo Rollouts {@code AnalysisTemplate}: the
 * {@link MetricCheck}s to measure. They are measured concurrently, each on its own schedule; the run is as bad as its
 * worst metric (failed or in error ends it at once), see {@link AnalysisResult}. {@link #none()} has no metric: its run
 * is successful at once.
 *
 * <p>Immutable and thread-safe.
 */
public final class AnalysisSpec {
    private static final AnalysisSpec NONE = new AnalysisSpec(List.of());

    private final List<MetricCheck> metrics;

    private AnalysisSpec(List<MetricCheck> metrics) {
        this.metrics = List.copyOf(metrics);
    }

    /** No analysis: a run of it is successful at once, with no measurement. */
    public static AnalysisSpec none() {
        return NONE;
    }

    /**
     * A spec of {@code metrics}.
     *
     * @throws ConfigurationException if two metrics share a name
     */
    public static AnalysisSpec of(MetricCheck... metrics) {
        Builder b = builder();
        for (MetricCheck m : metrics) {
            b.metric(m);
        }
        return b.build();
    }

    /** An empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The metrics, in the order they were added. */
    public List<MetricCheck> metrics() {
        return metrics;
    }

    /** The metric named {@code name}, if any. */
    public Optional<MetricCheck> metric(String name) {
        return metrics.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** Whether this spec has no metric (as {@link #none()}). */
    public boolean isNone() {
        return metrics.isEmpty();
    }

    @Override
    public String toString() {
        return "AnalysisSpec" + metrics;
    }

    /** Builds an {@link AnalysisSpec}. Not thread-safe. */
    public static final class Builder {
        private final List<MetricCheck> metrics = new ArrayList<>();

        private Builder() {}

        /** Adds a metric; names must be unique. */
        public Builder metric(MetricCheck metric) {
            metrics.add(Objects.requireNonNull(metric, "metric"));
            return this;
        }

        /**
         * Builds the spec; with no metric it is {@link #none()}.
         *
         * @throws ConfigurationException listing every name used more than once
         */
        public AnalysisSpec build() {
            Set<String> seen = new HashSet<>();
            Set<String> reported = new HashSet<>();
            List<Problem> problems = new ArrayList<>();
            for (MetricCheck m : metrics) {
                if (!seen.add(m.name()) && reported.add(m.name())) {
                    problems.add(new Problem(
                            MetricCheck.key(m.name(), "name"),
                            m.name(),
                            "a name unique within the analysis, but "
                                    + metrics.stream()
                                            .filter(o -> o.name().equals(m.name()))
                                            .count()
                                    + " metrics have it"));
                }
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return metrics.isEmpty() ? NONE : new AnalysisSpec(metrics);
        }
    }
}
