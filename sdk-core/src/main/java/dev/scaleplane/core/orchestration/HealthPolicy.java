package dev.scaleplane.core.orchestration;

import java.time.Duration;
import java.util.Objects;

/**
 * When {@link DispatchStrategies#healthBased(HealthPolicy, dev.scaleplane.api.orchestration.TaskClock) health-based
 * dispatch} ejects a worker and when it lets the worker back.
 *
 * <p>A worker is ejected (its circuit opens) when either rule trips:
 *
 * <ul>
 *   <li>{@link #consecutiveFailures()} failures in a row, or
 *   <li>over the last {@link #slidingWindowSize()} outcomes, once at least {@link #minimumCalls()} are recorded, the
 *       share of failures is strictly above {@link #failureRateThreshold()}.
 * </ul>
 *
 * <p>After {@link #coolDown()} the worker is admitted for one probe task at a time: success closes the circuit and
 * forgets the history, failure ejects it for another cool-down.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()}; {@link #defaults()} takes every default.
 */
public final class HealthPolicy {

    /** Default {@link #consecutiveFailures()}. */
    public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;

    /** Default {@link #failureRateThreshold()}. */
    public static final double DEFAULT_FAILURE_RATE_THRESHOLD = 0.5;

    /** Default {@link #slidingWindowSize()}. */
    public static final int DEFAULT_SLIDING_WINDOW_SIZE = 20;

    /** Default {@link #minimumCalls()}. */
    public static final int DEFAULT_MINIMUM_CALLS = 10;

    /** Default {@link #coolDown()}: 30 seconds. */
    public static final Duration DEFAULT_COOL_DOWN = Duration.ofSeconds(30);

    private static final HealthPolicy DEFAULTS = builder().build();

    private final int consecutiveFailures;
    private final double failureRateThreshold;
    private final int slidingWindowSize;
    private final int minimumCalls;
    private final Duration coolDown;

    private HealthPolicy(Builder b) {
        consecutiveFailures = b.consecutiveFailures;
        failureRateThreshold = b.failureRateThreshold;
        slidingWindowSize = b.slidingWindowSize;
        minimumCalls = b.minimumCalls;
        coolDown = b.coolDown;
    }

    /** Every default. */
    public static HealthPolicy defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this policy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Failures in a row that eject a worker. Default {@value #DEFAULT_CONSECUTIVE_FAILURES}. */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /**
     * The share of failures in the window, in {@code (0, 1]}, that a worker must exceed to be ejected; 1 turns the
     * rate rule off. Default {@value #DEFAULT_FAILURE_RATE_THRESHOLD}.
     */
    public double failureRateThreshold() {
        return failureRateThreshold;
    }

    /** How many of a worker's latest outcomes the failure rate is computed over. Default {@value #DEFAULT_SLIDING_WINDOW_SIZE}. */
    public int slidingWindowSize() {
        return slidingWindowSize;
    }

    /** Outcomes needed in the window before the rate rule applies. Default {@value #DEFAULT_MINIMUM_CALLS}. */
    public int minimumCalls() {
        return minimumCalls;
    }

    /** How long an ejected worker gets no tasks before a probe. Default 30 seconds. */
    public Duration coolDown() {
        return coolDown;
    }

    @Override
    public String toString() {
        return "HealthPolicy{consecutiveFailures=" + consecutiveFailures + ", failureRateThreshold="
                + failureRateThreshold + ", slidingWindowSize=" + slidingWindowSize + ", minimumCalls="
                + minimumCalls + ", coolDown=" + coolDown + '}';
    }

    /** Builds a {@link HealthPolicy}; setters validate their argument. Not thread-safe. */
    public static final class Builder {
        private int consecutiveFailures = DEFAULT_CONSECUTIVE_FAILURES;
        private double failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
        private int slidingWindowSize = DEFAULT_SLIDING_WINDOW_SIZE;
        private int minimumCalls = DEFAULT_MINIMUM_CALLS;
        private Duration coolDown = DEFAULT_COOL_DOWN;

        private Builder() {}

        private Builder(HealthPolicy p) {
            consecutiveFailures = p.consecutiveFailures;
            failureRateThreshold = p.failureRateThreshold;
            slidingWindowSize = p.slidingWindowSize;
            minimumCalls = p.minimumCalls;
            coolDown = p.coolDown;
        }

        /** Failures in a row that eject a worker; {@code >= 1}. */
        public Builder consecutiveFailures(int consecutiveFailures) {
            if (consecutiveFailures < 1) {
                throw new IllegalArgumentException("consecutiveFailures must be >= 1, but was " + consecutiveFailures);
            }
            this.consecutiveFailures = consecutiveFailures;
            return this;
        }

        /** Failure share to exceed, in {@code (0, 1]}. */
        public Builder failureRateThreshold(double failureRateThreshold) {
            if (!(failureRateThreshold > 0 && failureRateThreshold <= 1)) {
                throw new IllegalArgumentException(
                        "failureRateThreshold must be > 0 and <= 1, but was " + failureRateThreshold);
            }
            this.failureRateThreshold = failureRateThreshold;
            return this;
        }

        /** Outcomes the rate is computed over; {@code >= 1}. */
        public Builder slidingWindowSize(int slidingWindowSize) {
            if (slidingWindowSize < 1) {
                throw new IllegalArgumentException("slidingWindowSize must be >= 1, but was " + slidingWindowSize);
            }
            this.slidingWindowSize = slidingWindowSize;
            return this;
        }

        /** Outcomes needed before the rate rule applies; {@code >= 1} and at most the window size. */
        public Builder minimumCalls(int minimumCalls) {
            if (minimumCalls < 1) {
                throw new IllegalArgumentException("minimumCalls must be >= 1, but was " + minimumCalls);
            }
            this.minimumCalls = minimumCalls;
            return this;
        }

        /** Time an ejected worker waits before a probe; positive. */
        public Builder coolDown(Duration coolDown) {
            Objects.requireNonNull(coolDown, "coolDown");
            if (coolDown.isNegative() || coolDown.isZero()) {
                throw new IllegalArgumentException("coolDown must be > 0, but was " + coolDown);
            }
            this.coolDown = coolDown;
            return this;
        }

        /**
         * Builds the policy.
         *
         * @throws IllegalStateException if {@code minimumCalls} exceeds {@code slidingWindowSize}
         */
        public HealthPolicy build() {
            if (minimumCalls > slidingWindowSize) {
                throw new IllegalStateException(
                        "minimumCalls (" + minimumCalls + ") must be <= slidingWindowSize (" + slidingWindowSize + ")");
            }
            return new HealthPolicy(this);
        }
    }
}
