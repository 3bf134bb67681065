package dev.scaleplane.adapters.kubernetes.internal;

import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.ClusterVerdict;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.Taint;
import dev.scaleplane.api.federation.Toleration;
import dev.scaleplane.core.federation.PlacementEngine;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Placement of a secret on the fleet's pure engine, with the fleet's failover rule: a cluster that holds the secret
 * keeps it while it is merely not ready (the automatic {@code NO_SCHEDULE} taint: "what is there stays") and loses
 * it when a filter rejects it: its {@code NO_EXECUTE} taint past the toleration, a label, region or residency change,
 * removal from the fleet. Residency is the engine's hard filter, so no decision here ever leaves the policy's zone.
 *
 * <ul>
 *   <li>{@code pick = 0} (every feasible cluster): decided afresh on each pass, so clusters that join the fleet or
 *       become ready get the secret;
 *   <li>{@code pick = N}: the clusters chosen stay chosen while each still passes the filters; when one is lost, the
 *       policy is decided again with the survivors kept through their {@code NO_SCHEDULE} taints (a failover), so
 *       the secret does not move with every change of capacity scores.
 * </ul>
 *
 * <p>Pure and stateless.
 */
public final class StickyPlacement {
    private StickyPlacement() {}

    /**
     * The placement of this pass.
     *
     * @param policy the policy
     * @param snapshot the fleet now
     * @param held the clusters chosen so far (empty at first)
     * @param previous the decision in force, or null at first
     * @param fresh whether to decide afresh (a new or changed request) instead of keeping a {@code pick = N} choice
     * @return the decision; a failed one when the policy cannot be met (then the caller keeps what it has)
     */
    public static PlacementDecision decide(
            PlacementPolicy policy,
            FleetSnapshot snapshot,
            Set<String> held,
            @Nullable PlacementDecision previous,
            boolean fresh) {
        Set<String> kept = new TreeSet<>(held);
        if (!fresh && previous != null && policy.pick() > 0 && !held.isEmpty()) {
            List<String> feasible = PlacementEngine.decide(filters(policy), sticky(snapshot, held))
                    .chosenNames();
            if (feasible.containsAll(held)) {
                return previous;
            }
            kept.retainAll(feasible);
        }
        FleetSnapshot s = sticky(snapshot, kept);
        return explain(PlacementEngine.decide(policy, s), snapshot, kept);
    }

    /**
     * Whether {@code spec} may hold a secret placed by {@code policy}: the policy has no residency, or the cluster's
     * is the same. Checked again before every write, whatever the decision says.
     */
    public static boolean residencyAllows(PlacementPolicy policy, ClusterSpec spec) {
        return policy.residency().isEmpty() || policy.residency().equals(spec.residency());
    }

    /** The policy's filters only: every cluster they let through is chosen. */
    static PlacementPolicy filters(PlacementPolicy policy) {
        PlacementPolicy.Builder b = PlacementPolicy.builder()
                .clusters(policy.clusterNames().toArray(String[]::new))
                .selector(policy.selector())
                .regions(policy.regions().toArray(String[]::new))
                .zones(policy.zones().toArray(String[]::new));
        if (!policy.residency().isEmpty()) {
            b.residency(policy.residency());
        }
        for (Toleration t : policy.tolerations()) {
            b.tolerate(t);
        }
        return b.build();
    }

    /** The snapshot with the clusters of {@code held} shown ready, without their health's NO_SCHEDULE taints. */
    static FleetSnapshot sticky(FleetSnapshot snapshot, Set<String> held) {
        if (held.isEmpty()) {
            return snapshot;
        }
        List<ClusterState> clusters = new ArrayList<>();
        for (ClusterState c : snapshot.clusters()) {
            if (!held.contains(c.name()) || c.health() == ClusterHealth.READY) {
                clusters.add(c);
                continue;
            }
            List<Taint> taints = c.taints().stream()
                    .filter(t -> !(t.effect() == Taint.Effect.NO_SCHEDULE
                            && (t.key().equals(Taint.NOT_READY) || t.key().equals(Taint.UNREACHABLE))))
                    .toList();
            clusters.add(new ClusterState(
                    c.spec(), ClusterHealth.READY, c.healthSince(), taints, c.capacity(), c.available()));
        }
        return new FleetSnapshot(snapshot.at(), clusters);
    }

    /** Adds to the verdict of each cluster kept through its NO_SCHEDULE taint why it is shown ready. */
    private static PlacementDecision explain(PlacementDecision d, FleetSnapshot real, Set<String> kept) {
        Set<String> shown = new LinkedHashSet<>();
        for (ClusterState c : real.clusters()) {
            if (kept.contains(c.name()) && c.health() != ClusterHealth.READY) {
                shown.add(c.name());
            }
        }
        if (shown.isEmpty()) {
            return d;
        }
        List<ClusterVerdict> verdicts = new ArrayList<>();
        for (ClusterVerdict v : d.verdicts()) {
            if (!shown.contains(v.cluster())) {
                verdicts.add(v);
                continue;
            }
            ClusterState c = real.cluster(v.cluster()).orElseThrow();
            List<String> reasons = new ArrayList<>(v.reasons());
            reasons.add("holds the secret: " + c.health() + " since " + c.healthSince()
                    + ", kept until its NO_EXECUTE taint (failover)");
            verdicts.add(new ClusterVerdict(
                    v.cluster(), v.region(), v.zone(), v.chosen(), v.replicas(), v.score(), v.scoreParts(), reasons));
        }
        return new PlacementDecision(
                d.policy(), d.snapshotAt(), verdicts, d.failureReason().orElse(null));
    }
}
