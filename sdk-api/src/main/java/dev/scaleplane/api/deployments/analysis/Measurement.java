package dev.scaleplane.api.deployments.analysis;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One measurement of one metric: the value read and its phase. The deployment controller records each one, so that a
 * restarted process resumes the run from them ({@code prior} measurements).
 *
 * @param metric the metric's name
 * @param at when the value was read (the query's evaluation time, or the end of the event window)
 * @param value the value, or null exactly when the phase is {@link MeasurementPhase#ERROR}
 * @param phase the outcome
 * @param message what was measured and why it has its phase, e.g. "0.97 meets successCondition result >= 0.95"
 */
public record Measurement(String metric, Instant at, @Nullable Double value, MeasurementPhase phase, String message) {

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if the value is missing without an error, present with one, or not finite
     */
    public Measurement {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(message, "message");
        if ((value == null) != (phase == MeasurementPhase.ERROR)) {
            throw new IllegalArgumentException("a measurement has a value exactly when its phase is not ERROR, but "
                    + metric + " at " + at + " has value " + value + " and phase " + phase);
        }
        if (value != null && Double.isNaN(value)) {
            throw new IllegalArgumentException(
                    "a measured value must be a number, but " + metric + " at " + at + " has NaN");
        }
    }
}
