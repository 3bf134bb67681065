package dev.scaleplane.api.federation;

/**
 * Fewest and most replicas one chosen cluster may get.
 *
 * @param min fewest, {@code >= 0}
 * @param max most, {@code >= min}
 */
public record ReplicaBounds(int min, int max) {

    /** No bounds: 0 to {@link Integer#MAX_VALUE}. */
    public static final ReplicaBounds NONE = new ReplicaBounds(0, Integer.MAX_VALUE);

    /** Validates the bounds. */
    public ReplicaBounds {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException(
                    "replica bounds need 0 <= min <= max, but were min=" + min + ", max=" + max);
        }
    }
}
