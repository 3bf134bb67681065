package dev.scaleplane.api.deployments.analysis;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.ConfigurationException.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One metric of an analysis, on the model of an Argo Rollouts {@code AnalysisTemplate} metric: a {@link MetricSource}
 * measured {@link #count()} times, every {@link #interval()} after an {@link #initialDelay()}, each value judged by a
 * success and/or failure {@link Condition}.
 *
 * <p>A measurement is {@link MeasurementPhase#FAILED} when the failure condition holds; otherwise {@link
 * MeasurementPhase#SUCCESSFUL} when the success condition holds (or there is none); otherwise, with both conditions
 * given, {@link MeasurementPhase#INCONCLUSIVE}, and with only a success condition, failed. A value that cannot be read
 * is an {@link MeasurementPhase#ERROR}. After each measurement the metric is, in this order:
 *
 * <ol>
 *   <li>failed when more measurements failed than {@link #failureLimit()};
 *   <li>inconclusive when more were inconclusive than {@link #inconclusiveLimit()};
 *   <li>in error when more errors came in a row than {@link #consecutiveErrorLimit()} (with the default 4, on the
 *       5th consecutive error);
 *   <li>successful when {@link #count()} measurements without error were taken;
 *   <li>else measured again {@link #interval()} after the last measurement.
 * </ol>
 *
 * <p>Errors do not count toward {@link #count()} (Argo's rule), so a metric that errors now and then takes more
 * measurements. Immutable and thread-safe; {@link Builder#build()} checks every field and lists each problem under
 * the key {@code analysis.metrics.<name>.<field>}.
 */
public final class MetricCheck {

    /** The default {@link #interval()}: 1 minute. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

    /** The default {@link #count()}: {@value}. */
    public static final int DEFAULT_COUNT = 1;

    /** The default {@link #failureLimit()}, as in Argo Rollouts: {@value}. */
    public static final int DEFAULT_FAILURE_LIMIT = 0;

    /** The default {@link #consecutiveErrorLimit()}, as in Argo Rollouts: {@value}. */
    public static final int DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

    /** The default {@link #inconclusiveLimit()}, as in Argo Rollouts: {@value}. */
    public static final int DEFAULT_INCONCLUSIVE_LIMIT = 0;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?");

    private final String name;
    private final MetricSource source;
    private final @Nullable Condition successCondition;
    private final @Nullable Condition failureCondition;
    private final Duration interval;
    private final int count;
    private final Duration initialDelay;
    private final int failureLimit;
    private final int consecutiveErrorLimit;
    private final int inconclusiveLimit;

    private MetricCheck(Builder b, MetricSource source) {
        this.name = b.name;
        this.source = source;
        this.successCondition = b.successCondition;
        this.failureCondition = b.failureCondition;
        this.interval = b.interval;
        this.count = b.count;
        this.initialDelay = b.initialDelay;
        this.failureLimit = b.failureLimit;
        this.consecutiveErrorLimit = b.consecutiveErrorLimit;
        this.inconclusiveLimit = b.inconclusiveLimit;
    }

    /** A builder for the metric {@code name} (1-63 letters, digits, '_', '-', '.'; checked in build()). */
    public static Builder builder(String name) {
        return new Builder(Objects.requireNonNull(name, "name"));
    }

    /** A builder holding this metric's settings. */
    public Builder toBuilder() {
        Builder b = new Builder(name).source(source);
        b.successCondition = successCondition;
        b.failureCondition = failureCondition;
        return b.interval(interval)
                .count(count)
                .initialDelay(initialDelay)
                .failureLimit(failureLimit)
                .consecutiveErrorLimit(consecutiveErrorLimit)
                .inconclusiveLimit(inconclusiveLimit);
    }

    /** The metric's name, unique within its {@link AnalysisSpec}. */
    public String name() {
        return name;
    }

    /** Where the value is read. */
    public MetricSource source() {
        return source;
    }

    /** The condition a successful value meets, if any. */
    public Optional<Condition> successCondition() {
        return Optional.ofNullable(successCondition);
    }

    /** The condition a failed value meets, if any. */
    public Optional<Condition> failureCondition() {
        return Optional.ofNullable(failureCondition);
    }

    /** The time between measurements. Default {@link #DEFAULT_INTERVAL}. */
    public Duration interval() {
        return interval;
    }

    /** How many measurements without error make the metric successful. Default {@value #DEFAULT_COUNT}. */
    public int count() {
        return count;
    }

    /** The wait before the first measurement. Default zero. */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** How many failed measurements are tolerated. Default {@value #DEFAULT_FAILURE_LIMIT}. */
    public int failureLimit() {
        return failureLimit;
    }

    /** How many errors in a row are tolerated. Default {@value #DEFAULT_CONSECUTIVE_ERROR_LIMIT}. */
    public int consecutiveErrorLimit() {
        return consecutiveErrorLimit;
    }

    /** How many inconclusive measurements are tolerated. Default {@value #DEFAULT_INCONCLUSIVE_LIMIT}. */
    public int inconclusiveLimit() {
        return inconclusiveLimit;
    }

    /**
     * The phase of one value: failed when the failure condition holds; else successful when the success condition
     * holds or there is none; else inconclusive when there is a failure condition, failed when there is not.
     */
    public MeasurementPhase judge(double value) {
        if (failureCondition != null && failureCondition.test(value)) {
            return MeasurementPhase.FAILED;
        }
        if (successCondition == null || successCondition.test(value)) {
            return MeasurementPhase.SUCCESSFUL;
        }
        return failureCondition != null ? MeasurementPhase.INCONCLUSIVE : MeasurementPhase.FAILED;
    }

    /** This metric with its source's placeholders replaced; see {@link MetricSource#resolve}. */
    public MetricCheck resolve(java.util.Map<String, String> args) {
        return new MetricCheck(toBuilder(), source.resolve(args));
    }

    /** The key of one of a metric's fields in problems: {@code analysis.metrics.<name>.<field>}. */
    public static String key(String name, String field) {
        return "analysis.metrics." + name + "." + field;
    }

    @Override
    public String toString() {
        return "MetricCheck{" + name + ", source=" + source
                + (successCondition != null ? ", success=" + successCondition : "")
                + (failureCondition != null ? ", failure=" + failureCondition : "") + ", interval=" + interval
                + ", count=" + count + ", initialDelay=" + initialDelay + ", failureLimit=" + failureLimit
                + ", consecutiveErrorLimit=" + consecutiveErrorLimit + ", inconclusiveLimit=" + inconclusiveLimit
                + '}';
    }

    /** Builds a {@link MetricCheck}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private @Nullable MetricSource source;
        private @Nullable Condition successCondition;
        private @Nullable Condition failureCondition;
        private Duration interval = DEFAULT_INTERVAL;
        private int count = DEFAULT_COUNT;
        private Duration initialDelay = Duration.ZERO;
        private int failureLimit = DEFAULT_FAILURE_LIMIT;
        private int consecutiveErrorLimit = DEFAULT_CONSECUTIVE_ERROR_LIMIT;
        private int inconclusiveLimit = DEFAULT_INCONCLUSIVE_LIMIT;

        private Builder(String name) {
            this.name = name;
        }

        /** Where the value is read (required). */
        public Builder source(MetricSource source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** The condition a successful value meets; at least one of success and failure condition is required. */
        public Builder successCondition(Condition condition) {
            this.successCondition = Objects.requireNonNull(condition, "condition");
            return this;
        }

        /**
         * The condition a successful value meets, parsed from {@code expression}, e.g. {@code result >= 0.95}.
         *
         * @throws InvalidConditionException naming the expression, position and fix
         */
        public Builder successCondition(String expression) {
            return successCondition(Condition.parse(expression));
        }

        /** The condition a failed value meets; at least one of success and failure condition is required. */
        public Builder failureCondition(Condition condition) {
            this.failureCondition = Objects.requireNonNull(condition, "condition");
            return this;
        }

        /**
         * The condition a failed value meets, parsed from {@code expression}, e.g. {@code result > 0.05}.
         *
         * @throws InvalidConditionException naming the expression, position and fix
         */
        public Builder failureCondition(String expression) {
            return failureCondition(Condition.parse(expression));
        }

        /** The time between measurements, positive. Default 1 minute. */
        public Builder interval(Duration interval) {
            this.interval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** Measurements without error that make the metric successful, {@code >= 1}. Default 1. */
        public Builder count(int count) {
            this.count = count;
            return this;
        }

        /** The wait before the first measurement, {@code >= 0}. Default zero. */
        public Builder initialDelay(Duration initialDelay) {
            this.initialDelay = Objects.requireNonNull(initialDelay, "initialDelay");
            return this;
        }

        /** Failed measurements tolerated, {@code >= 0}. Default 0: the first failure fails the metric. */
        public Builder failureLimit(int failureLimit) {
            this.failureLimit = failureLimit;
            return this;
        }

        /** Errors in a row tolerated, {@code >= 0}. Default 4: the 5th consecutive error puts the metric in error. */
        public Builder consecutiveErrorLimit(int consecutiveErrorLimit) {
            this.consecutiveErrorLimit = consecutiveErrorLimit;
            return this;
        }

        /** Inconclusive measurements tolerated, {@code >= 0}. Default 0. */
        public Builder inconclusiveLimit(int inconclusiveLimit) {
            this.inconclusiveLimit = inconclusiveLimit;
            return this;
        }

        /**
         * Checks every field and builds the metric.
         *
         * @throws ConfigurationException listing every problem, each with its key, value and what is expected
         */
        public MetricCheck build() {
            List<Problem> problems = new ArrayList<>();
            boolean validName = NAME.matcher(name).matches();
            String n = validName ? name : "<invalid>";
            if (!validName) {
                problems.add(new Problem(
                        "analysis.metrics.<name>",
                        name,
                        "a metric name of 1-63 letters, digits, '_', '-' or '.', e.g. error-rate"));
            }
            if (source == null) {
                problems.add(new Problem(
                        key(n, "source"),
                        null,
                        "a query through an observability adapter or a count of platform events, e.g."
                                + " MetricSource.query(\"prometheus\", \"...\")"));
            }
            if (successCondition == null && failureCondition == null) {
                problems.add(new Problem(
                        key(n, "success-condition"),
                        null,
                        "a success condition, a failure condition or both, e.g. result >= 0.95"));
            }
            if (interval.isNegative() || interval.isZero()) {
                problems.add(new Problem(key(n, "interval"), interval.toString(), "a positive duration, e.g. PT1M"));
            }
            if (count < 1) {
                problems.add(new Problem(key(n, "count"), Integer.toString(count), "an integer >= 1"));
            }
            if (initialDelay.isNegative()) {
                problems.add(new Problem(
                        key(n, "initial-delay"), initialDelay.toString(), "zero or a positive duration, e.g. PT30S"));
            }
            checkLimit(problems, n, "failure-limit", failureLimit);
            checkLimit(problems, n, "consecutive-error-limit", consecutiveErrorLimit);
            checkLimit(problems, n, "inconclusive-limit", inconclusiveLimit);
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new MetricCheck(this, Objects.requireNonNull(source));
        }

        private static void checkLimit(List<Problem> problems, String n, String field, int value) {
            if (value < 0) {
                problems.add(new Problem(key(n, field), Integer.toString(value), "an integer >= 0"));
            }
        }
    }
}
