package dev.scaleplane.core.federation;

import static dev.scaleplane.core.federation.Clusters.ONE_CORE;
import static dev.scaleplane.core.federation.Clusters.cluster;
import static dev.scaleplane.core.federation.Clusters.fleet;
import static dev.scaleplane.core.federation.PlacementEngineFilterTest.verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterState;
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

/** Replica division of {@link PlacementEngine}: duplicated, static weights, dynamic by capacity. */
class PlacementEngineReplicaTest {

    private static final FleetSnapshot ABC =
            fleet(cluster("a").build(), cluster("b").build(), cluster("c").build());

    private static PlacementDecision decide(PlacementPolicy.Builder policy, FleetSnapshot fleet) {
        return PlacementEngine.decide(policy.build(), fleet);
    }

    private static PlacementPolicy.Builder weights(int replicas, Map<String, Integer> weights) {
        return PlacementPolicy.builder().replicas(replicas).division(ReplicaDivision.staticWeights(weights));
    }

    private static PlacementPolicy.Builder dynamic(int replicas) {
        return PlacementPolicy.builder()
                .replicas(replicas)
                .division(ReplicaDivision.dynamicByCapacity())
                .resourcesPerReplica(ONE_CORE);
    }

    @Test
    void withoutReplicasChosenClustersGetNone() {
        PlacementDecision d = decide(PlacementPolicy.builder(), ABC);
        assertThat(d.replicas()).containsExactly(entry("a", 0), entry("b", 0), entry("c", 0));
    }

    @Nested
    class Duplicated {
        @Test
        void everyClusterRunsAllReplicasClampedToItsBounds() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder()
                            .replicas(5)
                            .replicaBounds("a", 0, 3)
                            .replicaBounds("c", 7, 10),
                    ABC);
            assertThat(d.replicas()).containsExactly(entry("a", 3), entry("b", 5), entry("c", 7));
            assertThat(verdict(d, "a")).hasToString("a chosen: score 100.00 (capacity=100.00); replicas 3");
        }

        @Test
        void aClusterBoundToZeroIsDropped() {
            PlacementDecision d = decide(PlacementPolicy.builder().replicas(5).replicaBounds("b", 0, 0), ABC);
            assertThat(d.chosenNames()).containsExactly("a", "c");
            assertThat(verdict(d, "b").reasons()).containsExactly("0 replicas after division");
        }
    }

    @Nested
    class StaticWeights {
        @Test
        void equalRemaindersGoByName() {
            PlacementDecision d = decide(weights(10, Map.of("a", 1, "b", 1, "c", 1)), ABC);
            assertThat(d.replicas()).containsExactly(entry("a", 4), entry("b", 3), entry("c", 3));
        }

        @Test
        void theLargestRemainderGetsTheSpareReplica() {
            // 20/3 = 6 r 2 and 10/3 = 3 r 1.
            PlacementDecision d = decide(weights(10, Map.of("a", 2, "b", 1)), ABC);
            assertThat(d.replicas()).containsExactly(entry("a", 7), entry("b", 3));
            assertThat(verdict(d, "c").chosen()).isFalse();
            assertThat(verdict(d, "c").reasons()).containsExactly("0 replicas after division");
        }

        @Test
        void aMaximumCapsAClusterAndTheOthersTakeTheRest() {
            PlacementDecision d = decide(weights(10, Map.of("a", 1, "b", 1)).replicaBounds("a", 0, 2), ABC);
            assertThat(d.replicas()).containsExactly(entry("a", 2), entry("b", 8));
        }

        @Test
        void capacityCapsAClusterAndTheOthersTakeTheRest() {
            FleetSnapshot fleet = fleet(
                    cluster("a").fitting(4).build(), cluster("b").fitting(10).build());
            PlacementDecision d = decide(weights(8, Map.of("a", 3, "b", 1)).resourcesPerReplica(ONE_CORE), fleet);
            assertThat(d.replicas()).containsExactly(entry("a", 4), entry("b", 4));
        }

        @Test
        void minimumsComeFirstAndAClusterWithoutWeightGetsOnlyItsMinimum() {
            PlacementDecision d = decide(weights(10, Map.of("a", 1, "c", 1)).replicaBounds("b", 1, 5), ABC);
            assertThat(d.replicas()).containsExactly(entry("a", 5), entry("b", 1), entry("c", 4));
        }

        @Test
        void minimumsAboveTheReplicasFail() {
            PlacementDecision d =
                    decide(weights(10, Map.of("a", 1, "b", 1, "c", 1)).replicaBounds(4, 10), ABC);
            assertThat(d.failure())
                    .isEqualTo("replicas do not fit: the minimums of the chosen clusters sum to 12, more than the 10"
                            + " requested");
            assertThat(d.chosen()).isEmpty();
            assertThat(d.replicas()).isEmpty();
        }

        @Test
        void replicasBeyondTheMaximumsFail() {
            PlacementDecision d = decide(weights(10, Map.of("a", 1, "b", 1)).replicaBounds(0, 2), ABC);
            assertThat(d.failure())
                    .isEqualTo("replicas do not fit: 4 of 10 requested fit the chosen clusters' bounds and weights");
            assertThat(d.chosen()).isEmpty();
            assertThat(verdict(d, "a").reasons()).containsExactly("not chosen: placement failed");
        }

        @Test
        void aSpreadMinimumLostToAClusterWithoutReplicasFails() {
            FleetSnapshot fleet = fleet(
                    cluster("a").region("r1").build(), cluster("b").region("r2").build());
            PlacementDecision d = decide(weights(4, Map.of("a", 1)).spread(SpreadConstraint.regions(2, 2)), fleet);
            assertThat(d.failure())
                    .isEqualTo("spread REGION min 2 max 2 not met after division: [b] got 0 replicas, leaving 1"
                            + " distinct region [r1]");
            assertThat(d.chosen()).isEmpty();
            assertThat(verdict(d, "b").reasons()).containsExactly("0 replicas after division");
            assertThat(verdict(d, "a").reasons()).containsExactly("not chosen: placement failed");
        }
    }

    @Nested
    class Dynamic {
        @Test
        void inProportionToWhatEachClusterFits() {
            FleetSnapshot fleet = fleet(
                    cluster("a").fitting(10).build(), cluster("b").fitting(20).build());
            assertThat(decide(dynamic(30), fleet).replicas()).containsExactly(entry("a", 10), entry("b", 20));
            // 100/30 = 3 r 10 and 200/30 = 6 r 20.
            assertThat(decide(dynamic(10), fleet).replicas()).containsExactly(entry("a", 3), entry("b", 7));
        }

        @Test
        void equalRemaindersGoByName() {
            FleetSnapshot fleet = fleet(
                    cluster("b").fitting(5).build(), cluster("a").fitting(5).build());
            assertThat(decide(dynamic(3), fleet).replicas()).containsExactly(entry("a", 2), entry("b", 1));
        }

        @Test
        void boundsCapAndTheRestIsRedistributed() {
            FleetSnapshot fleet = fleet(
                    cluster("a").fitting(10).build(), cluster("b").fitting(10).build());
            PlacementDecision d = decide(dynamic(12).replicaBounds("a", 0, 2), fleet);
            assertThat(d.replicas()).containsExactly(entry("a", 2), entry("b", 10));
            assertThat(verdict(d, "a").reasons()).containsExactly("capacity fits 10 replicas");
        }

        @Test
        void moreReplicasThanFitFail() {
            FleetSnapshot fleet = fleet(
                    cluster("a").fitting(3).build(), cluster("b").fitting(4).build());
            PlacementDecision d = decide(dynamic(10), fleet);
            assertThat(d.failure())
                    .isEqualTo("replicas do not fit: 7 of 10 requested fit the chosen clusters' bounds and capacity");
            assertThat(d.chosen()).isEmpty();
            assertThat(verdict(d, "a").reasons())
                    .containsExactly("capacity fits 3 replicas", "not chosen: placement failed");
        }

        @Test
        void everyReplicaIsPlacedAcrossManyClustersWithCaps() {
            // 50 clusters fitting 1..50, some capped at 3: the sum is exact and nobody exceeds a cap.
            List<ClusterState> states = new ArrayList<>();
            PlacementPolicy.Builder policy = dynamic(400);
            for (int i = 1; i <= 50; i++) {
                states.add(cluster("c" + i)
                        .capacity(new Capacity(60_000, 1L << 40, 1000))
                        .fitting(i)
                        .build());
                if (i % 7 == 0) {
                    policy.replicaBounds("c" + i, 1, 3);
                }
            }
            PlacementDecision d = decide(policy, fleet(states));
            assertThat(d.satisfied()).isTrue();
            assertThat(d.replicas().values().stream()
                            .mapToInt(Integer::intValue)
                            .sum())
                    .isEqualTo(400);
            d.chosen().forEach(v -> {
                int fits = Integer.parseInt(v.cluster().substring(1));
                assertThat(v.replicas()).isBetween(1, fits);
                if (fits % 7 == 0) {
                    assertThat(v.replicas()).isBetween(1, 3);
                }
            });
        }
    }
}
