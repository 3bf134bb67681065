package dev.scaleplane.api.deployments;

import dev.scaleplane.api.deployments.analysis.AnalysisSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a deployment rolls out over the clusters placement chose: a canary wave first, then the rest in waves, each
 * applied at most {@link #maxUnavailable()} clusters at a time, soaked for {@link #minSuccessTime()} once ready, and
 * checked by the {@link #analysis()} before the next wave starts.
 *
 * <p>Defaults (those of a careful first rollout): one canary cluster, the other clusters in one wave per region,
 * one cluster at a time, no soak, a progress deadline of 10 minutes (Kubernetes' own
 * {@code progressDeadlineSeconds} default), no analysis.
 *
 * <p>Immutable and thread-safe.
 */
public final class RolloutStrategy {
    /** Default number of canary clusters: {@value}. */
    public static final int DEFAULT_CANARY = 1;
    /** Default clusters applied at once within a wave: {@value}. */
    public static final int DEFAULT_MAX_UNAVAILABLE = 1;
    /** Default time a cluster has to become ready after its apply: 10 minutes. */
    public static final Duration DEFAULT_PROGRESS_DEADLINE = Duration.ofMinutes(10);

    /** How the clusters after the canary are grouped into waves. */
    public enum Waves {
        /** One wave per region, regions in the order placement ranked their first cluster. */
        BY_REGION,
        /** {@link #partitions()} waves of nearly equal size, in placement order. */
        PARTITIONS
    }

    private final int canary;
    private final List<String> canaryClusters;
    private final Waves waves;
    private final int partitions;
    private final int maxUnavailable;
    private final Duration minSuccessTime;
    private final Duration progressDeadline;
    private final AnalysisSpec analysis;

    private RolloutStrategy(Builder b) {
        canary = b.canary;
        canaryClusters = List.copyOf(b.canaryClusters);
        waves = b.waves;
        partitions = b.partitions;
        maxUnavailable = b.maxUnavailable;
        minSuccessTime = b.minSuccessTime;
        progressDeadline = b.progressDeadline;
        analysis = b.analysis;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The strategy with every default. */
    public static RolloutStrategy defaults() {
        return builder().build();
    }

    /** How many of the placed clusters form the canary wave (when {@link #canaryClusters()} is empty). */
    public int canary() {
        return canary;
    }

    /** Clusters named as the canary; when they are placed they form wave 0 instead of the first {@link #canary()}. */
    public List<String> canaryClusters() {
        return canaryClusters;
    }

    /** How the clusters after the canary are grouped. */
    public Waves waves() {
        return waves;
    }

    /** The number of waves after the canary with {@link Waves#PARTITIONS}. */
    public int partitions() {
        return partitions;
    }

    /** How many clusters of a wave are applied (and so possibly unavailable) at the same time. */
    public int maxUnavailable() {
        return maxUnavailable;
    }

    /** How long a wave must stay ready before the analysis runs and the next wave starts. */
    public Duration minSuccessTime() {
        return minSuccessTime;
    }

    /** How long a cluster has, after its apply, to report its workloads ready; past it the cluster has failed. */
    public Duration progressDeadline() {
        return progressDeadline;
    }

    /** The analysis run after each wave but the last; {@link AnalysisSpec#none()} for none. */
    public AnalysisSpec analysis() {
        return analysis;
    }

    @Override
    public String toString() {
        return "RolloutStrategy{canary=" + (canaryClusters.isEmpty() ? canary : canaryClusters) + ", waves=" + waves
                + (waves == Waves.PARTITIONS ? "(" + partitions + ")" : "") + ", maxUnavailable=" + maxUnavailable
                + ", minSuccessTime=" + minSuccessTime + ", progressDeadline=" + progressDeadline + '}';
    }

    /** Builds a {@link RolloutStrategy}; not thread-safe. */
    public static final class Builder {
        private int canary = DEFAULT_CANARY;
        private final List<String> canaryClusters = new ArrayList<>();
        private Waves waves = Waves.BY_REGION;
        private int partitions = 1;
        private int maxUnavailable = DEFAULT_MAX_UNAVAILABLE;
        private Duration minSuccessTime = Duration.ZERO;
        private Duration progressDeadline = DEFAULT_PROGRESS_DEADLINE;
        private AnalysisSpec analysis = AnalysisSpec.none();

        private Builder() {}

        /**
         * How many placed clusters form the canary wave; 0 for no canary.
         *
         * @throws InvalidDeploymentException if negative
         */
        public Builder canary(int clusters) {
            if (clusters < 0) {
                throw new InvalidDeploymentException("rollout.canary", clusters, "a number of clusters >= 0");
            }
            this.canary = clusters;
            return this;
        }

        /** Names the canary clusters (those of them that placement chose form wave 0). */
        public Builder canaryClusters(String... clusters) {
            canaryClusters.clear();
            for (String c : clusters) {
                canaryClusters.add(Objects.requireNonNull(c, "canary cluster"));
            }
            return this;
        }

        /** One wave per region after the canary (the default). */
        public Builder byRegion() {
            this.waves = Waves.BY_REGION;
            return this;
        }

        /**
         * {@code count} waves of nearly equal size after the canary.
         *
         * @throws InvalidDeploymentException if {@code count < 1}
         */
        public Builder partitions(int count) {
            if (count < 1) {
                throw new InvalidDeploymentException("rollout.partitions", count, "a number of waves >= 1");
            }
            this.waves = Waves.PARTITIONS;
            this.partitions = count;
            return this;
        }

        /**
         * How many clusters of a wave are applied at the same time.
         *
         * @throws InvalidDeploymentException if {@code < 1}
         */
        public Builder maxUnavailable(int clusters) {
            if (clusters < 1) {
                throw new InvalidDeploymentException("rollout.maxUnavailable", clusters, "a number of clusters >= 1");
            }
            this.maxUnavailable = clusters;
            return this;
        }

        /**
         * The soak time of each wave once ready.
         *
         * @throws InvalidDeploymentException if negative
         */
        public Builder minSuccessTime(Duration soak) {
            if (soak == null || soak.isNegative()) {
                throw new InvalidDeploymentException("rollout.minSuccessTime", soak, "a duration >= 0, e.g. PT30S");
            }
            this.minSuccessTime = soak;
            return this;
        }

        /**
         * The time a cluster has to become ready after its apply.
         *
         * @throws InvalidDeploymentException if not positive
         */
        public Builder progressDeadline(Duration deadline) {
            if (deadline == null || deadline.isNegative() || deadline.isZero()) {
                throw new InvalidDeploymentException(
                        "rollout.progressDeadline", deadline, "a positive duration, e.g. PT10M");
            }
            this.progressDeadline = deadline;
            return this;
        }

        /** The analysis run after each wave but the last. */
        public Builder analysis(AnalysisSpec analysis) {
            this.analysis = Objects.requireNonNull(analysis, "analysis");
            return this;
        }

        /** Builds the strategy. */
        public RolloutStrategy build() {
            return new RolloutStrategy(this);
        }
    }
}
