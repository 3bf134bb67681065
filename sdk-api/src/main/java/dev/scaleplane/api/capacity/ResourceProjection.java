package dev.scaleplane.api.capacity;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The projected demand of one resource in one region, and the capacity it requires.
 *
 * <h2>Method</h2>
 *
 * The history of the window is bucketed by the {@linkplain CapacityPlannerSettings#step() step}; each step {@code k}
 * has a seasonal phase {@code p = k mod P}, {@code P} = seasonality ÷ step (one phase when there is no seasonality).
 * The model is a least-squares linear trend plus an additive offset per phase, {@code y(k) = c[p] + b k}, fitted
 * jointly: {@code b} is the within-phase least-squares slope (each phase's points centred on their own means), {@code
 * c[p]} is the phase's mean minus {@code b} times its mean step. The fit is exact for a series that is a line plus a
 * repeating pattern. The projection is {@code y(k)} for every step of the horizon after the plan's time; the peak is
 * its largest value rounded up, required = peak x (1 + headroom) rounded up, and the region runs out at the first
 * step whose projected demand exceeds what it has allocatable now.
 *
 * <h2>Assumptions and limits</h2>
 *
 * Growth is linear over the window and the horizon (no saturation, no exponential growth, no change points); the
 * season repeats with a fixed period and amplitude (additive, so it does not grow with the trend); each phase needs at
 * least two points in the window. Step changes such as a tenant onboarded last week bias the slope until the window
 * has moved past them. Demand is what was requested: work that could not be scheduled is not seen.
 *
 * @param region the region
 * @param resource the resource
 * @param points how many history points were fitted
 * @param trendPerDay the fitted slope per day, in the resource's unit
 * @param seasonalAmplitude the largest minus the smallest seasonal offset, in the resource's unit; 0 without
 *     seasonality
 * @param requested what the region has requested now, from the fleet snapshot
 * @param peak the projected peak over the horizon
 * @param peakAt the start of the step of the peak
 * @param required {@code peak} x (1 + headroom), rounded up
 * @param allocatable what the region has allocatable now
 * @param runsOutAt the first step at which projected demand exceeds {@code allocatable}; null if none in the horizon
 * @param error the error on the holdout; null when the holdout is zero or leaves too little history to fit
 */
public record ResourceProjection(
        String region,
        Resource resource,
        int points,
        double trendPerDay,
        double seasonalAmplitude,
        long requested,
        long peak,
        Instant peakAt,
        long required,
        long allocatable,
        @Nullable Instant runsOutAt,
        @Nullable ProjectionError error) {

    /** Validates. */
    public ResourceProjection {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(peakAt, "peakAt");
    }

    /** The first step at which projected demand exceeds what is allocatable, if within the horizon. */
    public Optional<Instant> runsOut() {
        return Optional.ofNullable(runsOutAt);
    }

    /** The error on the holdout, if measured. */
    public Optional<ProjectionError> holdoutError() {
        return Optional.ofNullable(error);
    }

    /** How much more is required than allocatable; 0 when enough is allocatable. */
    public long deficit() {
        return Math.max(0, required - allocatable);
    }
}
