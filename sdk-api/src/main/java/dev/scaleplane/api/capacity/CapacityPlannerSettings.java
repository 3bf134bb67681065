package dev.scaleplane.api.capacity;

import dev.scaleplane.api.federation.Capacity;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How the capacity planner projects and recommends: headroom, history window and step, seasonality, horizon, holdout
 * for the error estimate, the node shape recommendations add, the thresholds of the cluster recommendations and
 * optional unit prices.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()} or take {@link #defaults()}; setters validate their
 * argument and {@link Builder#build()} rejects combinations that conflict, each with an {@link
 * InvalidCapacityInputException} naming the field, the value and the fix.
 */
public final class CapacityPlannerSettings {
    /** Default headroom over the projected peak: {@value}. */
    public static final double DEFAULT_HEADROOM = 0.30;
    /** Default history window, ending at the plan's time: 28 days. */
    public static final Duration DEFAULT_WINDOW = Duration.ofDays(28);
    /** Default step (bucket) of the series: one hour. */
    public static final Duration DEFAULT_STEP = Duration.ofHours(1);
    /** Default seasonal period: one day. */
    public static final Duration DEFAULT_SEASONALITY = Duration.ofDays(1);
    /** Default projection horizon: 30 days. */
    public static final Duration DEFAULT_HORIZON = Duration.ofDays(30);
    /** Default holdout, the end of the window the error is measured on: 7 days. */
    public static final Duration DEFAULT_HOLDOUT = Duration.ofDays(7);
    /** Default node shape recommendations add: 4 cores, 16Gi, 110 pods. */
    public static final Capacity DEFAULT_NODE_SHAPE = Capacity.of("4", "16Gi", 110);
    /** Default requested share of allocatable at which a cluster is reported as nearing its quota: {@value}. */
    public static final double DEFAULT_NEAR_FULL_SHARE = 0.85;
    /** Default requested share at or above which a cluster is hot, for rebalancing: {@value}. */
    public static final double DEFAULT_HOT_SHARE = 0.80;
    /** Default requested share at or below which a cluster is cold, for rebalancing: {@value}. */
    public static final double DEFAULT_COLD_SHARE = 0.50;

    private static final CapacityPlannerSettings DEFAULTS = builder().build();

    private final double headroom;
    private final Duration window;
    private final Duration step;
    private final Duration seasonality;
    private final Duration horizon;
    private final Duration holdout;
    private final Capacity nodeShape;
    private final double nearFullShare;
    private final double hotShare;
    private final double coldShare;
    private final @Nullable UnitPrices prices;

    private CapacityPlannerSettings(Builder b) {
        headroom = b.headroom;
        window = b.window;
        step = b.step;
        seasonality = b.seasonality;
        horizon = b.horizon;
        holdout = b.holdout;
        nodeShape = b.nodeShape;
        nearFullShare = b.nearFullShare;
        hotShare = b.hotShare;
        coldShare = b.coldShare;
        prices = b.prices;
    }

    /** Every default. */
    public static CapacityPlannerSettings defaults() {
        return DEFAULTS;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.headroom = headroom;
        b.window = window;
        b.step = step;
        b.seasonality = seasonality;
        b.horizon = horizon;
        b.holdout = holdout;
        b.nodeShape = nodeShape;
        b.nearFullShare = nearFullShare;
        b.hotShare = hotShare;
        b.coldShare = coldShare;
        b.prices = prices;
        return b;
    }

    /** Headroom over the projected peak: required = peak x (1 + headroom). */
    public double headroom() {
        return headroom;
    }

    /** How much history, ending at the plan's time, the projection fits. */
    public Duration window() {
        return window;
    }

    /** The step of the series: history is bucketed and projected per step. */
    public Duration step() {
        return step;
    }

    /** The seasonal period (a multiple of the step); zero for a trend without seasonality. */
    public Duration seasonality() {
        return seasonality;
    }

    /** How far ahead demand is projected. */
    public Duration horizon() {
        return horizon;
    }

    /** The end of the window held out to measure the projection's error; zero to skip the measurement. */
    public Duration holdout() {
        return holdout;
    }

    /** The node shape a recommendation to add nodes counts in. */
    public Capacity nodeShape() {
        return nodeShape;
    }

    /** The requested share of allocatable at which a cluster is reported as nearing its quota. */
    public double nearFullShare() {
        return nearFullShare;
    }

    /** The requested share at or above which a cluster is hot. */
    public double hotShare() {
        return hotShare;
    }

    /** The requested share at or below which a cluster is cold. */
    public double coldShare() {
        return coldShare;
    }

    /** Unit prices for cost projections; empty for no cost projection. */
    public Optional<UnitPrices> prices() {
        return Optional.ofNullable(prices);
    }

    @Override
    public String toString() {
        return "CapacityPlannerSettings{headroom=" + headroom + ", window=" + window + ", step=" + step
                + ", seasonality=" + seasonality + ", horizon=" + horizon + ", holdout=" + holdout + ", nodeShape="
                + nodeShape + ", nearFullShare=" + nearFullShare + ", hotShare=" + hotShare + ", coldShare="
                + coldShare + ", prices=" + prices + '}';
    }

    /** Builds {@link CapacityPlannerSettings}. Not thread-safe. */
    public static final class Builder {
        private double headroom = DEFAULT_HEADROOM;
        private Duration window = DEFAULT_WINDOW;
        private Duration step = DEFAULT_STEP;
        private Duration seasonality = DEFAULT_SEASONALITY;
        private Duration horizon = DEFAULT_HORIZON;
        private Duration holdout = DEFAULT_HOLDOUT;
        private Capacity nodeShape = DEFAULT_NODE_SHAPE;
        private double nearFullShare = DEFAULT_NEAR_FULL_SHARE;
        private double hotShare = DEFAULT_HOT_SHARE;
        private double coldShare = DEFAULT_COLD_SHARE;
        private @Nullable UnitPrices prices;

        private Builder() {}

        /**
         * Headroom over the projected peak, default {@value #DEFAULT_HEADROOM}.
         *
         * @throws InvalidCapacityInputException unless {@code 0 <= headroom <= 10}
         */
        public Builder headroom(double headroom) {
            if (!(headroom >= 0 && headroom <= 10)) {
                throw new InvalidCapacityInputException(
                        "headroom", headroom, "a share between 0 and 10, such as 0.30 for 30%");
            }
            this.headroom = headroom;
            return this;
        }

        /**
         * History window, default 28 days.
         *
         * @throws InvalidCapacityInputException unless positive
         */
        public Builder window(Duration window) {
            this.window = positive("window", window);
            return this;
        }

        /**
         * Step of the series, default one hour.
         *
         * @throws InvalidCapacityInputException unless a positive whole number of seconds
         */
        public Builder step(Duration step) {
            positive("step", step);
            if (step.getNano() != 0) {
                throw new InvalidCapacityInputException("step", step, "a whole number of seconds, such as PT1H");
            }
            this.step = step;
            return this;
        }

        /**
         * Seasonal period, default one day; {@link Duration#ZERO} for none. {@link #build()} checks that it is a
         * multiple of the step.
         *
         * @throws InvalidCapacityInputException if negative
         */
        public Builder seasonality(Duration period) {
            Objects.requireNonNull(period, "seasonality");
            if (period.isNegative()) {
                throw new InvalidCapacityInputException(
                        "seasonality", period, "a period such as P1D or P7D, or PT0S for none");
            }
            this.seasonality = period;
            return this;
        }

        /**
         * Projection horizon, default 30 days.
         *
         * @throws InvalidCapacityInputException unless positive
         */
        public Builder horizon(Duration horizon) {
            this.horizon = positive("horizon", horizon);
            return this;
        }

        /**
         * Holdout for the error estimate, default 7 days; {@link Duration#ZERO} to skip it. {@link #build()} checks it
         * is shorter than the window.
         *
         * @throws InvalidCapacityInputException if negative
         */
        public Builder holdout(Duration holdout) {
            Objects.requireNonNull(holdout, "holdout");
            if (holdout.isNegative()) {
                throw new InvalidCapacityInputException("holdout", holdout, "a duration >= 0, such as P7D");
            }
            this.holdout = holdout;
            return this;
        }

        /**
         * Node shape, default 4 cores, 16Gi, 110 pods.
         *
         * @throws InvalidCapacityInputException if any amount is zero
         */
        public Builder nodeShape(Capacity shape) {
            Objects.requireNonNull(shape, "nodeShape");
            if (shape.cpuMillis() == 0 || shape.memoryBytes() == 0 || shape.pods() == 0) {
                throw new InvalidCapacityInputException(
                        "nodeShape", shape, "every amount > 0, such as Capacity.of(\"4\", \"16Gi\", 110)");
            }
            this.nodeShape = shape;
            return this;
        }

        /**
         * Near-quota share, default {@value #DEFAULT_NEAR_FULL_SHARE}.
         *
         * @throws InvalidCapacityInputException unless {@code 0 < share <= 1}
         */
        public Builder nearFullShare(double share) {
            this.nearFullShare = share("nearFullShare", share);
            return this;
        }

        /**
         * Hot share, default {@value #DEFAULT_HOT_SHARE}; {@link #build()} checks it is above the cold share.
         *
         * @throws InvalidCapacityInputException unless {@code 0 < share <= 1}
         */
        public Builder hotShare(double share) {
            this.hotShare = share("hotShare", share);
            return this;
        }

        /**
         * Cold share, default {@value #DEFAULT_COLD_SHARE}.
         *
         * @throws InvalidCapacityInputException unless {@code 0 < share <= 1}
         */
        public Builder coldShare(double share) {
            this.coldShare = share("coldShare", share);
            return this;
        }

        /** Unit prices for cost projections; null (the default) for none. */
        public Builder prices(@Nullable UnitPrices prices) {
            this.prices = prices;
            return this;
        }

        /**
         * Builds the settings.
         *
         * @throws InvalidCapacityInputException if the seasonality is not a multiple of the step, the holdout is not
         *     shorter than the window, or the cold share is not below the hot share
         */
        public CapacityPlannerSettings build() {
            if (!seasonality.isZero() && seasonality.toSeconds() % step.toSeconds() != 0) {
                throw new InvalidCapacityInputException(
                        "seasonality", seasonality, "a multiple of the step " + step + ", or PT0S for none");
            }
            if (holdout.compareTo(window) >= 0) {
                throw new InvalidCapacityInputException(
                        "holdout", holdout, "a duration shorter than the window " + window + ", or PT0S");
            }
            if (coldShare >= hotShare) {
                throw new InvalidCapacityInputException("coldShare", coldShare, "a share below hotShare " + hotShare);
            }
            return new CapacityPlannerSettings(this);
        }

        private static Duration positive(String field, Duration d) {
            Objects.requireNonNull(d, field);
            if (d.isZero() || d.isNegative()) {
                throw new InvalidCapacityInputException(field, d, "a positive duration");
            }
            return d;
        }

        private static double share(String field, double share) {
            if (!(share > 0 && share <= 1)) {
                throw new InvalidCapacityInputException(field, share, "a share in (0, 1], such as 0.8");
            }
            return share;
        }
    }
}
