package dev.scaleplane.core.federation;

import static dev.scaleplane.core.federation.Clusters.AT;
import static dev.scaleplane.core.federation.Clusters.ONE_CORE;
import static dev.scaleplane.core.federation.Clusters.cluster;
import static dev.scaleplane.core.federation.Clusters.fleet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterVerdict;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.federation.LabelSelector;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.ReplicaDivision;
import dev.scaleplane.api.federation.Taint;
import dev.scaleplane.api.federation.Toleration;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every filter of {@link PlacementEngine}, with its exact reason text. */
class PlacementEngineFilterTest {

    private static final Instant TEN_42_03 = Instant.parse("2025-03-14T10:42:03Z");
    private static final String NOT_READY_KEY = Taint.NOT_READY;
    private static final String UNREACHABLE_KEY = Taint.UNREACHABLE;

    static ClusterVerdict verdict(PlacementDecision d, String cluster) {
        return d.verdict(cluster).orElseThrow();
    }

    static PlacementDecision decide(PlacementPolicy policy, FleetSnapshot fleet) {
        return PlacementEngine.decide(policy, fleet);
    }

    @Test
    void theVerdictReadsAsOneLineWithEveryReason() {
        FleetSnapshot fleet = fleet(cluster("par-1")
                .health(ClusterHealth.NOT_READY, TEN_42_03)
                .fitting(2)
                .build());
        PlacementPolicy policy = PlacementPolicy.builder()
                .residency("EU")
                .replicas(5)
                .resourcesPerReplica(ONE_CORE)
                .build();

        PlacementDecision d = decide(policy, fleet);

        assertThat(verdict(d, "par-1"))
                .hasToString("par-1 rejected: residency EU ok; NotReady since 10:42:03Z; capacity fits 2 < 5 replicas");
        assertThat(d.failure()).isEqualTo("no cluster fits: 1 rejected");
    }

    @Test
    void aChosenClusterWithNothingToCheckReadsWell() {
        PlacementDecision d =
                decide(PlacementPolicy.builder().build(), fleet(cluster("a").build()));
        assertThat(verdict(d, "a")).hasToString("a chosen: score 100.00 (capacity=100.00)");
    }

    @Test
    void everyFailedFilterIsListedInOrder() {
        FleetSnapshot fleet = fleet(cluster("c")
                .region("us-east")
                .zone("us-east-1a")
                .residency("US")
                .label("env", "dev")
                .health(ClusterHealth.UNKNOWN, TEN_42_03)
                .taint(new Taint("dedicated", "gpu", Taint.Effect.NO_SCHEDULE))
                .fitting(1)
                .build());
        PlacementPolicy policy = PlacementPolicy.builder()
                .clusters("a", "b")
                .selector("env=prod")
                .regions("eu-west")
                .zones("eu-west-1a")
                .residency("EU")
                .replicas(3)
                .resourcesPerReplica(ONE_CORE)
                .build();

        ClusterVerdict v = verdict(decide(policy, fleet), "c");

        assertThat(v.chosen()).isFalse();
        assertThat(v.score()).isZero();
        assertThat(v.scoreParts()).isEmpty();
        assertThat(v.reasons())
                .containsExactly(
                        "not in clusters [a, b]",
                        "selector: env=prod not met (labels {env=dev})",
                        "region us-east not in [eu-west]",
                        "zone us-east-1a not in [eu-west-1a]",
                        "residency US, policy needs EU",
                        "Unknown since 10:42:03Z",
                        "taint dedicated=gpu:NO_SCHEDULE not tolerated",
                        "capacity fits 1 < 3 replicas");
    }

    @Test
    void passedFiltersSayOk() {
        FleetSnapshot fleet =
                fleet(cluster("a").zone("eu-west-1a").label("env", "prod").build());
        PlacementPolicy policy = PlacementPolicy.builder()
                .clusters("a", "b")
                .selector("env=prod")
                .regions("eu-west", "eu-central")
                .zones("eu-west-1a")
                .residency("EU")
                .build();

        ClusterVerdict v = verdict(decide(policy, fleet), "a");

        assertThat(v.chosen()).isTrue();
        assertThat(v.reasons())
                .containsExactly(
                        "in clusters ok", "selector ok", "region eu-west ok", "zone eu-west-1a ok", "residency EU ok");
    }

    @Nested
    class Names {
        @Test
        void onlyListedClusters() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder().clusters("b", "a").build(),
                    fleet(
                            cluster("a").build(),
                            cluster("b").build(),
                            cluster("c").build()));
            assertThat(d.chosenNames()).containsExactly("a", "b");
            assertThat(verdict(d, "c").reasons()).containsExactly("not in clusters [a, b]");
            assertThat(verdict(d, "a").reasons()).containsExactly("in clusters ok");
        }

        @Test
        void noNamesAllowsEveryCluster() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder().build(),
                    fleet(cluster("a").build(), cluster("b").build()));
            assertThat(d.chosenNames()).containsExactly("a", "b");
            assertThat(verdict(d, "a").reasons()).isEmpty();
        }
    }

    @Nested
    class Selector {
        static Stream<Arguments> operators() {
            return Stream.of(
                    Arguments.of("env=prod", Map.of("env", "prod"), true),
                    Arguments.of("env=prod", Map.of("env", "dev"), false),
                    Arguments.of("env=prod", Map.of(), false),
                    Arguments.of("env==prod", Map.of("env", "prod"), true),
                    Arguments.of("env==prod", Map.of("env", "dev"), false),
                    Arguments.of("env!=prod", Map.of("env", "dev"), true),
                    Arguments.of("env!=prod", Map.of(), true),
                    Arguments.of("env!=prod", Map.of("env", "prod"), false),
                    Arguments.of("env in (prod,stage)", Map.of("env", "stage"), true),
                    Arguments.of("env in (prod,stage)", Map.of("env", "dev"), false),
                    Arguments.of("env in (prod,stage)", Map.of(), false),
                    Arguments.of("env notin (prod,stage)", Map.of("env", "dev"), true),
                    Arguments.of("env notin (prod,stage)", Map.of(), true),
                    Arguments.of("env notin (prod,stage)", Map.of("env", "prod"), false),
                    Arguments.of("env", Map.of("env", "anything"), true),
                    Arguments.of("env", Map.of("tier", "web"), false),
                    Arguments.of("!env", Map.of("tier", "web"), true),
                    Arguments.of("!env", Map.of("env", "prod"), false));
        }

        @ParameterizedTest(name = "{0} on {1}: {2}")
        @MethodSource("operators")
        void everyOperatorThroughTheEngine(String selector, Map<String, String> labels, boolean matches) {
            Clusters c = cluster("a");
            labels.forEach(c::label);
            PlacementDecision d =
                    decide(PlacementPolicy.builder().selector(selector).build(), fleet(c.build()));

            ClusterVerdict v = verdict(d, "a");
            assertThat(v.chosen()).isEqualTo(matches);
            if (matches) {
                assertThat(v.reasons()).containsExactly("selector ok");
            } else {
                String canonical = LabelSelector.parse(selector).toString();
                assertThat(v.reasons())
                        .containsExactly("selector: " + canonical + " not met (labels " + new TreeMap<>(labels) + ")");
            }
        }

        @Test
        void theFirstUnmetRequirementIsNamedWithTheLabelsSortedByKey() {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("zeta", "1");
            labels.put("tier", "batch");
            labels.put("env", "prod");
            Clusters c = cluster("a");
            labels.forEach(c::label);

            PlacementDecision d = decide(
                    PlacementPolicy.builder()
                            .selector("tier in (web, api), env=prod, !legacy")
                            .build(),
                    fleet(c.build()));

            assertThat(verdict(d, "a").reasons())
                    .containsExactly("selector: tier in (api,web) not met (labels {env=prod, tier=batch, zeta=1})");
        }
    }

    @Nested
    class RegionsAndZones {
        @Test
        void regions() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder().regions("eu-west", "eu-central").build(),
                    fleet(
                            cluster("a").region("eu-west").build(),
                            cluster("b").region("us-east").build()));
            assertThat(verdict(d, "a").reasons()).containsExactly("region eu-west ok");
            assertThat(verdict(d, "b").reasons()).containsExactly("region us-east not in [eu-central, eu-west]");
        }

        @Test
        void zonesAndAClusterWithoutAZone() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder().zones("eu-west-1a").build(),
                    fleet(
                            cluster("a").zone("eu-west-1a").build(),
                            cluster("b").zone("eu-west-1b").build(),
                            cluster("c").build()));
            assertThat(d.chosenNames()).containsExactly("a");
            assertThat(verdict(d, "a").reasons()).containsExactly("zone eu-west-1a ok");
            assertThat(verdict(d, "b").reasons()).containsExactly("zone eu-west-1b not in [eu-west-1a]");
            assertThat(verdict(d, "c").reasons()).containsExactly("zone none not in [eu-west-1a]");
        }
    }

    @Nested
    class Residency {
        @Test
        void isHard() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder().residency("EU").build(),
                    fleet(
                            cluster("eu").residency("EU").build(),
                            cluster("us")
                                    .residency("US")
                                    .capacity(new Capacity(1_000_000, 1L << 40, 10_000))
                                    .build(),
                            cluster("none").residency("").build()));
            assertThat(d.chosenNames()).containsExactly("eu");
            assertThat(verdict(d, "eu").reasons()).containsExactly("residency EU ok");
            assertThat(verdict(d, "us").reasons()).containsExactly("residency US, policy needs EU");
            assertThat(verdict(d, "none").reasons()).containsExactly("residency none, policy needs EU");
        }

        @Test
        void noClusterInTheResidencyFailsRatherThanLeavingIt() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder().residency("EU").build(),
                    fleet(
                            cluster("us-1").residency("US").build(),
                            cluster("us-2").residency("US").build()));
            assertThat(d.satisfied()).isFalse();
            assertThat(d.failure()).isEqualTo("no cluster fits: 2 rejected");
            assertThat(d.chosen()).isEmpty();
        }
    }

    @Nested
    class Health {
        @Test
        void notReadyAndUnknownAreRejectedWithTheirTimeOfDay() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder().build(),
                    fleet(
                            cluster("a")
                                    .health(ClusterHealth.NOT_READY, TEN_42_03)
                                    .build(),
                            cluster("b")
                                    .health(ClusterHealth.UNKNOWN, Instant.parse("2025-03-14T00:00:09.750Z"))
                                    .build(),
                            cluster("c").build()));
            assertThat(d.chosenNames()).containsExactly("c");
            assertThat(verdict(d, "a")).hasToString("a rejected: NotReady since 10:42:03Z");
            assertThat(verdict(d, "b")).hasToString("b rejected: Unknown since 00:00:09Z");
        }

        @Test
        void anInstantOfAnotherDayIsWrittenInFull() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder().build(),
                    fleet(cluster("a")
                            .health(ClusterHealth.NOT_READY, Instant.parse("2025-03-13T23:59:59.5Z"))
                            .build()));
            assertThat(verdict(d, "a").reasons()).containsExactly("NotReady since 2025-03-13T23:59:59Z");
        }

        @Test
        void toleratingTheAutomaticNoScheduleTaintKeyAdmitsTheCluster() {
            FleetSnapshot fleet = fleet(
                    cluster("a")
                            .health(ClusterHealth.NOT_READY, TEN_42_03)
                            .taint(Taint.of(NOT_READY_KEY, Taint.Effect.NO_SCHEDULE))
                            .build(),
                    cluster("b")
                            .health(ClusterHealth.UNKNOWN, TEN_42_03)
                            .taint(Taint.of(UNREACHABLE_KEY, Taint.Effect.NO_SCHEDULE))
                            .build());

            PlacementDecision notReady = decide(
                    PlacementPolicy.builder()
                            .tolerate(Toleration.exists(NOT_READY_KEY))
                            .build(),
                    fleet);
            assertThat(notReady.chosenNames()).containsExactly("a");
            assertThat(verdict(notReady, "a").reasons()).containsExactly("NotReady since 10:42:03Z tolerated");
            assertThat(verdict(notReady, "b").reasons()).containsExactly("Unknown since 10:42:03Z");

            PlacementDecision unreachable = decide(
                    PlacementPolicy.builder()
                            .tolerate(Toleration.exists(UNREACHABLE_KEY))
                            .build(),
                    fleet);
            assertThat(unreachable.chosenNames()).containsExactly("b");
            assertThat(verdict(unreachable, "b").reasons()).containsExactly("Unknown since 10:42:03Z tolerated");
        }

        @Test
        void aNoExecuteOnlyTolerationDoesNotAdmitNewPlacements() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder()
                            .tolerate(Toleration.noExecuteFor(NOT_READY_KEY, Duration.ofHours(1)))
                            .build(),
                    fleet(cluster("a")
                            .health(ClusterHealth.NOT_READY, AT.minusSeconds(60))
                            .build()));
            assertThat(d.chosen()).isEmpty();
            assertThat(verdict(d, "a").reasons()).containsExactly("NotReady since 11:59:00Z");
        }

        @Test
        void theAutomaticTaintsOfAnUnhealthyClusterAreNotRepeated() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder().build(),
                    fleet(cluster("a")
                            .health(ClusterHealth.NOT_READY, TEN_42_03)
                            .taint(Taint.of(NOT_READY_KEY, Taint.Effect.NO_SCHEDULE))
                            .taint(Taint.of(NOT_READY_KEY, Taint.Effect.NO_EXECUTE))
                            .build()));
            assertThat(verdict(d, "a").reasons()).containsExactly("NotReady since 10:42:03Z");
        }

        @Test
        void aToleratedNotReadyClusterStaysOnlyWithinItsNoExecuteWindow() {
            Toleration tenMinutes =
                    new Toleration(NOT_READY_KEY, Toleration.Operator.EXISTS, "", null, Duration.ofMinutes(10));
            PlacementPolicy policy =
                    PlacementPolicy.builder().tolerate(tenMinutes).build();
            Clusters recent = cluster("recent")
                    .health(ClusterHealth.NOT_READY, AT.minus(Duration.ofMinutes(5)))
                    .taint(Taint.of(NOT_READY_KEY, Taint.Effect.NO_SCHEDULE))
                    .taint(Taint.of(NOT_READY_KEY, Taint.Effect.NO_EXECUTE));
            Clusters old = cluster("old")
                    .health(ClusterHealth.NOT_READY, AT.minus(Duration.ofMinutes(15)))
                    .taint(Taint.of(NOT_READY_KEY, Taint.Effect.NO_SCHEDULE))
                    .taint(Taint.of(NOT_READY_KEY, Taint.Effect.NO_EXECUTE));
            Clusters exact = cluster("exact")
                    .health(ClusterHealth.NOT_READY, AT.minus(Duration.ofMinutes(10)))
                    .taint(Taint.of(NOT_READY_KEY, Taint.Effect.NO_EXECUTE));

            PlacementDecision d = decide(policy, fleet(recent.build(), old.build(), exact.build()));

            assertThat(d.chosenNames()).containsExactly("recent");
            assertThat(verdict(d, "recent").reasons())
                    .containsExactly(
                            "NotReady since 11:55:00Z tolerated",
                            "taint cluster.scaleplane.dev/not-ready:NO_EXECUTE tolerated for 600s since 11:55:00Z");
            assertThat(verdict(d, "old").reasons())
                    .containsExactly(
                            "NotReady since 11:45:00Z tolerated",
                            "taint cluster.scaleplane.dev/not-ready:NO_EXECUTE toleration of 600s expired (since"
                                    + " 11:45:00Z)");
            // healthSince + 600s equals the snapshot's instant: not after it, so expired.
            assertThat(verdict(d, "exact").chosen()).isFalse();
        }
    }

    @Nested
    class Taints {
        private final Taint gpu = new Taint("dedicated", "gpu", Taint.Effect.NO_SCHEDULE);

        @Test
        void anUntoleratedNoScheduleTaintRejects() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder().build(),
                    fleet(cluster("a").taint(gpu).build()));
            assertThat(verdict(d, "a")).hasToString("a rejected: taint dedicated=gpu:NO_SCHEDULE not tolerated");
        }

        @Test
        void aMatchingTolerationAdmits() {
            FleetSnapshot fleet = fleet(cluster("a").taint(gpu).build());
            PlacementDecision equal = decide(
                    PlacementPolicy.builder()
                            .tolerate(Toleration.equal("dedicated", "gpu", Taint.Effect.NO_SCHEDULE))
                            .build(),
                    fleet);
            assertThat(verdict(equal, "a").reasons()).containsExactly("taint dedicated=gpu:NO_SCHEDULE tolerated");
            assertThat(equal.chosenNames()).containsExactly("a");

            PlacementDecision everything = decide(
                    PlacementPolicy.builder()
                            .tolerate(new Toleration("", Toleration.Operator.EXISTS, "", null, null))
                            .build(),
                    fleet);
            assertThat(everything.chosenNames()).containsExactly("a");
        }

        @Test
        void aTolerationOfAnotherValueOrEffectDoesNot() {
            FleetSnapshot fleet = fleet(cluster("a").taint(gpu).build());
            assertThat(decide(
                                    PlacementPolicy.builder()
                                            .tolerate(Toleration.equal("dedicated", "tpu", Taint.Effect.NO_SCHEDULE))
                                            .build(),
                                    fleet)
                            .chosen())
                    .isEmpty();
            assertThat(decide(
                                    PlacementPolicy.builder()
                                            .tolerate(Toleration.equal("dedicated", "gpu", Taint.Effect.NO_EXECUTE))
                                            .build(),
                                    fleet)
                            .chosen())
                    .isEmpty();
        }

        @Test
        void noExecuteTaints() {
            Taint maintenance = Taint.of("maintenance", Taint.Effect.NO_EXECUTE);
            FleetSnapshot fleet = fleet(cluster("a").taint(maintenance).build());

            assertThat(verdict(decide(PlacementPolicy.builder().build(), fleet), "a")
                            .reasons())
                    .containsExactly("taint maintenance:NO_EXECUTE not tolerated");
            PlacementDecision forever = decide(
                    PlacementPolicy.builder()
                            .tolerate(Toleration.exists("maintenance"))
                            .build(),
                    fleet);
            assertThat(verdict(forever, "a").reasons()).containsExactly("taint maintenance:NO_EXECUTE tolerated");
            assertThat(forever.chosenNames()).containsExactly("a");
        }

        @Test
        void theShortestMatchingWindowApplies() {
            // Healthy for 30 minutes; a 1 h and a 10 min toleration both match: 10 min applies, as in Kubernetes.
            Taint maintenance = Taint.of("maintenance", Taint.Effect.NO_EXECUTE);
            FleetSnapshot fleet = fleet(cluster("a")
                    .health(ClusterHealth.READY, AT.minus(Duration.ofMinutes(30)))
                    .taint(maintenance)
                    .build());
            PlacementDecision d = decide(
                    PlacementPolicy.builder()
                            .tolerate(Toleration.noExecuteFor("maintenance", Duration.ofHours(1)))
                            .tolerate(Toleration.noExecuteFor("maintenance", Duration.ofMinutes(10)))
                            .build(),
                    fleet);
            assertThat(verdict(d, "a").reasons())
                    .containsExactly("taint maintenance:NO_EXECUTE toleration of 600s expired (since 11:30:00Z)");

            PlacementDecision longer = decide(
                    PlacementPolicy.builder()
                            .tolerate(Toleration.noExecuteFor("maintenance", Duration.ofHours(1)))
                            .build(),
                    fleet);
            assertThat(verdict(longer, "a").reasons())
                    .containsExactly("taint maintenance:NO_EXECUTE tolerated for 3600s since 11:30:00Z");
        }

        @Test
        void preferNoScheduleCostsFiftyEachAndRanksTheClusterLower() {
            FleetSnapshot fleet = fleet(
                    cluster("a")
                            .taint(Taint.of("spot", Taint.Effect.PREFER_NO_SCHEDULE))
                            .taint(new Taint("old", "kernel", Taint.Effect.PREFER_NO_SCHEDULE))
                            .build(),
                    cluster("b").available(new Capacity(5_000, 20L << 30, 50)).build());

            PlacementDecision d = decide(PlacementPolicy.builder().pick(1).build(), fleet);

            assertThat(d.chosenNames()).containsExactly("b");
            ClusterVerdict a = verdict(d, "a");
            assertThat(a.reasons())
                    .containsExactly(
                            "taint spot:PREFER_NO_SCHEDULE not tolerated, score -50",
                            "taint old=kernel:PREFER_NO_SCHEDULE not tolerated, score -50",
                            "not chosen: rank 2 of 2 feasible, pick 1");
            assertThat(a.scoreParts())
                    .containsExactly(
                            new ClusterVerdict.ScorePart("capacity", 100),
                            new ClusterVerdict.ScorePart("prefer-no-schedule", -100));
            assertThat(a.score()).isEqualTo(0.0);
            assertThat(verdict(d, "b").score()).isEqualTo(50.0);

            PlacementDecision tolerated = decide(
                    PlacementPolicy.builder()
                            .pick(1)
                            .tolerate(Toleration.exists("spot"))
                            .tolerate(Toleration.exists("old"))
                            .build(),
                    fleet);
            assertThat(tolerated.chosenNames()).containsExactly("a");
            assertThat(verdict(tolerated, "a").reasons())
                    .startsWith(
                            "taint spot:PREFER_NO_SCHEDULE tolerated", "taint old=kernel:PREFER_NO_SCHEDULE tolerated");
        }
    }

    @Nested
    class CapacityFilter {
        @Test
        void duplicatedNeedsAllReplicasBoundedByTheClustersBounds() {
            FleetSnapshot fleet = fleet(
                    cluster("a").fitting(2).build(),
                    cluster("b").fitting(5).build(),
                    cluster("c").fitting(2).build());
            PlacementDecision d = decide(
                    PlacementPolicy.builder()
                            .replicas(5)
                            .resourcesPerReplica(ONE_CORE)
                            .replicaBounds("c", 0, 2)
                            .build(),
                    fleet);

            assertThat(verdict(d, "a").reasons()).containsExactly("capacity fits 2 < 5 replicas");
            assertThat(verdict(d, "b").reasons()).containsExactly("capacity fits 5 >= 5 replicas");
            assertThat(verdict(d, "c").reasons()).containsExactly("capacity fits 2 >= 2 replicas");
            assertThat(d.replicas()).containsExactly(Map.entry("b", 5), Map.entry("c", 2));
        }

        @Test
        void dividedNeedsOneReplicaOrTheMinimum() {
            FleetSnapshot fleet = fleet(
                    cluster("a").fitting(0).build(),
                    cluster("b").fitting(2).build(),
                    cluster("c").fitting(7).build());
            PlacementDecision d = decide(
                    PlacementPolicy.builder()
                            .replicas(6)
                            .division(ReplicaDivision.dynamicByCapacity())
                            .resourcesPerReplica(ONE_CORE)
                            .replicaBounds("b", 3, 10)
                            .build(),
                    fleet);

            assertThat(verdict(d, "a").reasons()).containsExactly("capacity fits 0 < 1 replica");
            assertThat(verdict(d, "b").reasons()).containsExactly("capacity fits 2 < 3 replicas");
            assertThat(verdict(d, "c").reasons()).startsWith("capacity fits 7 replicas");
            assertThat(d.chosenNames()).containsExactly("c");
        }

        @Test
        void notCheckedWithoutReplicasOrPerReplicaResources() {
            FleetSnapshot fleet = fleet(cluster("a").fitting(0).build());
            assertThat(decide(
                                    PlacementPolicy.builder()
                                            .resourcesPerReplica(ONE_CORE)
                                            .build(),
                                    fleet)
                            .chosenNames())
                    .containsExactly("a");
            assertThat(decide(PlacementPolicy.builder().replicas(3).build(), fleet)
                            .chosenNames())
                    .containsExactly("a");
        }

        @Test
        void resourcesPerReplicaOfNothingFitAnyNumber() {
            PlacementDecision d = decide(
                    PlacementPolicy.builder()
                            .replicas(3)
                            .resourcesPerReplica(Capacity.ZERO)
                            .build(),
                    fleet(cluster("a").fitting(0).build()));
            assertThat(verdict(d, "a").reasons()).containsExactly("capacity fits any number of replicas");
        }
    }
}
