package dev.scaleplane.api.orchestration.scaling;

import dev.scaleplane.api.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How fast a worker count may follow its recommendation in one direction, as the {@code scaleUp} or {@code scaleDown}
 * block of the Kubernetes HPA's {@code behavior} (autoscaling/v2 {@code HPAScalingRules}).
 *
 * <ul>
 *   <li><b>Stabilization window</b>: the recommendations of this long ago count too. Scaling up goes no higher than
 *       the <em>lowest</em> recommendation within the up window, scaling down no lower than the <em>highest</em>
 *       within the down window, so a short burst or dip does not move the count and the count does not flap.
 *   <li><b>Limits</b>: each {@link Limit} allows at most {@code value} workers (or {@code value} percent of the count
 *       at the start of the period) to be added (or removed) within any {@code period}. Scaling up by percent rounds
 *       up, scaling down by percent rounds down, as the HPA does.
 *   <li><b>Select</b>: with several limits, {@link Select#MAX} (the default) follows the one that allows the largest
 *       change, {@link Select#MIN} the smallest; {@link Select#DISABLED} forbids changes in this direction.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 *
 * @param stabilizationWindow how far back recommendations count, {@code >= 0}
 * @param select which limit applies when there are several
 * @param limits at least one unless {@code select} is {@link Select#DISABLED}
 */
public record ScalingRules(Duration stabilizationWindow, Select select, List<Limit> limits) {

    /** Default scale-up stabilization window: 60 s. */
    public static final Duration DEFAULT_UP_WINDOW = Duration.ofSeconds(60);

    /** Default scale-down stabilization window: 300 s. */
    public static final Duration DEFAULT_DOWN_WINDOW = Duration.ofSeconds(300);

    /**
     * Validates and copies the components.
     *
     * @throws ConfigurationException naming {@code stabilizationWindow} or {@code limits} if the window is negative
     *     or no limit is given while scaling is not disabled
     * @throws NullPointerException if a component or a limit is {@code null}
     */
    public ScalingRules {
        Objects.requireNonNull(stabilizationWindow, "stabilizationWindow");
        Objects.requireNonNull(select, "select");
        limits = List.copyOf(Objects.requireNonNull(limits, "limits"));
        List<ConfigurationException.Problem> problems = new ArrayList<>();
        if (stabilizationWindow.isNegative()) {
            problems.add(new ConfigurationException.Problem(
                    "stabilizationWindow", stabilizationWindow.toString(), "a duration >= 0, such as PT60S"));
        }
        if (limits.isEmpty() && select != Select.DISABLED) {
            problems.add(new ConfigurationException.Problem(
                    "limits", "[]", "at least one limit, or select DISABLED to forbid scaling in this direction"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /** The HPA-style default for scaling up: a 60 s window, then at most +100% per 15 s. */
    public static ScalingRules scaleUpDefaults() {
        return new ScalingRules(DEFAULT_UP_WINDOW, Select.MAX, List.of(Limit.percent(100, Duration.ofSeconds(15))));
    }

    /** The HPA-style default for scaling down: a 300 s window, then at most -10% per 60 s. */
    public static ScalingRules scaleDownDefaults() {
        return new ScalingRules(DEFAULT_DOWN_WINDOW, Select.MAX, List.of(Limit.percent(10, Duration.ofSeconds(60))));
    }

    /**
     * Rules with {@code window} and the limits given, the most permissive applying ({@link Select#MAX}).
     *
     * @throws ConfigurationException as the canonical constructor
     */
    public static ScalingRules of(Duration window, Limit... limits) {
        return new ScalingRules(window, Select.MAX, List.of(limits));
    }

    /** Rules that forbid changes in their direction. */
    public static ScalingRules disabled() {
        return new ScalingRules(Duration.ZERO, Select.DISABLED, List.of());
    }

    /** These rules with another stabilization window; validated as the canonical constructor. */
    public ScalingRules withStabilizationWindow(Duration window) {
        return new ScalingRules(window, select, limits);
    }

    /** These rules with another selection; validated as the canonical constructor. */
    public ScalingRules withSelect(Select select) {
        return new ScalingRules(stabilizationWindow, select, limits);
    }

    /** Which limit applies when there are several. */
    public enum Select {
        /** The limit that allows the largest change. */
        MAX,
        /** The limit that allows the smallest change. */
        MIN,
        /** No change in this direction at all. */
        DISABLED
    }

    /** What a limit's value counts. */
    public enum Unit {
        /** Workers added or removed. */
        WORKERS,
        /** Percent of the worker count at the start of the period. */
        PERCENT
    }

    /**
     * At most {@code value} workers, or percent, of change within any {@code period}: an HPA scaling policy.
     *
     * @param unit what {@code value} counts
     * @param value {@code >= 1}
     * @param period the sliding period, from 1 s to 30 min as the HPA allows
     */
    public record Limit(Unit unit, int value, Duration period) {
        /** The HPA's upper bound on a limit's period. */
        public static final Duration MAX_PERIOD = Duration.ofMinutes(30);

        /**
         * Validates the components.
         *
         * @throws ConfigurationException naming {@code value} or {@code period} when out of range
         */
        public Limit {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(period, "period");
            List<ConfigurationException.Problem> problems = new ArrayList<>();
            if (value < 1) {
                problems.add(new ConfigurationException.Problem(
                        "value",
                        Integer.toString(value),
                        "an integer >= 1 (" + unit.name().toLowerCase() + ")"));
            }
            if (period.compareTo(Duration.ofSeconds(1)) < 0 || period.compareTo(MAX_PERIOD) > 0) {
                problems.add(new ConfigurationException.Problem(
                        "period", period.toString(), "a duration from PT1S to PT30M"));
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
        }

        /** At most {@code percent}% change per {@code period}; validated as the canonical constructor. */
        public static Limit percent(int percent, Duration period) {
            return new Limit(Unit.PERCENT, percent, period);
        }

        /** At most {@code workers} workers of change per {@code period}; validated as the canonical constructor. */
        public static Limit workers(int workers, Duration period) {
            return new Limit(Unit.WORKERS, workers, period);
        }
    }
}
