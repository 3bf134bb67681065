package dev.scaleplane.core.capacity;

import static dev.scaleplane.core.capacity.FleetHistories.GIB;
import static dev.scaleplane.core.capacity.FleetHistories.NOW;
import static dev.scaleplane.core.capacity.FleetHistories.cluster;
import static dev.scaleplane.core.capacity.FleetHistories.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.scaleplane.api.capacity.CapacityPlan;
import dev.scaleplane.api.capacity.CapacityPlannerSettings;
import dev.scaleplane.api.capacity.CapacityShortfallProjected;
import dev.scaleplane.api.capacity.DemandHistory;
import dev.scaleplane.api.capacity.Recommendation;
import dev.scaleplane.api.capacity.Resource;
import dev.scaleplane.api.capacity.ResourceProjection;
import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.FleetSnapshot;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Projections on generated histories whose answers are known in closed form, with the default settings (headroom
 * 0.30, window 28 days, hourly steps, daily seasonality, horizon 30 days, holdout 7 days). Region eu-west has two
 * clusters of 16 cores, 64Gi and 110 pods each: 32 cores, 128Gi and 220 pods allocatable.
 */
class CapacityProjectionTest {
    private static final Capacity NODE = new Capacity(16_000, 64 * GIB, 110);

    private final CapacityPlanner planner = CapacityPlanner.create(CapacityPlannerSettings.defaults());

    private static FleetSnapshot euWest(Capacity ams1Requested, Capacity ams2Requested) {
        return new FleetSnapshot(
                NOW,
                List.of(
                        cluster("ams-1", "eu-west", "EU", NODE, ams1Requested),
                        cluster("ams-2", "eu-west", "EU", NODE, ams2Requested)));
    }

    @Test
    void linearGrowthIsProjectedExactlyAndAddsOneNode() {
        // cpu = 20 cores + 10m per hour: 27.2 cores at the horizon's end (t = 720 h)
        DemandHistory history = series(DemandHistory.builder(), "eu-west", Resource.CPU, t -> 20_000 + 10 * t)
                .build();
        CapacityPlan plan =
                planner.plan(euWest(new Capacity(12_000, 0, 0), new Capacity(8_000, 0, 0)), history, List.of());

        ResourceProjection cpu =
                plan.region("eu-west").orElseThrow().projection(Resource.CPU).orElseThrow();
        assertThat(cpu.points()).isEqualTo(672);
        assertThat(cpu.trendPerDay()).isCloseTo(240.0, within(1e-6));
        assertThat(cpu.seasonalAmplitude()).isCloseTo(0.0, within(1e-6));
        assertThat(cpu.requested()).isEqualTo(20_000);
        assertThat(cpu.peak()).isEqualTo(27_200);
        assertThat(cpu.peakAt()).isEqualTo(NOW.plusSeconds(720 * 3600));
        assertThat(cpu.required()).isEqualTo(35_360); // 27 200 x 1.30
        assertThat(cpu.allocatable()).isEqualTo(32_000);
        assertThat(cpu.runsOut()).isEmpty(); // 32 cores are reached at t = 1 200 h, after the horizon
        assertThat(cpu.holdoutError().orElseThrow().points()).isEqualTo(168);
        assertThat(cpu.holdoutError().orElseThrow().mape()).isCloseTo(0.0, within(1e-9));
        assertThat(plan.shortfalls()).isEmpty();

        // 3 360m short = 0.84 of a 4-core node: one node, to ams-1 (75% of its cpu requested, ams-2 has 50%)
        assertThat(plan.recommendations(Recommendation.AddNodes.class))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.region()).isEqualTo("eu-west");
                    assertThat(a.cluster()).isEqualTo("ams-1");
                    assertThat(a.nodes()).isEqualTo(1);
                    assertThat(a.binding()).isEqualTo(Resource.CPU);
                    assertThat(a.shape()).isEqualTo(CapacityPlannerSettings.DEFAULT_NODE_SHAPE);
                    assertThat(a.reason())
                            .contains("cpu projected peak 27.2 x 1.30 = 35.36 required, 32 allocatable: 3.36 short");
                });
    }

    @Test
    void growthWithDailySeasonalityPeaksInTheLastBusinessHour() {
        // cpu = 16 cores + 10m per hour, plus 6 cores from 09:00 to 17:59 UTC
        DemandHistory history = series(DemandHistory.builder(), "eu-west", Resource.CPU, FleetHistories::seasonalGrowth)
                .build();
        CapacityPlan plan =
                planner.plan(euWest(new Capacity(8_000, 0, 0), new Capacity(8_000, 0, 0)), history, List.of());

        ResourceProjection cpu =
                plan.region("eu-west").orElseThrow().projection(Resource.CPU).orElseThrow();
        assertThat(cpu.trendPerDay()).isCloseTo(240.0, within(1e-6));
        assertThat(cpu.seasonalAmplitude()).isCloseTo(6_000.0, within(1e-6));
        // the last 17:00 in the horizon is t = 29 x 24 + 17 = 713: 16 000 + 7 130 + 6 000
        assertThat(cpu.peak()).isEqualTo(29_130);
        assertThat(cpu.peakAt()).isEqualTo(Instant.parse("2026-06-30T17:00:00Z"));
        assertThat(cpu.required()).isEqualTo(37_869);
        assertThat(cpu.runsOut()).isEmpty();
        assertThat(cpu.holdoutError().orElseThrow().mape()).isCloseTo(0.0, within(1e-9));
        // 5 869m short: two 4-core nodes; equal shares, so the first cluster by name
        assertThat(plan.recommendations(Recommendation.AddNodes.class))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.nodes()).isEqualTo(2);
                    assertThat(a.cluster()).isEqualTo("ams-1");
                });
    }

    @Test
    void flatDemandNeedsNothing() {
        DemandHistory.Builder b = DemandHistory.builder();
        series(b, "eu-west", Resource.CPU, t -> 12_000);
        series(b, "eu-west", Resource.MEMORY, t -> 48 * GIB);
        series(b, "eu-west", Resource.PODS, t -> 60);
        CapacityPlan plan = planner.plan(
                euWest(new Capacity(6_000, 24 * GIB, 30), new Capacity(6_000, 24 * GIB, 30)), b.build(), List.of());

        var region = plan.region("eu-west").orElseThrow();
        assertThat(region.allocatable()).isEqualTo(new Capacity(32_000, 128 * GIB, 220));
        assertThat(region.requested()).isEqualTo(new Capacity(12_000, 48 * GIB, 60));
        assertThat(region.projections())
                .extracting(ResourceProjection::resource, ResourceProjection::peak, ResourceProjection::required)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Resource.CPU, 12_000L, 15_600L),
                        org.assertj.core.groups.Tuple.tuple(
                                Resource.MEMORY, 48 * GIB, (48 * GIB * 13 + 9) / 10), // 62.4Gi, rounded up
                        org.assertj.core.groups.Tuple.tuple(Resource.PODS, 60L, 78L));
        region.projections().forEach(p -> assertThat(p.trendPerDay()).isCloseTo(0.0, within(1e-6)));
        assertThat(plan.recommendations()).isEmpty();
        assertThat(plan.shortfalls()).isEmpty();
    }

    @Test
    void aRegionRunsOutOfMemoryOnAKnownDay() {
        // memory = 100Gi + 64Mi per hour: the 128Gi allocatable are exceeded at t = 449 h (28Gi = 448 x 64Mi)
        DemandHistory history = series(
                        DemandHistory.builder(), "eu-west", Resource.MEMORY, t -> 100 * GIB + (64L << 20) * t)
                .build();
        CapacityPlan plan =
                planner.plan(euWest(new Capacity(0, 60 * GIB, 0), new Capacity(0, 40 * GIB, 0)), history, List.of());

        ResourceProjection memory =
                plan.region("eu-west").orElseThrow().projection(Resource.MEMORY).orElseThrow();
        Instant day19 = Instant.parse("2026-06-19T17:00:00Z");
        assertThat(NOW.plusSeconds(449 * 3600)).isEqualTo(day19);
        assertThat(memory.runsOut()).contains(day19);
        assertThat(memory.peak()).isEqualTo(145 * GIB);
        assertThat(memory.required()).isEqualTo(377L << 29); // 188.5Gi
        assertThat(plan.shortfalls())
                .containsExactly(
                        new CapacityShortfallProjected("eu-west", Resource.MEMORY, day19, 377L << 29, 128 * GIB, NOW));
        // 60.5Gi short: four 16Gi nodes, to ams-1 (60Gi of 64Gi requested)
        assertThat(plan.recommendations(Recommendation.AddNodes.class))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.nodes()).isEqualTo(4);
                    assertThat(a.binding()).isEqualTo(Resource.MEMORY);
                    assertThat(a.cluster()).isEqualTo("ams-1");
                });
        // ams-1 has 94% of its memory requested
        assertThat(plan.recommendations(Recommendation.NearQuota.class))
                .singleElement()
                .satisfies(q -> {
                    assertThat(q.cluster()).isEqualTo("ams-1");
                    assertThat(q.resource()).isEqualTo(Resource.MEMORY);
                    assertThat(q.share()).isEqualTo(60.0 / 64);
                    assertThat(q.basis()).isEqualTo(Recommendation.NearQuota.Basis.REQUESTED);
                });
        assertThat(plan.table())
                .contains(
                        "Shortfall: eu-west runs out of memory at 2026-06-19T17:00:00Z (requires 188.5Gi, has 128Gi)");
    }

    @Test
    void aHistoryWithoutSeasonalityFitsAPlainTrend() {
        CapacityPlanner plain = CapacityPlanner.create(CapacityPlannerSettings.builder()
                .seasonality(java.time.Duration.ZERO)
                .headroom(0.5)
                .horizon(java.time.Duration.ofDays(10))
                .build());
        DemandHistory history = series(DemandHistory.builder(), "eu-west", Resource.PODS, t -> 1_000 + t)
                .build();
        ResourceProjection pods = plain.plan(euWest(Capacity.ZERO, Capacity.ZERO), history, List.of())
                .region("eu-west")
                .orElseThrow()
                .projection(Resource.PODS)
                .orElseThrow();
        // one pod an hour: 1 240 at the end of a 10-day horizon, x 1.5
        assertThat(pods.trendPerDay()).isCloseTo(24.0, within(1e-6));
        assertThat(pods.seasonalAmplitude()).isZero();
        assertThat(pods.peak()).isEqualTo(1_240);
        assertThat(pods.required()).isEqualTo(1_860);
        assertThat(pods.runsOut()).contains(NOW.plusSeconds(3600)); // 220 pods allocatable
    }
}
