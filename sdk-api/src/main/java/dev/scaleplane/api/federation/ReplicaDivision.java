package dev.scaleplane.api.federation;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How a workload's replicas are divided among the chosen clusters, in the manner of Karmada's replica scheduling.
 *
 * <ul>
 *   <li>{@link #duplicated()}: every chosen cluster runs all the replicas.
 *   <li>{@link #staticWeights(Map)}: replicas are divided in proportion to a weight per cluster name (clusters
 *       without a weight get weight 0 and only their {@code min}).
 *   <li>{@link #dynamicByCapacity()}: in proportion to how many replicas each cluster's available capacity fits.
 * </ul>
 *
 * Remainders are given one by one to the clusters with the largest fractional share, ties by name, so the division is
 * deterministic. Per-cluster bounds of the policy are applied before division.
 */
public final class ReplicaDivision {

    /** The kind of division. */
    public enum Kind {
        /** Each chosen cluster runs all replicas. */
        DUPLICATED,
        /** By fixed weights per cluster. */
        STATIC_WEIGHTS,
        /** By the replicas each cluster's available capacity fits. */
        DYNAMIC_CAPACITY
    }

    private static final ReplicaDivision DUPLICATED = new ReplicaDivision(Kind.DUPLICATED, Map.of());
    private static final ReplicaDivision DYNAMIC = new ReplicaDivision(Kind.DYNAMIC_CAPACITY, Map.of());

    private final Kind kind;
    private final Map<String, Integer> weights;

    private ReplicaDivision(Kind kind, Map<String, Integer> weights) {
        this.kind = kind;
        this.weights = weights;
    }

    /** Every chosen cluster runs all replicas. */
    public static ReplicaDivision duplicated() {
        return DUPLICATED;
    }

    /**
     * Divided by weight per cluster name.
     *
     * @throws IllegalArgumentException if a weight is negative or all are zero
     */
    public static ReplicaDivision staticWeights(Map<String, Integer> weights) {
        Objects.requireNonNull(weights, "weights");
        weights.forEach((k, v) -> {
            Names.dnsLabel(k, "weight cluster name");
            if (v < 0) {
                throw new IllegalArgumentException("weight of " + k + " must be >= 0, but was " + v);
            }
        });
        if (weights.values().stream().mapToInt(Integer::intValue).sum() == 0) {
            throw new IllegalArgumentException("static weights need at least one weight above 0, but were " + weights);
        }
        return new ReplicaDivision(Kind.STATIC_WEIGHTS, Map.copyOf(new TreeMap<>(weights)));
    }

    /** Divided by the replicas each cluster's available capacity fits (needs the policy's per-replica resources). */
    public static ReplicaDivision dynamicByCapacity() {
        return DYNAMIC;
    }

    /** The kind. */
    public Kind kind() {
        return kind;
    }

    /** The weights of {@link Kind#STATIC_WEIGHTS}; empty otherwise. */
    public Map<String, Integer> weights() {
        return weights;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplicaDivision d && kind == d.kind && weights.equals(d.weights);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, weights);
    }

    @Override
    public String toString() {
        return kind == Kind.STATIC_WEIGHTS
                ? "staticWeights" + new TreeMap<>(weights)
                : kind.name().toLowerCase(Locale.ROOT);
    }
}
