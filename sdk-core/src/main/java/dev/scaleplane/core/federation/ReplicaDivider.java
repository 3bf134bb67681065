package dev.scaleplane.core.federation;

import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.ReplicaBounds;
import dev.scaleplane.api.federation.ReplicaDivision;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Divides a policy's replicas among the chosen clusters (rules on {@link PlacementEngine}). Integer arithmetic only,
 * so the division is exact and the same on every JVM; weights are at most {@link Integer#MAX_VALUE} and replicas an
 * {@code int}, so a share's numerator fits a {@code long}, and the one product that may not is compared in 128 bits.
 */
final class ReplicaDivider {

    /** Smallest room per unit of weight first (they saturate first), ties by name. */
    private static final Comparator<Candidate> SATURATES_FIRST = (a, b) -> {
        // a.room / a.weight against b.room / b.weight, cross-multiplied: each product is below 2^62.
        int c = Long.compare(a.room * b.weight, b.room * a.weight);
        return c != 0 ? c : a.name.compareTo(b.name);
    };

    /** Largest remainder first, ties by name. */
    private static final Comparator<Candidate> LARGEST_REMAINDER = (a, b) -> {
        int c = Long.compare(b.remainder, a.remainder);
        return c != 0 ? c : a.name.compareTo(b.name);
    };

    private ReplicaDivider() {}

    /**
     * Sets {@link Candidate#replicas} of every chosen candidate.
     *
     * @param chosen the chosen candidates, by name
     * @return why the replicas cannot be placed, or null
     */
    static @Nullable String divide(PlacementPolicy policy, List<Candidate> chosen) {
        int requested = policy.replicas();
        if (policy.division().kind() == ReplicaDivision.Kind.DUPLICATED) {
            for (Candidate c : chosen) {
                c.replicas = clamp(requested, c.bounds);
            }
            return null;
        }
        long minimums = 0;
        long placeable = 0;
        List<Candidate> weighted = new ArrayList<>(chosen.size());
        for (Candidate c : chosen) {
            c.replicas = c.bounds.min();
            minimums += c.bounds.min();
            long most = c.bounds.max();
            if (c.fits != Candidate.FITS_UNKNOWN) {
                most = Math.min(most, c.fits);
            }
            // The capacity filter kept only clusters that fit their minimum, so room is never negative.
            c.room = Math.max(0, most - c.bounds.min());
            if (c.weight > 0 && c.room > 0) {
                weighted.add(c);
                placeable += c.room;
            }
        }
        if (minimums > requested) {
            return "replicas do not fit: the minimums of the chosen clusters sum to " + minimums + ", more than the "
                    + requested + " requested";
        }
        if (minimums + placeable < requested) {
            return "replicas do not fit: " + (minimums + placeable) + " of " + requested
                    + " requested fit the chosen clusters' " + limits(policy);
        }
        long rest = requested - minimums;
        if (rest == 0) {
            return null;
        }
        // Water-filling: a cluster whose proportional share exceeds its room gets its room, and what it cannot take
        // is shared among the others in proportion to their weights. Clusters saturate in the order of room per
        // weight, so one pass over that order finds them all (O(k log k), not a round per capped cluster).
        weighted.sort(SATURATES_FIRST);
        long totalWeight = 0;
        for (Candidate c : weighted) {
            totalWeight += c.weight;
        }
        int j = 0;
        while (j < weighted.size()) {
            Candidate c = weighted.get(j);
            // room / weight < rest / totalWeight: its share rest * weight / totalWeight does not fit.
            if (compareProducts(c.room, totalWeight, rest, c.weight) >= 0) {
                break;
            }
            c.replicas += (int) c.room;
            rest -= c.room;
            totalWeight -= c.weight;
            j++;
        }
        // rest > 0 here, and j < size: saturating everyone would need fewer than rest, which the check above excludes.
        List<Candidate> open = weighted.subList(j, weighted.size());
        long given = 0;
        for (Candidate c : open) {
            long numerator = rest * c.weight;
            long share = numerator / totalWeight;
            c.replicas += (int) share;
            c.remainder = numerator % totalWeight;
            given += share;
        }
        // Largest remainder. Fewer replicas are left than clusters with a positive remainder, and for those the
        // floor is strictly below a share that fits their room, so one more never exceeds it.
        long left = rest - given;
        if (left > 0) {
            List<Candidate> byRemainder = new ArrayList<>(open);
            byRemainder.sort(LARGEST_REMAINDER);
            for (int i = 0; i < left; i++) {
                byRemainder.get(i).replicas++;
            }
        }
        return null;
    }

    /** What limits the replicas a cluster takes, for the failure message. */
    private static String limits(PlacementPolicy policy) {
        boolean capacity = policy.resourcesPerReplica().isPresent();
        if (policy.division().kind() == ReplicaDivision.Kind.STATIC_WEIGHTS) {
            return capacity ? "bounds, capacity and weights" : "bounds and weights";
        }
        return capacity ? "bounds and capacity" : "bounds";
    }

    /** {@code requested} within {@code bounds}. */
    static int clamp(int requested, ReplicaBounds bounds) {
        return Math.min(Math.max(requested, bounds.min()), bounds.max());
    }

    /** Compares {@code a * b} with {@code c * d} for non-negative longs, exactly (128-bit products). */
    static int compareProducts(long a, long b, long c, long d) {
        long highAb = Math.multiplyHigh(a, b);
        long highCd = Math.multiplyHigh(c, d);
        if (highAb != highCd) {
            return Long.compare(highAb, highCd);
        }
        return Long.compareUnsigned(a * b, c * d);
    }
}
