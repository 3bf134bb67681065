package dev.scaleplane.core.capacity;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.capacity.CapacityEvents;
import dev.scaleplane.api.capacity.CapacityPlan;
import dev.scaleplane.api.capacity.CapacityPlannerSettings;
import dev.scaleplane.api.capacity.CapacitySampled;
import dev.scaleplane.api.capacity.CapacityShortfallProjected;
import dev.scaleplane.api.capacity.DemandHistory;
import dev.scaleplane.api.capacity.DeploymentActivity;
import dev.scaleplane.api.capacity.InvalidCapacityInputException;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.catalog.DeploymentCompleted;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.tenants.Tenant;
import dev.scaleplane.core.internal.capacity.Planning;
import dev.scaleplane.core.internal.capacity.TrendSeasonalModel;
import dev.scaleplane.core.internal.slo.EventSliReader;
import dev.scaleplane.core.logging.RateLimitedLog;
import dev.scaleplane.core.store.EventRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans the fleet's capacity: current capacity per cluster and region from a {@link FleetSnapshot}, demand projected
 * from a {@link DemandHistory} (least-squares linear trend plus additive seasonality; method, assumptions and limits on
 * {@link dev.scaleplane.api.capacity.ResourceProjection}), required capacity = projected peak x (1 + headroom), and
 * recommendations with their reasons (nodes to add, tenants to move, clusters nearing their quota), with costs when
 * unit prices are configured. With a platform, each region's plan also says how many deployments completed on its
 * clusters per day over the window and their trend ({@link dev.scaleplane.api.capacity.DeploymentActivity}), counted
 * from the store's {@code DeploymentCompleted} events.
 *
 * <h2>History from the event store</h2>
 *
 * With a platform, {@link #sample(FleetSnapshot)} records one {@link CapacitySampled} per cluster in the store stream
 * {@link CapacityEvents#stream(String) capacity-&lt;region&gt;}; call it once per {@linkplain CapacityPlannerSettings#step()
 * step}, or let {@link #sampleEvery(Supplier, TaskClock)} do it, and {@link #plan(FleetSnapshot, List)} projects what was
 * recorded in the window.
 * Any other source can feed {@link #plan(FleetSnapshot, DemandHistory, List)} directly.
 *
 * <h2>Shortfall events</h2>
 *
 * With a platform, every plan appends one {@link CapacityShortfallProjected} per region and resource projected to run
 * out within the horizon to {@code capacity-<region>} and publishes it on topic {@value CapacityEvents#TOPIC}, subject
 * the region. Each plan reports what it projects, so planning daily repeats a standing shortfall daily. A store or bus
 * failure is logged, rate-limited, and does not fail the plan: the plan still holds the shortfalls.
 *
 * <p>Thread-safe: plans share no mutable state.
 */
public final class CapacityPlanner {
    private static final Logger LOG = LoggerFactory.getLogger(CapacityPlanner.class);
    private static final String SOURCE = "/scaleplane/capacity-planner";

    private final CapacityPlannerSettings settings;
    private final Planning planning;
    private final @Nullable Platform platform;
    private final @Nullable EventSliReader reader;
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final EventRecorder recorder = new EventRecorder(failures, "Capacity shortfall");

    private CapacityPlanner(CapacityPlannerSettings settings, @Nullable Platform platform) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.planning = new Planning(settings);
        this.platform = platform;
        this.reader = platform == null ? null : new EventSliReader(platform::store);
    }

    /** A planner that records nothing: {@link #plan(FleetSnapshot, DemandHistory, List)} only. */
    public static CapacityPlanner create(CapacityPlannerSettings settings) {
        return new CapacityPlanner(settings, null);
    }

    /** A planner that records samples and shortfalls in {@code platform}'s store and publishes shortfalls. */
    public static CapacityPlanner create(CapacityPlannerSettings settings, Platform platform) {
        return new CapacityPlanner(settings, Objects.requireNonNull(platform, "platform"));
    }

    /** The settings. */
    public CapacityPlannerSettings settings() {
        return settings;
    }

    /**
     * Plans at the snapshot's time from {@code history} (only its points within the window count) and, for
     * rebalancing and quota commitments, {@code tenants}.
     *
     * @param tenants the provisioned tenants; empty to skip the tenant rules
     * @throws InvalidCapacityInputException if a region's series in the window is too short for the model (it names
     *     the series and how many points it needs)
     */
    public CapacityPlan plan(FleetSnapshot fleet, DemandHistory history, List<Tenant> tenants) {
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(tenants, "tenants");
        CapacityPlan plan = planning.plan(fleet, history, tenants, deployments(fleet));
        plan.shortfalls().forEach(this::record);
        return plan;
    }

    /**
     * Plans at the snapshot's time from the samples recorded in the store over the window.
     *
     * @throws IllegalStateException if the planner has no platform
     * @throws InvalidCapacityInputException if a region's recorded series is too short for the model
     * @throws ScaleplaneException if the store cannot be read
     */
    public CapacityPlan plan(FleetSnapshot fleet, List<Tenant> tenants) {
        return plan(fleet, history(fleet.at()), tenants);
    }

    /**
     * Records one {@link CapacitySampled} per cluster of the snapshot, at the snapshot's time, in the store stream of
     * the cluster's region; waits until the store has them.
     *
     * @return the samples recorded, in cluster order
     * @throws IllegalStateException if the planner has no platform
     * @throws ScaleplaneException naming the stream if the store refuses them
     */
    public List<CapacitySampled> sample(FleetSnapshot fleet) {
        Platform p = requirePlatform("sample");
        Map<String, List<Event<CapacitySampled>>> byRegion = new LinkedHashMap<>();
        List<CapacitySampled> samples = new ArrayList<>();
        for (ClusterState c : fleet.clusters()) {
            CapacitySampled s = CapacitySampled.of(c, fleet.at());
            samples.add(s);
            byRegion.computeIfAbsent(s.region(), r -> new ArrayList<>())
                    .add(Event.builder(CapacitySampled.TYPE, s)
                            .source(SOURCE)
                            .subject(s.cluster())
                            .cluster(s.cluster())
                            .time(s.at())
                            .build());
        }
        byRegion.forEach((region, events) -> {
            String stream = CapacityEvents.stream(region);
            try {
                p.store().append(stream, ExpectedVersion.ANY, events).join();
            } catch (RuntimeException e) {
                throw new ScaleplaneException(
                        "cannot record capacity samples in stream " + stream + " of the platform's event store: "
                                + e.getMessage(),
                        e);
            }
        });
        return List.copyOf(samples);
    }

    /**
     * Samples {@code fleet} now and then every {@linkplain CapacityPlannerSettings#step() step} on {@code clock} (see
     * {@link #sample(FleetSnapshot)}), until the returned handle is closed. A failing sample is logged, rate-limited,
     * and the next step tries again: a gap in the history costs one point, a stopped sampler the whole projection.
     *
     * @param fleet where snapshots come from, e.g. {@code platform.federation()::snapshot}
     * @param clock the time to sample on; a virtual clock in tests
     * @return stops sampling; idempotent
     * @throws IllegalStateException if the planner has no platform
     */
    public Sampling sampleEvery(Supplier<FleetSnapshot> fleet, TaskClock clock) {
        requirePlatform("sampleEvery");
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(clock, "clock");
        Sampler sampler = new Sampler(fleet, clock);
        sampler.schedule(Duration.ZERO);
        return sampler;
    }

    /** A running periodic sampling; {@link #close()} stops it. */
    public interface Sampling extends AutoCloseable {
        /** Stops sampling; a sample already running completes. Idempotent. */
        @Override
        void close();
    }

    private final class Sampler implements Sampling {
        private final Supplier<FleetSnapshot> fleet;
        private final TaskClock clock;
        private TaskClock.@Nullable Cancellable next;
        private boolean closed;

        Sampler(Supplier<FleetSnapshot> fleet, TaskClock clock) {
            this.fleet = fleet;
            this.clock = clock;
        }

        synchronized void schedule(Duration delay) {
            if (!closed) {
                next = clock.schedule(delay, this::run);
            }
        }

        private void run() {
            try {
                sample(fleet.get());
            } catch (RuntimeException e) {
                failures.warn("sample", "Capacity sample not recorded: {}", e.toString());
            }
            schedule(settings.step());
        }

        @Override
        public synchronized void close() {
            closed = true;
            if (next != null) {
                next.cancel();
            }
        }
    }

    /**
     * The history the samples recorded in the window ending at {@code now} make, bucketed by the step (see {@link
     * DemandHistory#ofSamples}).
     *
     * @throws IllegalStateException if the planner has no platform
     * @throws ScaleplaneException if the store cannot be read or holds a sample it cannot decode
     */
    public DemandHistory history(Instant now) {
        requirePlatform("history");
        List<CapacitySampled> samples = new ArrayList<>();
        Objects.requireNonNull(reader)
                .each(
                        new String[] {CapacitySampled.TYPE_NAME},
                        now.minus(settings.window()),
                        now.plusNanos(1),
                        "the capacity samples",
                        r -> {
                            if (!(r.event().data() instanceof CapacitySampled s)) {
                                throw new ScaleplaneException(
                                        "event " + r.event().id() + " in stream " + r.stream()
                                                + " has type " + CapacitySampled.TYPE_NAME + " but its data is a "
                                                + r.event().data().getClass().getName()
                                                + "; register CapacityEvents.all() in the platform's event types");
                            }
                            samples.add(s);
                        });
        return DemandHistory.ofSamples(samples, settings.step());
    }

    /**
     * Each region's {@code DeploymentCompleted} events per day over the window's whole days, counted per cluster by
     * the platform's event counter (one query per cluster, the day counts as differences of nested windows); empty
     * without a platform.
     */
    private Map<String, DeploymentActivity> deployments(FleetSnapshot fleet) {
        if (reader == null) {
            return Map.of();
        }
        int days = (int) Math.max(2, settings.window().toDays());
        Set<Duration> windows = new HashSet<>();
        for (int d = 1; d <= days; d++) {
            windows.add(Duration.ofDays(d));
        }
        Map<String, long[]> daily = new TreeMap<>(); // region -> completions of day d at index d - 1 (1 = last day)
        for (ClusterState c : fleet.clusters()) {
            Map<Duration, EventSliReader.Counts> counts = reader.count(
                    Set.of(DeploymentCompleted.TYPE_NAME),
                    Set.of(),
                    "cluster",
                    c.name(),
                    fleet.at(),
                    windows,
                    "the deployments completed on cluster " + c.name());
            long[] region = daily.computeIfAbsent(c.spec().region(), r -> new long[days]);
            for (int d = 1; d <= days; d++) {
                long upTo = counts.get(Duration.ofDays(d)).good();
                long before = d == 1 ? 0 : counts.get(Duration.ofDays(d - 1)).good();
                region[d - 1] += upTo - before;
            }
        }
        Map<String, DeploymentActivity> result = new HashMap<>();
        daily.forEach((region, perDay) -> {
            List<DemandHistory.Point> series = new ArrayList<>();
            long total = 0;
            for (int d = days; d >= 1; d--) {
                series.add(new DemandHistory.Point(fleet.at().minus(Duration.ofDays(d)), perDay[d - 1]));
                total += perDay[d - 1];
            }
            double slope = TrendSeasonalModel.fit(series, 86_400, 1, "deployments[" + region + "]")
                    .slope();
            result.put(region, new DeploymentActivity(days, total, (double) total / days, slope));
        });
        return result;
    }

    private Platform requirePlatform(String what) {
        if (platform == null) {
            throw new IllegalStateException("CapacityPlanner." + what
                    + " needs a platform: create the planner with CapacityPlanner.create(settings, platform)");
        }
        return platform;
    }

    /** Appends the shortfall to its region's stream, then publishes it; failures are logged. */
    private void record(CapacityShortfallProjected s) {
        Platform p = platform;
        if (p == null) {
            return;
        }
        Event<CapacityShortfallProjected> event = Event.builder(CapacityShortfallProjected.TYPE, s)
                .source(SOURCE)
                .subject(s.region())
                .time(s.plannedAt())
                .build();
        String stream = CapacityEvents.stream(s.region());
        try {
            recorder.append(p, stream, event);
        } catch (RuntimeException e) {
            failures.warn("store", "Capacity shortfall of {} not recorded in stream {}: {}", s.region(), stream, e);
        }
        recorder.publish(p, CapacityEvents.TOPIC, event);
    }
}
