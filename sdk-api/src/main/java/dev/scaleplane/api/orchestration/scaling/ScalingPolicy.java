package dev.scaleplane.api.orchestration.scaling;

import dev.scaleplane.api.ConfigurationException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How an autoscaler sizes one worker pool: bounds, the metrics that recommend a count, and how fast the count follows
 * them.
 *
 * <h2>The rule</h2>
 *
 * Every {@linkplain #evaluationInterval() evaluation interval} the autoscaler reads the backlog and:
 *
 * <ol>
 *   <li>asks each {@linkplain #metrics() metric} for a count, takes the largest, and bounds it by
 *       {@linkplain #minWorkers() min} and {@linkplain #maxWorkers() max}: the <em>recommendation</em> (for the
 *       default metric, {@code ceil(depth ÷ 10)});
 *   <li>stabilizes it: no higher than the lowest recommendation within the {@linkplain #scaleUp() scale-up} window,
 *       no lower than the highest within the {@linkplain #scaleDown() scale-down} window, and otherwise the current
 *       count;
 *   <li>limits the change by the direction's {@linkplain ScalingRules.Limit limits} over their sliding periods, counting
 *       the changes made within each period, exactly as the Kubernetes HPA's {@code behavior} does.
 * </ol>
 *
 * A count outside min..max (a pool started elsewhere) is brought inside at once. Defaults, from the Kubernetes HPA and
 * the platform's scaling seeds: 1 to 10 workers, 10 tasks of backlog per worker, scale up at most +100% per 15 s after
 * a 60 s window, scale down at most -10% per 60 s after a 300 s window and evaluation every 15 s. How long a removed worker may
 * drain is the actuator's setting (the in-process pool's default is 300 s).
 *
 * <p>Immutable and thread-safe.
 */
public final class ScalingPolicy {
    /** Default {@link #minWorkers()}. */
    public static final int DEFAULT_MIN_WORKERS = 1;

    /** Default {@link #maxWorkers()}. */
    public static final int DEFAULT_MAX_WORKERS = 10;

    /** Default target of the default {@linkplain ScalingMetric#depth(int) depth} metric: tasks per worker. */
    public static final int DEFAULT_TARGET_PER_WORKER = 10;

    /** Default {@link #evaluationInterval()}: the HPA's sync period, 15 s. */
    public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofSeconds(15);

    private final int minWorkers;
    private final int maxWorkers;
    private final List<ScalingMetric> metrics;
    private final ScalingRules scaleUp;
    private final ScalingRules scaleDown;
    private final Duration evaluationInterval;

    private ScalingPolicy(Builder b) {
        this.minWorkers = b.minWorkers;
        this.maxWorkers = b.maxWorkers;
        this.metrics = b.metrics;
        this.scaleUp = b.scaleUp;
        this.scaleDown = b.scaleDown;
        this.evaluationInterval = b.evaluationInterval;
    }

    /** A policy with every default. */
    public static ScalingPolicy ofDefaults() {
        return builder().build();
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this policy's settings. */
    public Builder toBuilder() {
        return new Builder()
                .workers(minWorkers, maxWorkers)
                .metrics(metrics)
                .scaleUp(scaleUp)
                .scaleDown(scaleDown)
                .evaluationInterval(evaluationInterval);
    }

    /** The fewest workers, {@code >= 1}. */
    public int minWorkers() {
        return minWorkers;
    }

    /** The most workers, {@code >= minWorkers()}. */
    public int maxWorkers() {
        return maxWorkers;
    }

    /** The metrics, at least one; the largest recommendation wins. */
    public List<ScalingMetric> metrics() {
        return metrics;
    }

    /** How fast the count may grow. */
    public ScalingRules scaleUp() {
        return scaleUp;
    }

    /** How fast the count may shrink. */
    public ScalingRules scaleDown() {
        return scaleDown;
    }

    /** Time between two decisions. */
    public Duration evaluationInterval() {
        return evaluationInterval;
    }

    @Override
    public String toString() {
        return "ScalingPolicy{workers=" + minWorkers + ".." + maxWorkers + ", metrics=" + metrics + ", scaleUp="
                + scaleUp + ", scaleDown=" + scaleDown + ", evaluationInterval=" + evaluationInterval + '}';
    }

    /** Builds a {@link ScalingPolicy}; setters validate their argument. Not thread-safe. */
    public static final class Builder {
        private int minWorkers = DEFAULT_MIN_WORKERS;
        private int maxWorkers = DEFAULT_MAX_WORKERS;
        private List<ScalingMetric> metrics = List.of(ScalingMetric.depth(DEFAULT_TARGET_PER_WORKER));
        private ScalingRules scaleUp = ScalingRules.scaleUpDefaults();
        private ScalingRules scaleDown = ScalingRules.scaleDownDefaults();
        private Duration evaluationInterval = DEFAULT_EVALUATION_INTERVAL;

        private Builder() {}

        /**
         * The bounds of the worker count. Defaults {@value ScalingPolicy#DEFAULT_MIN_WORKERS} and
         * {@value ScalingPolicy#DEFAULT_MAX_WORKERS}. Scaling to zero is not offered: a pool keeps one worker.
         *
         * @throws ConfigurationException naming {@code minWorkers} or {@code maxWorkers}: min below 1, or max below
         *     min
         */
        public Builder workers(int min, int max) {
            if (min < 1) {
                throw ConfigurationException.of("minWorkers", Integer.toString(min), "an integer >= 1");
            }
            if (max < min) {
                throw ConfigurationException.of(
                        "maxWorkers", Integer.toString(max), "an integer >= minWorkers (" + min + ")");
            }
            this.minWorkers = min;
            this.maxWorkers = max;
            return this;
        }

        /**
         * The metrics; the largest recommendation wins. Default: {@code depth(}{@value
         * ScalingPolicy#DEFAULT_TARGET_PER_WORKER}{@code )}.
         *
         * @throws ConfigurationException naming {@code metrics} if none is given or two have the same name
         */
        public Builder metrics(List<ScalingMetric> metrics) {
            List<ScalingMetric> copy = List.copyOf(Objects.requireNonNull(metrics, "metrics"));
            if (copy.isEmpty()) {
                throw ConfigurationException.of("metrics", "[]", "at least one metric, such as depth(10)");
            }
            if (copy.stream().map(ScalingMetric::name).distinct().count() != copy.size()) {
                throw ConfigurationException.of("metrics", copy.toString(), "at most one metric of each kind");
            }
            this.metrics = copy;
            return this;
        }

        /** Shorthand for {@link #metrics(List)}. */
        public Builder metrics(ScalingMetric... metrics) {
            return metrics(List.of(metrics));
        }

        /** How fast the count may grow. Default {@link ScalingRules#scaleUpDefaults()}. */
        public Builder scaleUp(ScalingRules rules) {
            this.scaleUp = Objects.requireNonNull(rules, "scaleUp");
            return this;
        }

        /** How fast the count may shrink. Default {@link ScalingRules#scaleDownDefaults()}. */
        public Builder scaleDown(ScalingRules rules) {
            this.scaleDown = Objects.requireNonNull(rules, "scaleDown");
            return this;
        }

        /**
         * Time between decisions. Default 15 s.
         *
         * @throws ConfigurationException naming {@code evaluationInterval} if it is below 1 s
         */
        public Builder evaluationInterval(Duration interval) {
            Objects.requireNonNull(interval, "evaluationInterval");
            if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw ConfigurationException.of(
                        "evaluationInterval", interval.toString(), "a duration of at least PT1S, such as PT15S");
            }
            this.evaluationInterval = interval;
            return this;
        }

        /** Builds the policy; every setting was validated when set. */
        public ScalingPolicy build() {
            return new ScalingPolicy(this);
        }
    }
}
