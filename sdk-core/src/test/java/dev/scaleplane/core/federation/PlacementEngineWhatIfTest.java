package dev.scaleplane.core.federation;

import static dev.scaleplane.core.federation.Clusters.AT;
import static dev.scaleplane.core.federation.Clusters.ONE_CORE;
import static dev.scaleplane.core.federation.Clusters.cluster;
import static dev.scaleplane.core.federation.Clusters.fleet;
import static dev.scaleplane.core.federation.PlacementEngineFilterTest.verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.ReplicaDivision;
import dev.scaleplane.api.federation.SpreadConstraint;
import dev.scaleplane.api.federation.Taint;
import dev.scaleplane.api.federation.Toleration;
import dev.scaleplane.api.federation.WhatIf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What-if changes, simulation, residency under failure, and determinism of {@link PlacementEngine}. */
class PlacementEngineWhatIfTest {

    private static final Taint GPU = new Taint("dedicated", "gpu", Taint.Effect.NO_SCHEDULE);

    private static final FleetSnapshot FLEET = fleet(
            cluster("ams-1").region("ams").label("tier", "web").taint(GPU).build(),
            cluster("par-1")
                    .region("par")
                    .health(ClusterHealth.NOT_READY, AT.minusSeconds(60))
                    .taint(Taint.of(Taint.NOT_READY, Taint.Effect.NO_SCHEDULE))
                    .build(),
            cluster("waw-1").region("waw").build(),
            cluster("nyc-1").region("nyc").residency("US").build());

    private static ClusterState state(FleetSnapshot fleet, String name) {
        return fleet.cluster(name).orElseThrow();
    }

    @Test
    void clusterDownIsUnreachableForAYearWithTheUnreachableTaints() {
        FleetSnapshot after = PlacementEngine.apply(
                FLEET,
                WhatIf.builder().clusterDown("par-1").clusterDown("ams-1").build());

        ClusterState par = state(after, "par-1");
        assertThat(par.health()).isEqualTo(ClusterHealth.UNKNOWN);
        assertThat(par.healthSince()).isEqualTo(AT.minus(Duration.ofDays(365)));
        // The not-ready taint is replaced: the cluster is unreachable now.
        assertThat(par.taints())
                .containsExactly(
                        Taint.of(Taint.UNREACHABLE, Taint.Effect.NO_SCHEDULE),
                        Taint.of(Taint.UNREACHABLE, Taint.Effect.NO_EXECUTE));
        // Registered taints stay.
        assertThat(state(after, "ams-1").taints())
                .containsExactly(
                        GPU,
                        Taint.of(Taint.UNREACHABLE, Taint.Effect.NO_SCHEDULE),
                        Taint.of(Taint.UNREACHABLE, Taint.Effect.NO_EXECUTE));
        // The original is untouched.
        assertThat(state(FLEET, "par-1").health()).isEqualTo(ClusterHealth.NOT_READY);

        PlacementDecision d = PlacementEngine.decide(PlacementPolicy.builder().build(), after);
        assertThat(verdict(d, "par-1").reasons()).containsExactly("Unknown since 2024-03-14T12:00:00Z");
    }

    @Test
    void aDownClusterOutlivesAnyRealisticNoExecuteToleration() {
        Toleration oneDay = new Toleration(Taint.UNREACHABLE, Toleration.Operator.EXISTS, "", null, Duration.ofDays(1));
        PlacementDecision d = PlacementEngine.simulate(
                PlacementPolicy.builder().tolerate(oneDay).build(),
                FLEET,
                WhatIf.builder().clusterDown("waw-1").build());
        assertThat(verdict(d, "waw-1").reasons())
                .containsExactly(
                        "Unknown since 2024-03-14T12:00:00Z tolerated",
                        "taint cluster.scaleplane.dev/unreachable:NO_EXECUTE toleration of 86400s expired (since"
                                + " 2024-03-14T12:00:00Z)");

        PlacementDecision forever = PlacementEngine.simulate(
                PlacementPolicy.builder()
                        .tolerate(Toleration.exists(Taint.UNREACHABLE))
                        .build(),
                FLEET,
                WhatIf.builder().clusterDown("waw-1").build());
        assertThat(verdict(forever, "waw-1").chosen()).isTrue();
    }

    @Test
    void clusterRemoved() {
        FleetSnapshot after = PlacementEngine.apply(
                FLEET, WhatIf.builder().clusterRemoved("waw-1").build());
        assertThat(after.clusters()).extracting(ClusterState::name).containsExactly("ams-1", "nyc-1", "par-1");
        assertThat(after.at()).isEqualTo(AT);
    }

    @Test
    void labelSetAndRemoved() {
        FleetSnapshot after = PlacementEngine.apply(
                FLEET,
                WhatIf.builder()
                        .label("waw-1", "tier", "web")
                        .label("ams-1", "tier", null)
                        .build());
        assertThat(state(after, "waw-1").spec().labels()).containsEntry("tier", "web");
        assertThat(state(after, "ams-1").spec().labels()).doesNotContainKey("tier");

        PlacementDecision d = PlacementEngine.decide(
                PlacementPolicy.builder().selector("tier=web").build(), after);
        assertThat(d.chosenNames()).containsExactly("waw-1");
    }

    @Test
    void capacityChangedSetsCapacityAndAvailable() {
        Capacity two = new Capacity(2_000, 2L << 30, 2);
        FleetSnapshot after = PlacementEngine.apply(
                FLEET, WhatIf.builder().capacity("waw-1", two).build());
        assertThat(state(after, "waw-1").capacity()).isEqualTo(two);
        assertThat(state(after, "waw-1").available()).isEqualTo(two);

        PlacementDecision d = PlacementEngine.decide(
                PlacementPolicy.builder()
                        .clusters("waw-1")
                        .replicas(3)
                        .resourcesPerReplica(ONE_CORE)
                        .build(),
                after);
        assertThat(verdict(d, "waw-1").reasons()).containsExactly("in clusters ok", "capacity fits 2 < 3 replicas");
    }

    @Test
    void clusterAddedIsReadyWithAllItsCapacity() {
        ClusterSpec spec = ClusterSpec.builder("lis-1")
                .region("lis")
                .residency("EU")
                .taint(Taint.of("spot", Taint.Effect.PREFER_NO_SCHEDULE))
                .credentials(ClusterCredentials.kubeconfigContext("lis-1"))
                .build();
        Capacity cap = new Capacity(8_000, 32L << 30, 110);
        FleetSnapshot after = PlacementEngine.apply(
                FLEET,
                WhatIf.builder().clusterAdded(spec, cap).clusterDown("lis-1").build());
        assertThat(state(after, "lis-1").health()).isEqualTo(ClusterHealth.UNKNOWN);

        FleetSnapshot added = PlacementEngine.apply(
                FLEET, WhatIf.builder().clusterAdded(spec, cap).build());
        ClusterState lis = state(added, "lis-1");
        assertThat(lis.health()).isEqualTo(ClusterHealth.READY);
        assertThat(lis.healthSince()).isEqualTo(AT);
        assertThat(lis.capacity()).isEqualTo(cap);
        assertThat(lis.available()).isEqualTo(cap);
        assertThat(lis.taints()).containsExactly(Taint.of("spot", Taint.Effect.PREFER_NO_SCHEDULE));
        assertThat(added.clusters())
                .extracting(ClusterState::name)
                .containsExactly("ams-1", "lis-1", "nyc-1", "par-1", "waw-1");
    }

    @Test
    void anUnknownClusterIsNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> PlacementEngine.apply(
                        FLEET, WhatIf.builder().clusterDown("lon-1").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("what-if ClusterDown[cluster=lon-1] names unknown cluster 'lon-1'; known clusters: [ams-1,"
                        + " nyc-1, par-1, waw-1]");
        // Changes see the earlier ones: a removed cluster is unknown afterwards.
        assertThatThrownBy(() -> PlacementEngine.simulate(
                        PlacementPolicy.builder().build(),
                        FLEET,
                        WhatIf.builder()
                                .clusterRemoved("waw-1")
                                .label("waw-1", "a", "b")
                                .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown cluster 'waw-1'; known clusters: [ams-1, nyc-1, par-1]");
    }

    @Test
    void aLargeFleetListsTheFirstFiftyNames() {
        List<ClusterState> states = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            states.add(cluster(String.format("c%03d", i)).build());
        }
        assertThatThrownBy(() -> PlacementEngine.apply(
                        fleet(states), WhatIf.builder().clusterRemoved("x").build()))
                .hasMessageEndingWith("c048, c049, ... (120 in all)]");
    }

    @Test
    void anAddedClusterMustBeNew() {
        ClusterSpec spec = state(FLEET, "waw-1").spec();
        assertThatThrownBy(() -> PlacementEngine.apply(
                        FLEET,
                        WhatIf.builder().clusterAdded(spec, Capacity.ZERO).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("adds cluster 'waw-1', which is already in the snapshot");
    }

    @Test
    void noChangeIsTheSameSnapshotAndSimulateIsDecideOnTheChangedFleet() {
        assertThat(PlacementEngine.apply(FLEET, WhatIf.NONE)).isSameAs(FLEET);
        PlacementPolicy policy =
                PlacementPolicy.builder().residency("EU").pick(1).build();
        WhatIf whatIf = WhatIf.builder().clusterDown("waw-1").build();
        assertThat(PlacementEngine.simulate(policy, FLEET, whatIf))
                .isEqualTo(PlacementEngine.decide(policy, PlacementEngine.apply(FLEET, whatIf)));
    }

    @Test
    void residencyHoldsWhenEveryClusterOfItGoesDown() {
        PlacementPolicy policy = PlacementPolicy.builder()
                .residency("EU")
                .tolerate(Toleration.exists("dedicated"))
                .build();
        assertThat(PlacementEngine.decide(policy, FLEET).chosenNames()).containsExactly("ams-1", "waw-1");

        PlacementDecision d = PlacementEngine.simulate(
                policy,
                FLEET,
                WhatIf.builder()
                        .clusterDown("ams-1")
                        .clusterDown("par-1")
                        .clusterDown("waw-1")
                        .build());

        assertThat(d.satisfied()).isFalse();
        assertThat(d.failure()).isEqualTo("no cluster fits: 4 rejected");
        assertThat(d.chosen()).isEmpty();
        // The healthy US cluster is not a way out.
        assertThat(verdict(d, "nyc-1").reasons()).containsExactly("residency US, policy needs EU");
    }

    @Test
    void aFailoverSimulationMovesToTheNextClusterOfTheResidency() {
        PlacementPolicy policy = PlacementPolicy.builder()
                .residency("EU")
                .pick(1)
                .replicas(3)
                .resourcesPerReplica(ONE_CORE)
                .build();
        assertThat(PlacementEngine.decide(policy, FLEET).chosenNames()).containsExactly("waw-1");
        assertThat(PlacementEngine.simulate(
                                policy,
                                FLEET,
                                WhatIf.builder().clusterDown("waw-1").build())
                        .failure())
                .isEqualTo("no cluster fits: 4 rejected");
        PlacementPolicy tolerant =
                policy.toBuilder().tolerate(Toleration.exists("dedicated")).build();
        PlacementDecision d = PlacementEngine.simulate(
                tolerant, FLEET, WhatIf.builder().clusterDown("waw-1").build());
        assertThat(d.chosenNames()).containsExactly("ams-1");
        assertThat(d.replicas()).containsEntry("ams-1", 3);
    }

    @Test
    void theInputOrderNeverChangesTheDecision() {
        Random random = new Random(42);
        List<ClusterState> states = new ArrayList<>();
        String[] regions = {"ams", "par", "waw", "fra"};
        for (int i = 0; i < 300; i++) {
            Clusters c = cluster("c" + i)
                    .region(regions[i % regions.length])
                    .zone(regions[i % regions.length] + "-" + (i % 3))
                    .label("tier", i % 2 == 0 ? "web" : "batch")
                    // Many equal scores, so ties must be broken by name, not by input order.
                    .fitting(5 + (i % 4));
            if (i % 11 == 0) {
                c.health(ClusterHealth.NOT_READY, AT.minusSeconds(i));
            }
            if (i % 13 == 0) {
                c.taint(Taint.of("spot", Taint.Effect.PREFER_NO_SCHEDULE));
            }
            states.add(c.build());
        }
        PlacementPolicy policy = PlacementPolicy.builder()
                .selector("tier in (web)")
                .residency("EU")
                .spread(SpreadConstraint.regions(2, 3))
                .pick(7)
                .replicas(31)
                .division(ReplicaDivision.dynamicByCapacity())
                .resourcesPerReplica(ONE_CORE)
                .build();

        PlacementDecision first = PlacementEngine.decide(policy, fleet(states));
        for (int round = 0; round < 5; round++) {
            List<ClusterState> shuffled = new ArrayList<>(states);
            Collections.shuffle(shuffled, random);
            PlacementDecision again = PlacementEngine.decide(policy, fleet(shuffled));
            assertThat(again).isEqualTo(first);
            assertThat(again.explain()).isEqualTo(first.explain());
        }
        assertThat(first.satisfied()).isTrue();
        assertThat(first.chosen()).hasSize(7);
    }
}
