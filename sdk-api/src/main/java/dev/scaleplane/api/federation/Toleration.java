package dev.scaleplane.api.federation;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Lets a placement use a cluster despite a matching {@link Taint}, as Kubernetes tolerations do for nodes.
 *
 * <p>A toleration matches a taint when the keys are equal (or the toleration's key is empty with
 * {@link Operator#EXISTS}, which matches every key), the values are equal under {@link Operator#EQUAL}, and the
 * effects are equal or the toleration's effect is null (every effect). For {@link Taint.Effect#NO_EXECUTE},
 * {@code tolerationSeconds} bounds how long the placement stays after the taint appears; null means forever.
 *
 * @param key the taint key to match; empty only with {@link Operator#EXISTS}
 * @param operator how the value is compared
 * @param value the value to match under {@link Operator#EQUAL}; empty under {@link Operator#EXISTS}
 * @param effect the effect to match, or null for every effect
 * @param tolerationSeconds for {@code NO_EXECUTE}: how long the taint is tolerated, or null for ever
 */
public record Toleration(
        String key,
        Operator operator,
        String value,
        Taint.@Nullable Effect effect,
        @Nullable Duration tolerationSeconds) {

    /** How a toleration compares a taint's value. */
    public enum Operator {
        /** Key and value must be equal. */
        EQUAL,
        /** The key must be present (any value); an empty key matches every taint. */
        EXISTS
    }

    /** Validates the fields. */
    public Toleration {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(value, "value");
        if (!key.isEmpty()) {
            Names.labelKey(key, "toleration key");
        } else if (operator != Operator.EXISTS) {
            throw new IllegalArgumentException("an empty toleration key needs operator EXISTS, but was " + operator);
        }
        if (operator == Operator.EXISTS && !value.isEmpty()) {
            throw new IllegalArgumentException(
                    "a toleration with operator EXISTS takes no value, but was '" + value + "'");
        }
        if (tolerationSeconds != null && tolerationSeconds.isNegative()) {
            throw new IllegalArgumentException("tolerationSeconds must be >= 0, but was " + tolerationSeconds);
        }
    }

    /** Tolerates the taint {@code key} with any value and effect, for ever. */
    public static Toleration exists(String key) {
        return new Toleration(key, Operator.EXISTS, "", null, null);
    }

    /** Tolerates the taint {@code key=value} with {@code effect}, for ever. */
    public static Toleration equal(String key, String value, Taint.Effect effect) {
        return new Toleration(key, Operator.EQUAL, value, effect, null);
    }

    /** Tolerates the {@code NO_EXECUTE} taint {@code key} (any value) for {@code duration}. */
    public static Toleration noExecuteFor(String key, Duration duration) {
        return new Toleration(key, Operator.EXISTS, "", Taint.Effect.NO_EXECUTE, Objects.requireNonNull(duration));
    }

    /** Whether this toleration matches {@code taint} (ignoring {@link #tolerationSeconds()}). */
    public boolean matches(Taint taint) {
        if (effect != null && effect != taint.effect()) {
            return false;
        }
        if (key.isEmpty()) {
            return true;
        }
        return key.equals(taint.key()) && (operator == Operator.EXISTS || value.equals(taint.value()));
    }
}
