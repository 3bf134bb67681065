package dev.scaleplane.samples.federation;

import dev.scaleplane.api.capacity.CapacityEvents;
import dev.scaleplane.api.capacity.CapacityPlan;
import dev.scaleplane.api.capacity.CapacityPlannerSettings;
import dev.scaleplane.api.capacity.CapacityShortfallProjected;
import dev.scaleplane.api.capacity.DemandHistory;
import dev.scaleplane.api.capacity.Resource;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.capacity.CapacityPlanner;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The last step of the sample: a capacity plan for the simulated fleet. The fleet has no history of its own (it was
 * started seconds ago), so the step generates one: 28 days of hourly demand per region, as shares of what each region
 * has allocatable today (discovered from its Nodes), with a daily peak from 09:00 to 17:59 UTC. Every region is flat
 * at about 35 % except {@value #GROWING}, whose CPU and memory grow by 1.5 points a day from 28 % to 70 %: projected
 * forward, it runs out within the 30-day horizon and the planner says so, in {@link CapacityPlan#table()} and as a
 * {@link CapacityShortfallProjected} event (appended to stream {@code capacity-warsaw} and published on topic
 * {@value CapacityEvents#TOPIC}). An application would let the planner sample the fleet every hour
 * ({@code CapacityPlanner.sampleEvery}) and plan from what it recorded.
 */
final class CapacityStep {

    /** The region whose demand grows; the smallest of the fleet. */
    static final String GROWING = FederationSample.WARSAW;

    /** The resources that grow in {@link #GROWING}; its pods stay flat. */
    static final Set<Resource> GROWING_RESOURCES = Set.of(Resource.CPU, Resource.MEMORY);

    /** The flat regions' share of their allocatable capacity, outside the daily peak. */
    static final double FLAT_SHARE = 0.35;

    /** The growing region's share today, outside the daily peak. */
    static final double GROWING_SHARE_NOW = 0.70;

    /** How much of its allocatable capacity the growing region adds per day. */
    static final double GROWTH_PER_DAY = 0.015;

    /** The daily peak, 09:00 to 17:59 UTC, on top of the base share. */
    static final double PEAK_EXTRA = 0.05;

    private static final long HOUR = 3600;

    private CapacityStep() {}

    /**
     * What the step saw.
     *
     * @param plan the capacity plan
     * @param events the shortfall events received on topic {@value CapacityEvents#TOPIC}
     */
    record Result(CapacityPlan plan, List<CapacityShortfallProjected> events) {

        /** The regions the plan projects to run short. */
        Set<String> flagged() {
            Set<String> regions = new TreeSet<>();
            plan.shortfalls().forEach(s -> regions.add(s.region()));
            return regions;
        }
    }

    /** Plans the fleet as it is now from a generated history, prints the plan and the event, and checks both. */
    static Result run(PrintStream out, ScaleplanePlatform platform, Fleet fleet, Checks checks) throws Exception {
        FleetSnapshot snapshot = fleet.snapshot();
        DemandHistory history = history(snapshot);
        List<CapacityShortfallProjected> events = new CopyOnWriteArrayList<>();
        CapacityPlanner planner = CapacityPlanner.create(CapacityPlannerSettings.defaults(), platform);

        out.println("== Capacity plan (CapacityPlanner, defaults: 28-day window, 30-day horizon, 30 % headroom)");
        out.printf(
                "Generated hourly history: every region flat at %.0f %% of its allocatable (+%.0f %% 09:00-17:59 UTC),"
                        + " but %s's cpu and memory grow %.1f points a day to %.0f %% today%n",
                FLAT_SHARE * 100, PEAK_EXTRA * 100, GROWING, GROWTH_PER_DAY * 100, GROWING_SHARE_NOW * 100);
        Subscription subscription = platform.events()
                .subscribe(
                        SubscriptionOptions.builder(CapacityEvents.TOPIC, "sample")
                                .build(),
                        CapacityShortfallProjected.TYPE,
                        e -> events.add(e.data()));
        CapacityPlan plan;
        try {
            plan = planner.plan(snapshot, history, fleet.tenants().list());
            checks.check(
                    Checks.await(
                            FederationSample.STEP_TIMEOUT,
                            () -> events.size() >= plan.shortfalls().size()),
                    () -> "one CapacityShortfallProjected on topic " + CapacityEvents.TOPIC + " per shortfall of the"
                            + " plan " + plan.shortfalls() + ", but received " + events);
        } finally {
            subscription.close();
        }
        out.println(plan.table());
        for (CapacityShortfallProjected s : events) {
            out.printf(
                    "CapacityShortfallProjected (topic %s, subject %s): %s runs out of %s at %s, requires %s,"
                            + " has %s%n",
                    CapacityEvents.TOPIC,
                    s.region(),
                    s.region(),
                    s.resource().label(),
                    s.when(),
                    s.resource().format(s.required()),
                    s.resource().format(s.available()));
        }
        long stored =
                platform.store().readStream(CapacityEvents.stream(GROWING), ReadDirection.FORWARD, 0, 100).stream()
                        .filter(r -> r.event().data() instanceof CapacityShortfallProjected)
                        .count();
        out.printf("Event store, stream %s: %d shortfall event(s)%n%n", CapacityEvents.stream(GROWING), stored);

        Result result = new Result(plan, List.copyOf(events));
        checks.check(
                result.flagged().equals(Set.of(GROWING)),
                () -> "the plan projects " + GROWING + " alone to run short, but flags " + result.flagged());
        for (Resource r : Resource.values()) {
            boolean short_ = plan.shortfalls().stream().anyMatch(s -> s.region().equals(GROWING) && s.resource() == r);
            checks.check(
                    short_ == GROWING_RESOURCES.contains(r),
                    () -> GROWING + (short_ ? " runs short of " : " does not run short of ") + r.label()
                            + ", which its generated history does not call for: " + plan.shortfalls());
        }
        checks.check(
                events.size() == plan.shortfalls().size() && Set.copyOf(events).equals(Set.copyOf(plan.shortfalls())),
                () -> "the shortfall events received are the plan's " + plan.shortfalls() + ", but were " + events);
        checks.check(
                stored == plan.shortfalls().size(),
                () -> "stream " + CapacityEvents.stream(GROWING) + " holds "
                        + plan.shortfalls().size() + " shortfall events, but holds " + stored);
        return result;
    }

    /**
     * 28 days of hourly points per region and resource, ending at the snapshot's hour, as shares of each region's
     * allocatable capacity in the snapshot.
     */
    static DemandHistory history(FleetSnapshot snapshot) {
        Map<String, Capacity> allocatable = new TreeMap<>();
        for (ClusterState c : snapshot.clusters()) {
            allocatable.merge(c.spec().region(), c.capacity(), Capacity::plus);
        }
        long nowHour = Math.floorDiv(snapshot.at().getEpochSecond(), HOUR) * HOUR;
        int hours = (int) CapacityPlannerSettings.DEFAULT_WINDOW.toHours();
        DemandHistory.Builder b = DemandHistory.builder();
        allocatable.forEach((region, capacity) -> {
            for (int k = hours - 1; k >= 0; k--) {
                Instant at = Instant.ofEpochSecond(nowHour - k * HOUR);
                int hourOfDay = at.atZone(ZoneOffset.UTC).getHour();
                double peak = hourOfDay >= 9 && hourOfDay <= 17 ? PEAK_EXTRA : 0;
                for (Resource r : Resource.values()) {
                    boolean grows = region.equals(GROWING) && GROWING_RESOURCES.contains(r);
                    double share = grows ? GROWING_SHARE_NOW - GROWTH_PER_DAY * k / 24.0 : FLAT_SHARE;
                    b.point(region, r, at, Math.round(r.amount(capacity) * (share + peak)));
                }
            }
        });
        return b.build();
    }
}
