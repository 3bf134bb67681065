package dev.scaleplane.core.internal.capacity;

import dev.scaleplane.api.capacity.DemandHistory;
import dev.scaleplane.api.capacity.InvalidCapacityInputException;
import dev.scaleplane.api.capacity.ProjectionError;
import java.time.Instant;
import java.util.List;

/**
 * A least-squares linear trend plus an additive offset per seasonal phase, {@code y(k) = c[k mod P] + b (k - origin)},
 * over steps {@code k} aligned to the epoch (so a daily season's phase 0 starts at midnight UTC).
 *
 * <p>{@code b} and {@code c} minimise the squared error jointly. With the offsets free, the best {@code c[p]} for a
 * given {@code b} is the phase's mean of {@code y - b t}, so {@code b} is the slope of the points centred on their own
 * phase's means (the "within" estimator of a regression with one dummy per phase): one pass for the means, one for the
 * sums, no matrix. The fit reproduces a line plus a repeating pattern exactly, which is what the planner's tests rely
 * on. Immutable.
 */
public final class TrendSeasonalModel {
    private final long stepSeconds;
    private final int phases;
    private final long origin;
    private final double slope;
    private final double[] offsets;
    private final int points;

    private TrendSeasonalModel(long stepSeconds, int phases, long origin, double slope, double[] offsets, int points) {
        this.stepSeconds = stepSeconds;
        this.phases = phases;
        this.origin = origin;
        this.slope = slope;
        this.offsets = offsets;
        this.points = points;
    }

    /**
     * Fits the model.
     *
     * @param points the series, in time order
     * @param stepSeconds the step
     * @param phases steps per seasonal period; 1 for a plain linear trend
     * @param field the series' name for the error, e.g. {@code history[eu-west/cpu]}
     * @throws InvalidCapacityInputException if a phase has fewer than two points, or every point of a phase is at one
     *     step (the slope is then not determined)
     */
    public static TrendSeasonalModel fit(List<DemandHistory.Point> points, long stepSeconds, int phases, String field) {
        String needed = "at least two points at different steps in each of the " + phases
                + " seasonal phase(s), i.e. two seasonal periods of history";
        if (points.isEmpty()) {
            throw new InvalidCapacityInputException(field, "0 points", needed);
        }
        long origin = step(points.get(0).at(), stepSeconds);
        int[] n = new int[phases];
        double[] sumT = new double[phases];
        double[] sumY = new double[phases];
        for (DemandHistory.Point p : points) {
            long k = step(p.at(), stepSeconds);
            int phase = (int) Math.floorMod(k, (long) phases);
            n[phase]++;
            sumT[phase] += k - origin;
            sumY[phase] += p.amount();
        }
        for (int p = 0; p < phases; p++) {
            if (n[p] < 2) {
                throw new InvalidCapacityInputException(
                        field, points.size() + " points (phase " + p + " has " + n[p] + ")", needed);
            }
        }
        double sxx = 0;
        double sxy = 0;
        for (DemandHistory.Point p : points) {
            long k = step(p.at(), stepSeconds);
            int phase = (int) Math.floorMod(k, (long) phases);
            double dt = (k - origin) - sumT[phase] / n[phase];
            sxx += dt * dt;
            sxy += dt * (p.amount() - sumY[phase] / n[phase]);
        }
        if (sxx == 0) {
            throw new InvalidCapacityInputException(field, points.size() + " points", needed);
        }
        double slope = sxy / sxx;
        double[] offsets = new double[phases];
        for (int p = 0; p < phases; p++) {
            offsets[p] = sumY[p] / n[p] - slope * sumT[p] / n[p];
        }
        return new TrendSeasonalModel(stepSeconds, phases, origin, slope, offsets, points.size());
    }

    /** The step index of an instant: whole steps since the epoch, rounded down. */
    public static long step(Instant at, long stepSeconds) {
        return Math.floorDiv(at.getEpochSecond(), stepSeconds);
    }

    /** The start of step {@code k}. */
    public Instant start(long k) {
        return Instant.ofEpochSecond(k * stepSeconds);
    }

    /** The model's value at step {@code k}. */
    public double at(long k) {
        return offsets[(int) Math.floorMod(k, (long) phases)] + slope * (k - origin);
    }

    /** The slope per step. */
    public double slope() {
        return slope;
    }

    /** How many points were fitted. */
    public int points() {
        return points;
    }

    /** The largest minus the smallest seasonal offset; 0 with one phase. */
    public double seasonalAmplitude() {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double o : offsets) {
            min = Math.min(min, o);
            max = Math.max(max, o);
        }
        return max - min;
    }

    /**
     * The error of this model on {@code actual}: MAPE in percent over the points whose amount is not zero, and RMSE.
     */
    public ProjectionError error(List<DemandHistory.Point> actual) {
        double squared = 0;
        double percent = 0;
        int nonZero = 0;
        for (DemandHistory.Point p : actual) {
            double e = p.amount() - at(step(p.at(), stepSeconds));
            squared += e * e;
            if (p.amount() != 0) {
                percent += Math.abs(e) / p.amount();
                nonZero++;
            }
        }
        return new ProjectionError(
                actual.size(),
                nonZero == 0 ? 0 : 100 * percent / nonZero,
                actual.isEmpty() ? 0 : Math.sqrt(squared / actual.size()));
    }
}
