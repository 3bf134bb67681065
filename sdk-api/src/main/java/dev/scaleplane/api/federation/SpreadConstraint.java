package dev.scaleplane.api.federation;

import java.util.Objects;

/**
 * How many distinct regions (or zones) the chosen clusters must span: at least {@code min}, at most {@code max}.
 * A decision that cannot reach {@code min} fails with the constraint in its explanation; {@code max} caps the
 * clusters taken from new regions once reached (the rest must come from regions already chosen).
 *
 * @param topology what is counted
 * @param min fewest distinct values, {@code >= 1}
 * @param max most distinct values, {@code >= min}
 */
public record SpreadConstraint(Topology topology, int min, int max) {

    /** What a spread constraint counts. */
    public enum Topology {
        /** Distinct {@link ClusterSpec#region()}s. */
        REGION,
        /** Distinct {@link ClusterSpec#zone()}s. */
        ZONE
    }

    /** Validates the bounds. */
    public SpreadConstraint {
        Objects.requireNonNull(topology, "topology");
        if (min < 1 || max < min) {
            throw new IllegalArgumentException(
                    "spread constraint needs 1 <= min <= max, but was min=" + min + ", max=" + max);
        }
    }

    /** At least {@code min} and at most {@code max} regions. */
    public static SpreadConstraint regions(int min, int max) {
        return new SpreadConstraint(Topology.REGION, min, max);
    }

    /** At least {@code min} and at most {@code max} zones. */
    public static SpreadConstraint zones(int min, int max) {
        return new SpreadConstraint(Topology.ZONE, min, max);
    }
}
