package dev.scaleplane.core.federation;

import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.SpreadConstraint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Chooses among the feasible clusters, already ranked: spread minimums first, then by rank up to {@code pick} without
 * exceeding any spread maximum. The rules are documented on {@link PlacementEngine}. Confined to one {@code decide}.
 */
final class ClusterChooser {

    private final PlacementPolicy policy;
    private final List<SpreadConstraint> constraints;
    /** Per constraint, the distinct values the chosen clusters cover so far. */
    private final List<Set<String>> covered;

    private final int limit;
    private final List<Candidate> chosen;

    private ClusterChooser(PlacementPolicy policy, int feasible) {
        this.policy = policy;
        this.constraints = policy.spread();
        this.covered = new ArrayList<>(constraints.size());
        for (int k = 0; k < constraints.size(); k++) {
            covered.add(new HashSet<>());
        }
        this.limit = policy.pick() == 0 ? feasible : Math.min(policy.pick(), feasible);
        this.chosen = new ArrayList<>(limit);
    }

    /**
     * Marks the chosen candidates and gives every feasible one that is not chosen its reason.
     *
     * @param ranked the feasible candidates, best first
     * @return why the spread minimums cannot be met, or null
     */
    static @Nullable String choose(PlacementPolicy policy, List<Candidate> ranked) {
        return new ClusterChooser(policy, ranked.size()).run(ranked);
    }

    private @Nullable String run(List<Candidate> ranked) {
        // Minimums first: the best cluster of each value not yet covered, values in the order of their best
        // cluster's rank, which is the order a walk down the ranking meets them.
        for (int k = 0; k < constraints.size(); k++) {
            SpreadConstraint sc = constraints.get(k);
            Set<String> cov = covered.get(k);
            boolean pickReached = false;
            for (int i = 0; i < ranked.size() && cov.size() < sc.min(); i++) {
                Candidate c = ranked.get(i);
                String v = c.value(sc.topology());
                if (c.chosen || v.isEmpty() || cov.contains(v) || blockingMax(c) >= 0) {
                    continue;
                }
                if (chosen.size() == limit) {
                    pickReached = true;
                    break;
                }
                take(c);
            }
            if (cov.size() < sc.min()) {
                return minNotMet(sc, ranked, cov.size(), pickReached);
            }
        }
        // Then by rank.
        for (int i = 0; i < ranked.size(); i++) {
            Candidate c = ranked.get(i);
            if (c.chosen) {
                continue;
            }
            if (chosen.size() == limit) {
                c.explained = true;
                c.reasons.add(
                        "not chosen: rank " + (i + 1) + " of " + ranked.size() + " feasible, pick " + policy.pick());
                continue;
            }
            int blocking = blockingMax(c);
            if (blocking >= 0) {
                SpreadConstraint sc = constraints.get(blocking);
                c.explained = true;
                c.reasons.add("not chosen: spread " + sc.topology() + " max " + sc.max() + " reached");
                continue;
            }
            take(c);
        }
        return null;
    }

    private void take(Candidate c) {
        c.chosen = true;
        chosen.add(c);
        for (int k = 0; k < constraints.size(); k++) {
            String v = c.value(constraints.get(k).topology());
            if (!v.isEmpty()) {
                covered.get(k).add(v);
            }
        }
    }

    /** The index of the first constraint whose max choosing {@code c} would exceed, or -1. */
    private int blockingMax(Candidate c) {
        for (int k = 0; k < constraints.size(); k++) {
            SpreadConstraint sc = constraints.get(k);
            String v = c.value(sc.topology());
            Set<String> cov = covered.get(k);
            if (!v.isEmpty() && !cov.contains(v) && cov.size() >= sc.max()) {
                return k;
            }
        }
        return -1;
    }

    private String minNotMet(SpreadConstraint sc, List<Candidate> ranked, int reached, boolean pickReached) {
        Set<String> available = distinct(sc.topology(), ranked);
        String head = describe(sc) + " not met: ";
        if (available.size() < sc.min()) {
            return head + "the feasible clusters span " + available.size() + " distinct " + noun(sc, available.size())
                    + " " + available;
        }
        if (pickReached) {
            return head + "pick " + policy.pick() + " allows " + reached + " of the " + sc.min() + " distinct "
                    + noun(sc, sc.min()) + " needed, among " + available.size() + " available " + available;
        }
        return head + "only " + reached + " of the " + available.size() + " distinct " + noun(sc, available.size())
                + " available " + available + " can be reached within the other spread constraints' max";
    }

    /**
     * Checks the minimums again after clusters that got no replica were dropped.
     *
     * @return why a minimum is no longer met, or null
     */
    static @Nullable String minimumsAfterDivision(
            PlacementPolicy policy, List<Candidate> remaining, List<String> dropped) {
        for (SpreadConstraint sc : policy.spread()) {
            Set<String> left = distinct(sc.topology(), remaining);
            if (left.size() < sc.min()) {
                return describe(sc) + " not met after division: " + dropped + " got 0 replicas, leaving " + left.size()
                        + " distinct " + noun(sc, left.size()) + " " + left;
            }
        }
        return null;
    }

    private static Set<String> distinct(SpreadConstraint.Topology topology, List<Candidate> candidates) {
        Set<String> values = new TreeSet<>();
        for (Candidate c : candidates) {
            String v = c.value(topology);
            if (!v.isEmpty()) {
                values.add(v);
            }
        }
        return values;
    }

    static String describe(SpreadConstraint sc) {
        return "spread " + sc.topology() + " min " + sc.min() + " max " + sc.max();
    }

    private static String noun(SpreadConstraint sc, int n) {
        String word = sc.topology().name().toLowerCase(Locale.ROOT);
        return n == 1 ? word : word + "s";
    }
}
