package dev.scaleplane.core.federation;

import static dev.scaleplane.core.federation.Clusters.ONE_CORE;
import static dev.scaleplane.core.federation.Clusters.cluster;
import static dev.scaleplane.core.federation.Clusters.fleet;
import static dev.scaleplane.core.federation.PlacementEngineFilterTest.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.ClusterVerdict;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.ReplicaDivision;
import dev.scaleplane.api.federation.SpreadConstraint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Scoring, rank, pick and spread constraints of {@link PlacementEngine}. */
class PlacementEngineChoiceTest {

    /** A cluster with {@code free} of 10 cores available, so its capacity score is {@code 10 * free}. */
    private static Clusters free(String name, int free) {
        return cluster(name).available(new Capacity(free * 1_000L, 40L << 30, 100));
    }

    private static PlacementDecision decide(PlacementPolicy.Builder policy, FleetSnapshot fleet) {
        return PlacementEngine.decide(policy.build(), fleet);
    }

    @Nested
    class Scoring {
        @Test
        void capacityIsWhatTheMostConstrainedResourceHasLeftAfterThisPlacement() {
            // cpu: (6 - 2) / 10 = 0.4; memory: (40 - 2) / 40 = 0.95; pods: (100 - 2) / 100 = 0.98.
            FleetSnapshot fleet = fleet(
                    cluster("a").available(new Capacity(6_000, 40L << 30, 100)).build());
            PlacementDecision d = decide(PlacementPolicy.builder().replicas(2).resourcesPerReplica(ONE_CORE), fleet);
            assertThat(verdict(d, "a").scoreParts()).containsExactly(new ClusterVerdict.ScorePart("capacity", 40.0));
            assertThat(verdict(d, "a"))
                    .hasToString(
                            "a chosen: capacity fits 6 >= 2 replicas; score 40.00" + " (capacity=40.00); replicas 2");

            // Without resources per replica, only what is available counts: 6 / 10.
            assertThat(verdict(decide(PlacementPolicy.builder(), fleet), "a").score())
                    .isEqualTo(60.0);
        }

        @Test
        void dividedPlacementCountsOneReplicaOrTheMinimumAsItsShare() {
            FleetSnapshot fleet = fleet(
                    cluster("a").available(new Capacity(6_000, 40L << 30, 100)).build());
            PlacementDecision one = decide(
                    PlacementPolicy.builder()
                            .replicas(4)
                            .division(ReplicaDivision.dynamicByCapacity())
                            .resourcesPerReplica(ONE_CORE),
                    fleet);
            assertThat(verdict(one, "a").score()).isEqualTo(50.0);
            PlacementDecision three = decide(
                    PlacementPolicy.builder()
                            .replicas(4)
                            .division(ReplicaDivision.dynamicByCapacity())
                            .resourcesPerReplica(ONE_CORE)
                            .replicaBounds(3, 10),
                    fleet);
            assertThat(verdict(three, "a").score()).isEqualTo(30.0);
        }

        @Test
        void zeroCapacityCountsAsUnknown() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder(),
                    fleet(cluster("a").capacity(Capacity.ZERO).build()));
            assertThat(verdict(d, "a").score()).isEqualTo(PlacementEngine.UNKNOWN_CAPACITY_SCORE);
        }

        @Test
        void staticWeightsAddAWeightPart() {
            FleetSnapshot fleet = fleet(
                    free("a", 5).build(), free("b", 5).build(), free("c", 6).build());
            PlacementDecision d = decide(
                    PlacementPolicy.builder()
                            .pick(2)
                            .replicas(4)
                            .division(ReplicaDivision.staticWeights(Map.of("a", 1, "b", 3))),
                    fleet);
            assertThat(verdict(d, "b").scoreParts())
                    .containsExactly(
                            new ClusterVerdict.ScorePart("capacity", 50.0), new ClusterVerdict.ScorePart("weight", 3));
            // c: 60 + 0, b: 50 + 3, a: 50 + 1. c is picked but has no weight, so it gets no replica and is dropped
            // (the documented reason to keep a weighted pick to the weighted clusters).
            assertThat(verdict(d, "a").reasons()).containsExactly("not chosen: rank 3 of 3 feasible, pick 2");
            assertThat(verdict(d, "c").chosen()).isFalse();
            assertThat(verdict(d, "c").reasons()).containsExactly("0 replicas after division");
            assertThat(d.chosenNames()).containsExactly("b");
            assertThat(d.replicas()).containsExactly(Map.entry("b", 4));
        }
    }

    @Nested
    class Pick {
        @Test
        void theBestByScore() {
            FleetSnapshot fleet = fleet(
                    free("a", 2).build(),
                    free("b", 9).build(),
                    free("c", 5).build(),
                    free("d", 7).build());
            PlacementDecision d = decide(PlacementPolicy.builder().pick(2), fleet);
            assertThat(d.chosenNames()).containsExactly("b", "d");
            assertThat(verdict(d, "c").reasons()).containsExactly("not chosen: rank 3 of 4 feasible, pick 2");
            assertThat(verdict(d, "a").reasons()).containsExactly("not chosen: rank 4 of 4 feasible, pick 2");
            assertThat(verdict(d, "a").score()).isEqualTo(20.0);
        }

        @Test
        void tiesGoToTheSmallestNames() {
            FleetSnapshot fleet = fleet(
                    cluster("e").build(),
                    cluster("c").build(),
                    cluster("a").build(),
                    cluster("d").build(),
                    cluster("b").build());
            PlacementDecision d = decide(PlacementPolicy.builder().pick(3), fleet);
            assertThat(d.chosenNames()).containsExactly("a", "b", "c");
            assertThat(verdict(d, "d").reasons()).containsExactly("not chosen: rank 4 of 5 feasible, pick 3");
            assertThat(verdict(d, "e").reasons()).containsExactly("not chosen: rank 5 of 5 feasible, pick 3");
        }

        @Test
        void fewerFeasibleThanPickChoosesThemAll() {
            PlacementDecision d =
                    decide(PlacementPolicy.builder().pick(5), fleet(cluster("a").build()));
            assertThat(d.satisfied()).isTrue();
            assertThat(d.chosenNames()).containsExactly("a");
        }

        @Test
        void pickAllChoosesEveryFeasibleCluster() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder().residency("EU"),
                    fleet(
                            cluster("a").build(),
                            cluster("b").build(),
                            cluster("c").residency("US").build()));
            assertThat(d.chosenNames()).containsExactly("a", "b");
        }

        @Test
        void noFeasibleCluster() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder().regions("mars"),
                    fleet(cluster("a").build(), cluster("b").build()));
            assertThat(d.failure()).isEqualTo("no cluster fits: 2 rejected");
            assertThat(PlacementEngine.decide(PlacementPolicy.builder().build(), fleet())
                            .failure())
                    .isEqualTo("no cluster fits: the snapshot has no clusters");
        }
    }

    @Nested
    class Spread {
        @Test
        void aMinimumTakesTheBestClusterOfAnotherRegionBeforeBetterOnesOfTheSame() {
            FleetSnapshot fleet = fleet(
                    free("ams-1", 9).region("ams").build(),
                    free("ams-2", 8).region("ams").build(),
                    free("par-1", 3).region("par").build(),
                    free("par-2", 2).region("par").build());
            PlacementDecision d =
                    decide(PlacementPolicy.builder().pick(2).spread(SpreadConstraint.regions(2, 3)), fleet);
            assertThat(d.chosenNames()).containsExactly("ams-1", "par-1");
            assertThat(verdict(d, "ams-2").reasons()).containsExactly("not chosen: rank 2 of 4 feasible, pick 2");

            // With room left, the rest is filled by rank.
            PlacementDecision three =
                    decide(PlacementPolicy.builder().pick(3).spread(SpreadConstraint.regions(2, 3)), fleet);
            assertThat(three.chosenNames()).containsExactly("ams-1", "ams-2", "par-1");
        }

        @Test
        void regionsAreCoveredInTheOrderOfTheirBestClustersRank() {
            FleetSnapshot fleet = fleet(
                    free("a", 9).region("r1").build(),
                    free("b", 8).region("r1").build(),
                    free("c", 4).region("r3").build(),
                    free("d", 6).region("r2").build(),
                    free("e", 5).region("r3").build());
            PlacementDecision d =
                    decide(PlacementPolicy.builder().pick(2).spread(SpreadConstraint.regions(2, 2)), fleet);
            assertThat(d.chosenNames()).containsExactly("a", "d");
        }

        @Test
        void aMaximumKeepsFurtherClustersInTheRegionsAlreadyChosen() {
            FleetSnapshot fleet = fleet(
                    free("a", 9).region("r1").build(),
                    free("b", 8).region("r2").build(),
                    free("c", 7).region("r3").build(),
                    free("d", 6).region("r1").build(),
                    free("e", 5).region("r2").build());
            PlacementDecision d = decide(PlacementPolicy.builder().spread(SpreadConstraint.regions(1, 2)), fleet);
            assertThat(d.chosenNames()).containsExactly("a", "b", "d", "e");
            assertThat(verdict(d, "c").reasons()).containsExactly("not chosen: spread REGION max 2 reached");
        }

        @Test
        void anUnreachableMinimumFailsNamingTheValuesAvailable() {
            FleetSnapshot fleet = fleet(
                    cluster("a").region("eu-west").build(),
                    cluster("b").region("eu-central").build(),
                    cluster("c").region("us-east").residency("US").build());
            PlacementDecision d =
                    decide(PlacementPolicy.builder().residency("EU").spread(SpreadConstraint.regions(3, 3)), fleet);
            assertThat(d.failure())
                    .isEqualTo("spread REGION min 3 max 3 not met: the feasible clusters span 2 distinct regions"
                            + " [eu-central, eu-west]");
            assertThat(d.chosen()).isEmpty();
            assertThat(verdict(d, "a").reasons()).containsExactly("residency EU ok", "not chosen: placement failed");
            assertThat(verdict(d, "a").score()).isEqualTo(100.0);
            assertThat(d.explain()).contains("FAILED: spread REGION min 3");
        }

        @Test
        void zonesCountAndAClusterWithoutAZoneCountsForNone() {
            FleetSnapshot fleet = fleet(
                    free("a", 9).zone("z1").build(),
                    free("b", 8).zone("z1").build(),
                    free("c", 3).zone("z2").build(),
                    free("d", 7).build());
            PlacementDecision d = decide(PlacementPolicy.builder().pick(2).spread(SpreadConstraint.zones(2, 2)), fleet);
            assertThat(d.chosenNames()).containsExactly("a", "c");

            // A cluster without a zone never adds one, so a zone maximum does not keep it out.
            PlacementDecision max = decide(PlacementPolicy.builder().spread(SpreadConstraint.zones(1, 1)), fleet);
            assertThat(max.chosenNames()).containsExactly("a", "b", "d");
            assertThat(verdict(max, "c").reasons()).containsExactly("not chosen: spread ZONE max 1 reached");

            PlacementDecision three = decide(PlacementPolicy.builder().spread(SpreadConstraint.zones(3, 3)), fleet);
            assertThat(three.failure())
                    .isEqualTo("spread ZONE min 3 max 3 not met: the feasible clusters span 2 distinct zones [z1, z2]");
        }

        @Test
        void aPickBelowTheMinimumFails() {
            FleetSnapshot fleet = fleet(
                    cluster("a").region("r1").build(), cluster("b").region("r2").build());
            PlacementDecision d =
                    decide(PlacementPolicy.builder().pick(1).spread(SpreadConstraint.regions(2, 2)), fleet);
            assertThat(d.failure())
                    .isEqualTo("spread REGION min 2 max 2 not met: pick 1 allows 1 of the 2 distinct regions needed,"
                            + " among 2 available [r1, r2]");
        }

        @Test
        void anotherConstraintsMaximumCanMakeAMinimumUnreachable() {
            FleetSnapshot fleet = fleet(
                    free("a", 9).region("r1").zone("z1").build(),
                    free("b", 5).region("r2").zone("z2").build());
            PlacementDecision d = decide(
                    PlacementPolicy.builder()
                            .spread(SpreadConstraint.zones(1, 1))
                            .spread(SpreadConstraint.regions(2, 2)),
                    fleet);
            assertThat(d.failure())
                    .isEqualTo("spread REGION min 2 max 2 not met: only 1 of the 2 distinct regions available [r1, r2]"
                            + " can be reached within the other spread constraints' max");
        }

        @Test
        void regionAndZoneConstraintsTogether() {
            FleetSnapshot fleet = fleet(
                    free("a", 9).region("r1").zone("r1a").build(),
                    free("b", 8).region("r1").zone("r1b").build(),
                    free("c", 7).region("r1").zone("r1c").build(),
                    free("d", 2).region("r2").zone("r2a").build(),
                    free("e", 1).region("r2").zone("r2b").build());
            PlacementDecision d = decide(
                    PlacementPolicy.builder()
                            .pick(3)
                            .spread(SpreadConstraint.regions(2, 2))
                            .spread(SpreadConstraint.zones(3, 3)),
                    fleet);
            assertThat(d.chosenNames()).containsExactly("a", "b", "d");
        }
    }

    @Test
    void aLargeFleetIsDecided() {
        List<ClusterState> states = new ArrayList<>(10_000);
        for (int i = 0; i < 10_000; i++) {
            states.add(free("c" + i, 1 + i % 10).region("r" + (i % 7)).build());
        }
        PlacementDecision d = PlacementEngine.decide(
                PlacementPolicy.builder()
                        .pick(3)
                        .spread(SpreadConstraint.regions(2, 3))
                        .replicas(30)
                        .division(ReplicaDivision.dynamicByCapacity())
                        .resourcesPerReplica(ONE_CORE)
                        .build(),
                fleet(states));
        assertThat(d.satisfied()).isTrue();
        assertThat(d.verdicts()).hasSize(10_000);
        assertThat(d.chosen()).hasSize(3);
        assertThat(d.replicas().values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(30);
    }
}
