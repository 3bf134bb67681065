package dev.scaleplane.core.capacity;

import static dev.scaleplane.core.capacity.FleetHistories.GIB;
import static dev.scaleplane.core.capacity.FleetHistories.NOW;
import static dev.scaleplane.core.capacity.FleetHistories.cluster;
import static dev.scaleplane.core.capacity.FleetHistories.series;
import static dev.scaleplane.core.capacity.FleetHistories.tenant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.capacity.CapacityPlan;
import dev.scaleplane.api.capacity.CapacityPlannerSettings;
import dev.scaleplane.api.capacity.CostProjection;
import dev.scaleplane.api.capacity.DemandHistory;
import dev.scaleplane.api.capacity.Recommendation;
import dev.scaleplane.api.capacity.Recommendation.NearQuota.Basis;
import dev.scaleplane.api.capacity.Resource;
import dev.scaleplane.api.capacity.UnitPrices;
import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.tenants.Tenant;
import dev.scaleplane.api.tenants.TenantQuota;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cluster rules on a fleet built to trigger each exactly once: ams-1 is hot (87.5% of its cpu requested) and ams-2
 * cold (25%) in residency EU; nyc-1 is colder still but in residency US; fra-1's tenants' quotas commit all its pods.
 */
class CapacityRecommendationsTest {
    private static final Capacity SIXTEEN = new Capacity(16_000, 64 * GIB, 110);

    private static final FleetSnapshot FLEET = new FleetSnapshot(
            NOW,
            List.of(
                    cluster("ams-1", "eu-west", "EU", SIXTEEN, new Capacity(14_000, 16 * GIB, 30)),
                    cluster("ams-2", "eu-west", "EU", SIXTEEN, new Capacity(4_000, 8 * GIB, 10)),
                    cluster(
                            "fra-1",
                            "eu-central",
                            "EU",
                            new Capacity(16_000, 64 * GIB, 40),
                            new Capacity(6_400, 8 * GIB, 12)),
                    cluster("nyc-1", "us-east", "US", SIXTEEN, Capacity.ZERO)));

    private static final List<Tenant> TENANTS = List.of(
            tenant("alice", TenantQuota.defaults(), "ams-1"), // 4 cores, 8Gi, 20 pods
            tenant("bob", TenantQuota.builder().requestsCpu("2").build(), "ams-1"),
            tenant("carol", TenantQuota.builder().requestsCpu("1").build(), "fra-1"),
            tenant("dave", TenantQuota.builder().requestsCpu("1").build(), "fra-1"));

    private final CapacityPlanner planner = CapacityPlanner.create(CapacityPlannerSettings.defaults());

    @Test
    void theLargestTenantMovesFromTheHotClusterToTheColdestOfItsResidency() {
        CapacityPlan plan = planner.plan(FLEET, DemandHistory.empty(), TENANTS);

        // alice (4 cores) brings ams-1 to 62.5%, below the 80% hot share, so bob stays; nyc-1 (0%) is in US
        assertThat(plan.recommendations(Recommendation.RebalanceTenant.class))
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.tenant()).isEqualTo("alice");
                    assertThat(m.from()).isEqualTo("ams-1");
                    assertThat(m.to()).isEqualTo("ams-2");
                    assertThat(m.residency()).isEqualTo("EU");
                    assertThat(m.region()).isEqualTo("eu-west");
                    assertThat(m.reason())
                            .isEqualTo("ams-1 is hot (88% requested, hot at 80%), ams-2 is cold (25%, cold at 50%) in"
                                    + " residency EU; tenant alice's quota requests 4 cores/8Gi/20 pods: ams-1 would"
                                    + " be at 63%, ams-2 at 50%");
                });
    }

    @Test
    void clustersNearingTheirQuotaSayWhetherRequestsOrTenantQuotasFillThem() {
        CapacityPlan plan = planner.plan(FLEET, DemandHistory.empty(), TENANTS);

        assertThat(plan.recommendations(Recommendation.NearQuota.class))
                .extracting(
                        Recommendation.NearQuota::cluster,
                        Recommendation.NearQuota::resource,
                        Recommendation.NearQuota::share,
                        Recommendation.NearQuota::basis)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("ams-1", Resource.CPU, 0.875, Basis.REQUESTED),
                        // carol and dave may request 20 pods each on fra-1, which has 40
                        org.assertj.core.groups.Tuple.tuple("fra-1", Resource.PODS, 1.0, Basis.TENANT_QUOTAS));
        assertThat(plan.recommendations(Recommendation.NearQuota.class).get(1).reason())
                .isEqualTo("its tenants' quotas request 40 pods of 40 allocatable (100%, near-full at 85%)");
    }

    @Test
    void withoutTenantsNoTenantIsMovedAndOnlyRequestsCount() {
        CapacityPlan plan = planner.plan(FLEET, DemandHistory.empty(), List.of());

        assertThat(plan.recommendations(Recommendation.RebalanceTenant.class)).isEmpty();
        assertThat(plan.recommendations(Recommendation.NearQuota.class))
                .extracting(Recommendation.NearQuota::cluster)
                .containsExactly("ams-1");
    }

    @Test
    void costsFollowTheUnitPricesAndTheNodesAdded() {
        CapacityPlanner priced = CapacityPlanner.create(CapacityPlannerSettings.builder()
                .prices(new UnitPrices("EUR", new BigDecimal("0.03"), new BigDecimal("0.004"), new BigDecimal("0.05")))
                .build());
        // eu-west: 32 cores and 128Gi; cpu grows to 29.13 cores (x 1.3 = 37.869): two nodes are added
        DemandHistory history = series(DemandHistory.builder(), "eu-west", Resource.CPU, FleetHistories::seasonalGrowth)
                .build();
        CapacityPlan plan = priced.plan(FLEET, history, List.of());

        assertThat(plan.recommendations(Recommendation.AddNodes.class))
                .singleElement()
                .extracting(Recommendation.AddNodes::nodes)
                .isEqualTo(2L);
        // now: 32 x 0.03 + 128 x 0.004 = 1.472; added: 2 x (4 x 0.03 + 16 x 0.004 + 0.05) = 0.468;
        // over 720 hours: 1.94 x 720 = 1 396.80
        assertThat(plan.region("eu-west").orElseThrow().costProjection())
                .contains(new CostProjection(
                        "EUR", new BigDecimal("1.47"), new BigDecimal("0.47"), new BigDecimal("1396.80")));
        // nyc-1: 16 x 0.03 + 64 x 0.004 = 0.736, nothing added
        assertThat(plan.region("us-east").orElseThrow().costProjection())
                .contains(new CostProjection(
                        "EUR", new BigDecimal("0.74"), new BigDecimal("0.00"), new BigDecimal("529.92")));
        assertThat(plan.table()).contains("eu-west      1.47/h now, +0.47/h added, 1396.80 over the horizon (EUR)");
    }

    @Test
    void theTablePrintsEveryRegionClusterAndRecommendation() {
        DemandHistory history = series(DemandHistory.builder(), "eu-west", Resource.CPU, t -> 18_000 + 10 * t)
                .build();
        String table = planner.plan(FLEET, history, TENANTS).table();
        System.out.print(table); // what a sample prints

        assertThat(table)
                .startsWith("Capacity plan at 2026-06-01T00:00:00Z (headroom 30%, horizon PT720H)")
                .contains("eu-west      cpu              32         18      25.2     32.76 -")
                .contains("ams-1        eu-west      EU           88%     25%    27%")
                .contains("[eu-west] add 1 node(s) to ams-1: cpu projected peak 25.2 x 1.30 = 32.76 required")
                .contains("[eu-west] move tenant alice from ams-1 to ams-2: ams-1 is hot")
                .contains("[eu-central] fra-1 nears its pods quota: its tenants' quotas request 40 pods");
    }
}
