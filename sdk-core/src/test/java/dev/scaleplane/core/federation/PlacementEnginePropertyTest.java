package dev.scaleplane.core.federation;

import static dev.scaleplane.core.federation.Clusters.AT;
import static dev.scaleplane.core.federation.Clusters.ONE_CORE;
import static dev.scaleplane.core.federation.Clusters.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.ClusterVerdict;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.ReplicaBounds;
import dev.scaleplane.api.federation.ReplicaDivision;
import dev.scaleplane.api.federation.SpreadConstraint;
import dev.scaleplane.api.federation.Taint;
import dev.scaleplane.api.federation.WhatIf;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Properties of {@link PlacementEngine} over random fleets and policies. A scenario is built from one random seed
 * (fleets and policies have many interdependent parts); a failing seed is printed by jqwik and replays exactly.
 */
class PlacementEnginePropertyTest {

    private static final String[] REGIONS = {"ams", "par", "waw", "fra", "nyc"};
    private static final String[] ZONES = {"", "a", "b", "c"};
    private static final String[] RESIDENCIES = {"EU", "EU", "EU", "US", ""};

    /** A fleet and a policy; what the checks need to know about them is kept alongside. */
    record Scenario(long seed, FleetSnapshot fleet, PlacementPolicy policy) {
        @Override
        public String toString() {
            return "seed " + seed + ": " + policy + " on " + fleet.clusters().size() + " clusters";
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Arbitraries.longs().map(PlacementEnginePropertyTest::scenario);
    }

    static Scenario scenario(long seed) {
        Random r = new Random(seed);
        int n = 1 + r.nextInt(40);
        List<ClusterState> states = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String region = REGIONS[r.nextInt(REGIONS.length)];
            String zone = ZONES[r.nextInt(ZONES.length)];
            Clusters c = cluster("c" + i)
                    .region(region)
                    .zone(zone.isEmpty() ? "" : region + "-" + zone)
                    .residency(RESIDENCIES[r.nextInt(RESIDENCIES.length)])
                    .label("tier", r.nextBoolean() ? "web" : "batch")
                    .fitting(r.nextInt(10));
            int health = r.nextInt(8);
            if (health == 0) {
                c.health(ClusterHealth.NOT_READY, AT.minusSeconds(r.nextInt(7200)));
            } else if (health == 1) {
                c.health(ClusterHealth.UNKNOWN, AT.minusSeconds(r.nextInt(7200)));
            }
            if (r.nextInt(6) == 0) {
                c.taint(Taint.of("spot", Taint.Effect.PREFER_NO_SCHEDULE));
            }
            if (r.nextInt(10) == 0) {
                c.taint(Taint.of("dedicated", Taint.Effect.NO_SCHEDULE));
            }
            states.add(c.build());
        }
        PlacementPolicy.Builder p = PlacementPolicy.builder();
        if (r.nextInt(4) != 0) {
            p.residency("EU");
        }
        if (r.nextInt(3) == 0) {
            p.selector("tier in (web)");
        }
        if (r.nextBoolean()) {
            p.pick(1 + r.nextInt(6));
        }
        if (r.nextInt(3) == 0) {
            int min = 1 + r.nextInt(3);
            p.spread(SpreadConstraint.regions(min, min + r.nextInt(3)));
        }
        if (r.nextInt(5) == 0) {
            int min = 1 + r.nextInt(2);
            p.spread(SpreadConstraint.zones(min, min + r.nextInt(4)));
        }
        int replicas = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(30);
        p.replicas(replicas);
        int kind = r.nextInt(3);
        switch (kind) {
            case 0 -> p.division(ReplicaDivision.duplicated());
            case 1 -> {
                Map<String, Integer> weights = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    if (r.nextBoolean()) {
                        weights.put("c" + i, r.nextInt(6));
                    }
                }
                weights.put("c" + r.nextInt(n), 1 + r.nextInt(5));
                p.division(ReplicaDivision.staticWeights(weights));
            }
            default -> p.division(ReplicaDivision.dynamicByCapacity());
        }
        // Dynamic division needs resources per replica; the others may go without.
        if (kind == 2 || r.nextBoolean()) {
            p.resourcesPerReplica(ONE_CORE);
        }
        if (r.nextInt(3) == 0) {
            int min = r.nextInt(3);
            p.replicaBounds(min, min + r.nextInt(12));
        }
        for (int i = 0; i < n; i++) {
            if (r.nextInt(8) == 0) {
                int min = r.nextInt(3);
                p.replicaBounds("c" + i, min, min + r.nextInt(8));
            }
        }
        return new Scenario(seed, new FleetSnapshot(AT, states), p.build());
    }

    @Property(tries = 600)
    void replicasAddUpToTheRequestWhenSatisfied(@ForAll("scenarios") Scenario s) {
        PlacementDecision d = PlacementEngine.decide(s.policy(), s.fleet());
        // Shows in the report how many tries reach the checks below, per division.
        Statistics.label("division, outcome")
                .collect(
                        s.policy().replicas() == 0
                                ? "no replicas"
                                : s.policy().division().kind(),
                        d.satisfied() ? "satisfied" : "failed");
        if (!d.satisfied() || s.policy().replicas() == 0) {
            return;
        }
        PlacementPolicy p = s.policy();
        if (p.division().kind() == ReplicaDivision.Kind.DUPLICATED) {
            for (ClusterVerdict v : d.chosen()) {
                ReplicaBounds b = p.boundsFor(v.cluster());
                assertThat(v.replicas()).as(v.toString()).isEqualTo(Math.min(Math.max(p.replicas(), b.min()), b.max()));
            }
        } else {
            assertThat(d.replicas().values().stream()
                            .mapToInt(Integer::intValue)
                            .sum())
                    .as(d.explain())
                    .isEqualTo(p.replicas());
        }
        assertThat(d.chosen()).as(d.explain()).isNotEmpty().allSatisfy(v -> assertThat(v.replicas())
                .isPositive());
    }

    @Property(tries = 600)
    void residencyIsNeverLeft(@ForAll("scenarios") Scenario s) {
        Random r = new Random(s.seed());
        List<String> down = s.fleet().clusters().stream()
                .map(ClusterState::name)
                .filter(name -> r.nextInt(3) == 0)
                .toList();
        WhatIf.Builder whatIf = WhatIf.builder();
        down.forEach(whatIf::clusterDown);
        for (PlacementDecision d : List.of(
                PlacementEngine.decide(s.policy(), s.fleet()),
                PlacementEngine.simulate(s.policy(), s.fleet(), whatIf.build()))) {
            if (s.policy().residency().isEmpty()) {
                continue;
            }
            for (ClusterVerdict v : d.chosen()) {
                assertThat(s.fleet().cluster(v.cluster()).orElseThrow().spec().residency())
                        .as(d.explain())
                        .isEqualTo(s.policy().residency());
            }
            if (d.chosen().isEmpty()) {
                assertThat(d.satisfied()).as(d.explain()).isFalse();
            }
        }
    }

    @Property(tries = 600)
    void everyChosenClusterIsWithinItsBoundsItsCapacityAndThePolicy(@ForAll("scenarios") Scenario s) {
        PlacementPolicy p = s.policy();
        PlacementDecision d = PlacementEngine.decide(p, s.fleet());
        if (!d.satisfied()) {
            assertThat(d.chosen()).isEmpty();
            return;
        }
        if (p.pick() > 0) {
            assertThat(d.chosen().size()).isLessThanOrEqualTo(p.pick());
        }
        for (ClusterVerdict v : d.chosen()) {
            ClusterState c = s.fleet().cluster(v.cluster()).orElseThrow();
            assertThat(c.health()).as(v.toString()).isEqualTo(ClusterHealth.READY);
            assertThat(c.taints()).doesNotContain(Taint.of("dedicated", Taint.Effect.NO_SCHEDULE));
            if (p.replicas() > 0) {
                ReplicaBounds b = p.boundsFor(v.cluster());
                assertThat(v.replicas()).as(d.explain()).isBetween(Math.max(1, b.min()), b.max());
                if (p.resourcesPerReplica().isPresent()) {
                    assertThat((long) v.replicas())
                            .as(d.explain())
                            .isLessThanOrEqualTo(
                                    c.available().fits(p.resourcesPerReplica().orElseThrow()));
                }
            }
        }
        for (SpreadConstraint sc : p.spread()) {
            Set<String> values = d.chosen().stream()
                    .map(v -> sc.topology() == SpreadConstraint.Topology.REGION ? v.region() : v.zone())
                    .filter(v -> !v.isEmpty())
                    .collect(Collectors.toSet());
            assertThat(values.size()).as(d.explain()).isBetween(sc.min(), sc.max());
        }
    }

    @Property(tries = 300)
    void decideIsDeterministic(@ForAll("scenarios") Scenario s) {
        PlacementDecision first = PlacementEngine.decide(s.policy(), s.fleet());
        List<ClusterState> shuffled = new ArrayList<>(s.fleet().clusters());
        Collections.shuffle(shuffled, new Random(s.seed()));
        PlacementDecision again = PlacementEngine.decide(s.policy(), new FleetSnapshot(AT, shuffled));
        assertThat(again).isEqualTo(first);
        assertThat(again.explain()).isEqualTo(first.explain());
        // Every cluster has a verdict that explains itself, in name order.
        assertThat(first.verdicts())
                .extracting(ClusterVerdict::cluster)
                .isSorted()
                .hasSize(shuffled.size());
        assertThat(first.rejected()).allSatisfy(v -> assertThat(v.reasons()).isNotEmpty());
    }
}
