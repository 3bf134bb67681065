package dev.scaleplane.core.capacity;

import static dev.scaleplane.core.capacity.FleetHistories.GIB;
import static dev.scaleplane.core.capacity.FleetHistories.HOURS;
import static dev.scaleplane.core.capacity.FleetHistories.NOW;
import static dev.scaleplane.core.capacity.FleetHistories.cluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.capacity.CapacityEvents;
import dev.scaleplane.api.capacity.CapacityPlan;
import dev.scaleplane.api.capacity.CapacityPlannerSettings;
import dev.scaleplane.api.capacity.CapacitySampled;
import dev.scaleplane.api.capacity.CapacityShortfallProjected;
import dev.scaleplane.api.capacity.DemandHistory;
import dev.scaleplane.api.capacity.DeploymentActivity;
import dev.scaleplane.api.capacity.Resource;
import dev.scaleplane.api.capacity.ResourceProjection;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.DeploymentCompleted;
import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The planner records a sample per cluster per hour in the platform's store, reads them back as history and plans from
 * them; a projected shortfall is appended to the region's stream and published.
 */
class CapacityPlannerStoreTest {
    private static final Capacity NODE = new Capacity(16_000, 64 * GIB, 110);

    private final ScaleplanePlatform platform = Scaleplane.builder()
            .config(ScaleplaneProperties.of(Map.of("scaleplane.store.provider", "memory")))
            .build();
    private final CapacityPlanner planner = CapacityPlanner.create(CapacityPlannerSettings.defaults(), platform);

    @AfterEach
    void close() {
        platform.close();
    }

    /**
     * The fleet at hour {@code t}: eu-west's two clusters each request half of 100Gi + 64Mi per hour (the region runs
     * out at t = 449 h) and 10 cores; us-east requests a flat 4 cores.
     */
    private static FleetSnapshot fleetAt(long t) {
        long memory = (100 * GIB + (64L << 20) * t) / 2;
        return new FleetSnapshot(
                NOW.plusSeconds(t * 3600),
                List.of(
                        cluster("ams-1", "eu-west", "EU", NODE, new Capacity(5_000, memory, 10)),
                        cluster("ams-2", "eu-west", "EU", NODE, new Capacity(5_000, memory, 10)),
                        cluster("nyc-1", "us-east", "US", NODE, new Capacity(4_000, 8 * GIB, 20))));
    }

    @Test
    void samplesRecordedHourlyAreTheHistoryOfThePlan() throws Exception {
        List<Event<?>> published = new CopyOnWriteArrayList<>();
        var subscription = platform.events()
                .subscribe(SubscriptionOptions.of(CapacityEvents.TOPIC, "test"), e -> published.add(e));
        try {
            for (long t = -(HOURS - 1); t <= 0; t++) {
                planner.sample(fleetAt(t));
            }
            DemandHistory recorded = planner.history(NOW);
            assertThat(recorded.regions()).containsExactly("eu-west", "us-east");
            assertThat(recorded.series("eu-west", Resource.MEMORY)).hasSize(HOURS);
            assertThat(recorded.series("eu-west", Resource.MEMORY).get(HOURS - 1))
                    .isEqualTo(new DemandHistory.Point(NOW, 100 * GIB));

            CapacityPlan plan = planner.plan(fleetAt(0), List.of());

            ResourceProjection memory = plan.region("eu-west")
                    .orElseThrow()
                    .projection(Resource.MEMORY)
                    .orElseThrow();
            Instant day19 = Instant.parse("2026-06-19T17:00:00Z");
            assertThat(memory.runsOut()).contains(day19);
            assertThat(memory.peak()).isEqualTo(145 * GIB);
            ResourceProjection cpu = plan.region("us-east")
                    .orElseThrow()
                    .projection(Resource.CPU)
                    .orElseThrow();
            assertThat(cpu.peak()).isEqualTo(4_000);
            assertThat(cpu.runsOut()).isEmpty();

            CapacityShortfallProjected expected =
                    new CapacityShortfallProjected("eu-west", Resource.MEMORY, day19, 377L << 29, 128 * GIB, NOW);
            assertThat(plan.shortfalls()).containsExactly(expected);
            List<RecordedEvent> stream = platform.store()
                    .readStream(CapacityEvents.stream("eu-west"), ReadDirection.BACKWARD, Long.MAX_VALUE, 1);
            assertThat(stream).singleElement().satisfies(r -> {
                assertThat(r.event().type()).isEqualTo(CapacityShortfallProjected.TYPE_NAME);
                assertThat(r.event().data()).isEqualTo(expected);
            });
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> !published.isEmpty());
            assertThat(published).singleElement().satisfies(e -> {
                assertThat(e.subject()).isEqualTo("eu-west");
                assertThat(e.data()).isEqualTo(expected);
            });
        } finally {
            subscription.close();
        }
    }

    @Test
    void aSampleIsTheClustersAllocatableAndRequested() {
        List<CapacitySampled> samples = planner.sample(fleetAt(0));

        assertThat(samples.get(2))
                .isEqualTo(
                        new CapacitySampled("nyc-1", "us-east", "US", NOW, 16_000, 64 * GIB, 110, 4_000, 8 * GIB, 20));
        assertThat(platform.store().streamVersion(CapacityEvents.stream("eu-west")))
                .hasValue(1);
    }

    @Test
    void samplingEveryStepOnVirtualTimeRecordsOnePointPerHour() {
        VirtualTaskClock clock = new VirtualTaskClock(NOW.minusSeconds(3 * 3600));
        CapacityPlanner.Sampling sampling = planner.sampleEvery(
                () -> fleetAt(Duration.between(NOW, clock.now()).toHours()), clock);
        try {
            clock.advanceTo(NOW);
            assertThat(planner.history(NOW).series("eu-west", Resource.MEMORY))
                    .extracting(DemandHistory.Point::amount)
                    .containsExactly(
                            100 * GIB - 3 * (64L << 20),
                            100 * GIB - 2 * (64L << 20),
                            100 * GIB - (64L << 20),
                            100 * GIB);
            sampling.close();
            clock.advance(Duration.ofHours(5));
            assertThat(clock.pendingActions()).isZero();
            assertThat(platform.store().streamVersion(CapacityEvents.stream("us-east")))
                    .hasValue(3);
        } finally {
            sampling.close();
        }
    }

    @Test
    void deploymentsCompletedPerDayAreCountedPerRegion() {
        // eu-west: 1, 2 and 3 + 1 deployments on the last three days; us-east: one 30 days ago, outside the window
        List<Event<?>> completed = new java.util.ArrayList<>();
        int[][] dayClusterCount = {{3, 0, 1}, {2, 0, 2}, {1, 0, 3}, {1, 1, 1}, {30, 2, 1}};
        String[] clusters = {"ams-1", "ams-2", "nyc-1"};
        for (int[] d : dayClusterCount) {
            for (int i = 0; i < d[2]; i++) {
                completed.add(Event.builder(
                                DeploymentCompleted.TYPE,
                                new DeploymentCompleted(
                                        "d" + completed.size(), "shop", "1.0", clusters[d[1]], Duration.ofMinutes(3)))
                        .source("/test")
                        .time(NOW.minus(Duration.ofDays(d[0] - 1)).minusSeconds(3600 * (i + 1)))
                        .build());
            }
        }
        platform.store()
                .append("deployment-test", dev.scaleplane.api.store.ExpectedVersion.ANY, completed)
                .join();

        CapacityPlan plan = planner.plan(fleetAt(0), DemandHistory.empty(), List.of());

        // daily counts, oldest first: 25 zeros, then 1, 2, 4; slope = 90.5 / 1827 (x centred on 13.5)
        assertThat(plan.region("eu-west").orElseThrow().deploymentActivity())
                .contains(new DeploymentActivity(28, 7, 0.25, 90.5 / 1827));
        assertThat(plan.region("us-east")
                        .orElseThrow()
                        .deploymentActivity()
                        .orElseThrow()
                        .completed())
                .isZero();
        assertThat(plan.table()).contains("eu-west      7 completed in 28 days, 0.25/day, trend +0.050/day per day");
    }

    @Test
    void aPlannerWithoutPlatformRecordsNothing() {
        CapacityPlanner bare = CapacityPlanner.create(CapacityPlannerSettings.defaults());
        assertThatThrownBy(() -> bare.sample(fleetAt(0)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CapacityPlanner.create(settings, platform)");
    }
}
