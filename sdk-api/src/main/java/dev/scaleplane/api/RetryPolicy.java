package dev.scaleplane.api;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How a failed handler or task is retried: how many attempts, how long to wait between them, and which failures are
 * not worth retrying.
 *
 * <p>Immutable and thread-safe. The default is {@value #DEFAULT_MAX_ATTEMPTS} attempts with exponential backoff
 * starting at 100 ms, doubling, capped at 30 s, with full jitter (each delay is drawn uniformly from zero to the
 * computed backoff), which spreads retries of many consumers that failed together.
 */
public final class RetryPolicy {

    /** Default number of attempts, the first one included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;

    private static final RetryPolicy DEFAULTS = builder().build();

    /** How the delay grows from one attempt to the next. */
    public enum Backoff {
        /** {@code initialDelay * multiplier^(retry - 1)}. */
        EXPONENTIAL,
        /** {@code initialDelay} every time. */
        FIXED,
        /** {@code initialDelay * retry}. */
        LINEAR
    }

    private final int maxAttempts;
    private final Backoff backoff;
    private final Duration initialDelay;
    private final double multiplier;
    private final Duration maxDelay;
    private final double jitter;
    private final Set<Class<? extends Throwable>> nonRetryable;

    private RetryPolicy(Builder b) {
        maxAttempts = b.maxAttempts;
        backoff = b.backoff;
        initialDelay = b.initialDelay;
        multiplier = b.multiplier;
        maxDelay = b.maxDelay;
        jitter = b.jitter;
        nonRetryable = Set.copyOf(b.nonRetryable);
    }

    /** The default policy (see the class description). */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /** No retries: the first failure is final. */
    public static RetryPolicy none() {
        return builder().maxAttempts(1).build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this policy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Attempts in total, the first one included; at least 1. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The backoff shape. */
    public Backoff backoff() {
        return backoff;
    }

    /** Delay before the first retry, before jitter. */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** Growth factor of {@link Backoff#EXPONENTIAL}. */
    public double multiplier() {
        return multiplier;
    }

    /** Upper bound of every delay. */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** Jitter in [0, 1]: 0 waits exactly the backoff, 1 is full jitter (uniform in [0, backoff]). */
    public double jitter() {
        return jitter;
    }

    /** Exception types (and their subtypes) that are final on the first occurrence. */
    public Set<Class<? extends Throwable>> nonRetryable() {
        return nonRetryable;
    }

    /**
     * Whether a failure after {@code attemptsSoFar} attempts should be retried.
     *
     * @param failure what the last attempt threw
     * @param attemptsSoFar attempts made, the failed one included (1 after the first failure)
     */
    public boolean shouldRetry(Throwable failure, int attemptsSoFar) {
        return attemptsSoFar < maxAttempts && !isNonRetryable(failure);
    }

    /** Whether {@code failure} is of a type this policy never retries. */
    public boolean isNonRetryable(Throwable failure) {
        for (Class<? extends Throwable> type : nonRetryable) {
            if (type.isInstance(failure)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The delay before retry number {@code retry} (1 for the first retry).
     *
     * @param retry 1-based retry number
     * @param random a uniformly distributed value in [0, 1) used for jitter; passing it in keeps this a pure
     *     function, so schedules can be tested exactly
     * @return the delay, never negative and never above {@link #maxDelay()}
     */
    public Duration delayBefore(int retry, double random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be >= 1, but was " + retry);
        }
        double base = initialDelay.toNanos();
        double nanos =
                switch (backoff) {
                    case FIXED -> base;
                    case LINEAR -> base * retry;
                    case EXPONENTIAL -> base * Math.pow(multiplier, retry - 1);
                };
        nanos = Math.min(nanos, maxDelay.toNanos());
        nanos = nanos * (1 - jitter * random);
        return Duration.ofNanos((long) nanos);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetryPolicy p
                && maxAttempts == p.maxAttempts
                && backoff == p.backoff
                && initialDelay.equals(p.initialDelay)
                && multiplier == p.multiplier
                && maxDelay.equals(p.maxDelay)
                && jitter == p.jitter
                && nonRetryable.equals(p.nonRetryable);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxAttempts, backoff, initialDelay, multiplier, maxDelay, jitter, nonRetryable);
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxAttempts=" + maxAttempts + ", backoff=" + backoff + ", initialDelay=" + initialDelay
                + ", multiplier=" + multiplier + ", maxDelay=" + maxDelay + ", jitter=" + jitter
                + ", nonRetryable=" + nonRetryable + '}';
    }

    /** Builds a {@link RetryPolicy}; setters validate their argument. Not thread-safe. */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Backoff backoff = Backoff.EXPONENTIAL;
        private Duration initialDelay = Duration.ofMillis(100);
        private double multiplier = 2.0;
        private Duration maxDelay = Duration.ofSeconds(30);
        private double jitter = 1.0;
        private final Set<Class<? extends Throwable>> nonRetryable = new LinkedHashSet<>();

        private Builder() {}

        private Builder(RetryPolicy p) {
            maxAttempts = p.maxAttempts;
            backoff = p.backoff;
            initialDelay = p.initialDelay;
            multiplier = p.multiplier;
            maxDelay = p.maxDelay;
            jitter = p.jitter;
            nonRetryable.addAll(p.nonRetryable);
        }

        /** Attempts in total, the first included. Default {@value RetryPolicy#DEFAULT_MAX_ATTEMPTS}. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, but was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Backoff shape. Default {@link Backoff#EXPONENTIAL}. */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** Exponential backoff from {@code initialDelay}, multiplied by {@code multiplier} each retry. */
        public Builder exponential(Duration initialDelay, double multiplier) {
            if (!(multiplier >= 1.0)) {
                throw new IllegalArgumentException("multiplier must be >= 1, but was " + multiplier);
            }
            this.multiplier = multiplier;
            return backoff(Backoff.EXPONENTIAL).initialDelay(initialDelay);
        }

        /** The same delay before every retry. */
        public Builder fixed(Duration delay) {
            return backoff(Backoff.FIXED).initialDelay(delay);
        }

        /** A delay growing by {@code step} each retry. */
        public Builder linear(Duration step) {
            return backoff(Backoff.LINEAR).initialDelay(step);
        }

        /** Delay before the first retry. Default 100 ms. */
        public Builder initialDelay(Duration initialDelay) {
            Objects.requireNonNull(initialDelay, "initialDelay");
            if (initialDelay.isNegative()) {
                throw new IllegalArgumentException("initialDelay must be >= 0, but was " + initialDelay);
            }
            this.initialDelay = initialDelay;
            return this;
        }

        /** Upper bound of any delay. Default 30 s. */
        public Builder maxDelay(Duration maxDelay) {
            Objects.requireNonNull(maxDelay, "maxDelay");
            if (maxDelay.isNegative()) {
                throw new IllegalArgumentException("maxDelay must be >= 0, but was " + maxDelay);
            }
            this.maxDelay = maxDelay;
            return this;
        }

        /** Jitter in [0, 1]; default 1 (full jitter). */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0 && jitter <= 1)) {
                throw new IllegalArgumentException("jitter must be in [0, 1], but was " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /** Failures of these types (and subtypes) are not retried. */
        @SafeVarargs
        public final Builder nonRetryable(Class<? extends Throwable>... types) {
            for (Class<? extends Throwable> t : types) {
                nonRetryable.add(Objects.requireNonNull(t, "type"));
            }
            return this;
        }

        /**
         * Builds the policy.
         *
         * @throws IllegalStateException if {@code maxDelay} is below {@code initialDelay}
         */
        public RetryPolicy build() {
            if (maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalStateException(
                        "maxDelay (" + maxDelay + ") must be >= initialDelay (" + initialDelay + ")");
            }
            return new RetryPolicy(this);
        }
    }
}
