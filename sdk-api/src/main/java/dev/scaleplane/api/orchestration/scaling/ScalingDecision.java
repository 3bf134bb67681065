package dev.scaleplane.api.orchestration.scaling;

import dev.scaleplane.api.events.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One decision of an autoscaler about a worker pool, with the inputs it read and the reason for the outcome. It is also
 * the payload of the event the autoscaler records (type {@value #TYPE_NAME}; see {@link ScalingEvents}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param pool the pool's name
 * @param at when the decision was made
 * @param currentWorkers the pool's workers before the decision
 * @param recommendedWorkers the largest metric recommendation bounded by the policy's min and max, before
 *     stabilization and limits; the current count when no metric had input
 * @param desiredWorkers the count decided; the actuator is asked for it when it differs from {@code currentWorkers}
 * @param reason why {@code desiredWorkers} is what it is
 * @param depth the backlog's depth read
 * @param oldestReadyAge the backlog's oldest-ready age read, or {@code null} if the backend does not observe it
 * @param readings what each metric read and recommended
 * @param message the reason in words, with the numbers that decided it
 */
public record ScalingDecision(
        String pool,
        Instant at,
        int currentWorkers,
        int recommendedWorkers,
        int desiredWorkers,
        Reason reason,
        int depth,
        @Nullable Duration oldestReadyAge,
        List<MetricReading> readings,
        String message) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.orchestration.scaling.decided.v1";

    /** The registered type. */
    public static final EventType<ScalingDecision> TYPE = EventType.of(TYPE_NAME, ScalingDecision.class);

    /** Validates required fields and copies the readings. */
    public ScalingDecision {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
        readings = List.copyOf(Objects.requireNonNull(readings, "readings"));
        Objects.requireNonNull(message, "message");
    }

    /** Whether the decision changes the pool's count. */
    public boolean changes() {
        return desiredWorkers != currentWorkers;
    }

    /** Why a decision came out as it did. */
    public enum Reason {
        /** The recommendation equals the current count. */
        WITHIN_TARGET,
        /** The metrics ask for fewer workers than the minimum, which the pool has. */
        AT_MIN,
        /** The metrics ask for more workers than the maximum, which the pool has. */
        AT_MAX,
        /** The pool had fewer workers than the minimum and is brought up to it at once. */
        BELOW_MIN,
        /** The pool had more workers than the maximum and is brought down to it at once. */
        ABOVE_MAX,
        /** The recommendation differs, but the stabilization window holds the count where it is. */
        STABILIZING,
        /** The window allows a change, but the limits allow none within their periods now. */
        RATE_LIMITED,
        /** Scaling up to the stabilized recommendation. */
        SCALE_UP,
        /** Scaling up, by less than recommended: a limit allows no more within its period. */
        SCALE_UP_LIMITED,
        /** Scaling down to the stabilized recommendation. */
        SCALE_DOWN,
        /** Scaling down, by less than recommended: a limit allows no more within its period. */
        SCALE_DOWN_LIMITED,
        /** No metric had its input (the backend observes none of them); the count stays. */
        METRICS_UNAVAILABLE,
        /** The actuator refused or failed the change; the count stays and the next evaluation tries again. */
        ACTUATOR_FAILED
    }

    /**
     * What one metric read and recommended.
     *
     * @param metric the metric's {@linkplain ScalingMetric#name() name}
     * @param value the value read, or {@code null} if the backend does not observe it
     * @param target the metric's target
     * @param workers the unbounded recommendation, or {@code null} without a value
     */
    public record MetricReading(String metric, @Nullable Double value, double target, @Nullable Integer workers) {
        /** Validates required fields. */
        public MetricReading {
            Objects.requireNonNull(metric, "metric");
        }
    }
}
