package dev.scaleplane.core.internal.capacity;

import dev.scaleplane.api.capacity.CapacityPlan;
import dev.scaleplane.api.capacity.CapacityPlannerSettings;
import dev.scaleplane.api.capacity.CapacityShortfallProjected;
import dev.scaleplane.api.capacity.ClusterUsage;
import dev.scaleplane.api.capacity.CostProjection;
import dev.scaleplane.api.capacity.DemandHistory;
import dev.scaleplane.api.capacity.DeploymentActivity;
import dev.scaleplane.api.capacity.InvalidCapacityInputException;
import dev.scaleplane.api.capacity.ProjectionError;
import dev.scaleplane.api.capacity.Recommendation;
import dev.scaleplane.api.capacity.RegionPlan;
import dev.scaleplane.api.capacity.Resource;
import dev.scaleplane.api.capacity.ResourceProjection;
import dev.scaleplane.api.capacity.UnitPrices;
import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.tenants.Tenant;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Makes a {@link CapacityPlan} from a fleet snapshot, a demand history and the tenants: pure, deterministic, no I/O.
 * Thread-safe (immutable).
 */
public final class Planning {
    /** Tolerance of the floating-point projection when rounding and comparing with whole amounts. */
    private static final double EPSILON = 1e-6;

    private static final BigDecimal GIB = BigDecimal.valueOf(1024L * 1024 * 1024);

    private final CapacityPlannerSettings settings;
    private final Recommendations recommendations;

    /** A planner with {@code settings}. */
    public Planning(CapacityPlannerSettings settings) {
        this.settings = settings;
        this.recommendations = new Recommendations(settings);
    }

    /**
     * Plans at the snapshot's time.
     *
     * @param deployments each region's deployment activity, if counted; regions without an entry have none
     *
     * @throws InvalidCapacityInputException if a region's series in the window is too short for the model
     */
    public CapacityPlan plan(
            FleetSnapshot fleet,
            DemandHistory history,
            List<Tenant> tenants,
            Map<String, DeploymentActivity> deployments) {
        Instant now = fleet.at();
        List<ClusterUsage> clusters =
                fleet.clusters().stream().map(ClusterUsage::of).toList();
        Map<String, List<ClusterUsage>> byRegion = new TreeMap<>();
        clusters.forEach(c ->
                byRegion.computeIfAbsent(c.region(), r -> new ArrayList<>()).add(c));
        DemandHistory window = history.between(now.minus(settings.window()), now);

        List<RegionPlan> regions = new ArrayList<>();
        List<Recommendation> addNodes = new ArrayList<>();
        List<CapacityShortfallProjected> shortfalls = new ArrayList<>();
        for (Map.Entry<String, List<ClusterUsage>> e : byRegion.entrySet()) {
            String region = e.getKey();
            Capacity allocatable =
                    e.getValue().stream().map(ClusterUsage::allocatable).reduce(Capacity.ZERO, Capacity::plus);
            Capacity requested =
                    e.getValue().stream().map(ClusterUsage::requested).reduce(Capacity.ZERO, Capacity::plus);
            List<ResourceProjection> projections = new ArrayList<>();
            for (Resource r : Resource.values()) {
                List<DemandHistory.Point> points = window.series(region, r);
                if (!points.isEmpty()) {
                    ResourceProjection p = project(region, r, points, now, r.amount(requested), r.amount(allocatable));
                    projections.add(p);
                    p.runsOut()
                            .ifPresent(when -> shortfalls.add(new CapacityShortfallProjected(
                                    region, r, when, p.required(), p.allocatable(), now)));
                }
            }
            Recommendation.@Nullable AddNodes add = recommendations.addNodes(region, e.getValue(), projections);
            if (add != null) {
                addNodes.add(add);
            }
            CostProjection cost = settings.prices()
                    .map(prices -> cost(prices, allocatable, add == null ? 0 : add.nodes()))
                    .orElse(null);
            regions.add(new RegionPlan(region, allocatable, requested, projections, cost, deployments.get(region)));
        }
        List<Recommendation> all = new ArrayList<>(addNodes);
        all.addAll(recommendations.rebalance(clusters, tenants));
        all.addAll(recommendations.nearQuota(clusters, tenants));
        return new CapacityPlan(now, settings.headroom(), settings.horizon(), clusters, regions, all, shortfalls);
    }

    private ResourceProjection project(
            String region,
            Resource r,
            List<DemandHistory.Point> points,
            Instant now,
            long requested,
            long allocatable) {
        long stepSeconds = settings.step().toSeconds();
        int phases = settings.seasonality().isZero()
                ? 1
                : (int) (settings.seasonality().toSeconds() / stepSeconds);
        String field = "history[" + region + "/" + r.label() + "]";
        TrendSeasonalModel model = TrendSeasonalModel.fit(points, stepSeconds, phases, field);

        long nowStep = TrendSeasonalModel.step(now, stepSeconds);
        long horizonSteps = Math.max(1, (settings.horizon().toSeconds() + stepSeconds - 1) / stepSeconds);
        double peak = Double.NEGATIVE_INFINITY;
        long peakStep = nowStep + 1;
        Instant runsOut = null;
        for (long k = nowStep + 1; k <= nowStep + horizonSteps; k++) {
            double y = model.at(k);
            if (y > peak + EPSILON) {
                peak = y;
                peakStep = k;
            }
            if (runsOut == null && y > allocatable + EPSILON) {
                runsOut = model.start(k);
            }
        }
        long peakAmount = Math.max(0, (long) Math.ceil(peak - EPSILON));
        long required = BigDecimal.valueOf(peakAmount)
                .multiply(BigDecimal.ONE.add(BigDecimal.valueOf(settings.headroom())))
                .setScale(0, RoundingMode.CEILING)
                .longValueExact();
        return new ResourceProjection(
                region,
                r,
                model.points(),
                model.slope() * (86_400.0 / stepSeconds),
                model.seasonalAmplitude(),
                requested,
                peakAmount,
                model.start(peakStep),
                required,
                allocatable,
                runsOut,
                holdoutError(points, now, stepSeconds, phases, field));
    }

    /** Fits the window without its holdout and measures the fit on the holdout; null if that cannot be done. */
    private @Nullable ProjectionError holdoutError(
            List<DemandHistory.Point> points, Instant now, long stepSeconds, int phases, String field) {
        if (settings.holdout().isZero()) {
            return null;
        }
        Instant cut = now.minus(settings.holdout());
        List<DemandHistory.Point> train =
                points.stream().filter(p -> !p.at().isAfter(cut)).toList();
        List<DemandHistory.Point> test =
                points.stream().filter(p -> p.at().isAfter(cut)).toList();
        if (test.isEmpty()) {
            return null;
        }
        try {
            return TrendSeasonalModel.fit(train, stepSeconds, phases, field + ".holdout")
                    .error(test);
        } catch (InvalidCapacityInputException e) {
            return null; // the window is long enough to project but not to hold a part back: no error estimate
        }
    }

    private CostProjection cost(UnitPrices prices, Capacity allocatable, long addedNodes) {
        Capacity shape = settings.nodeShape();
        BigDecimal now = perHour(prices, allocatable);
        BigDecimal added = perHour(prices, shape).add(prices.nodeHour()).multiply(BigDecimal.valueOf(addedNodes));
        BigDecimal hours = BigDecimal.valueOf(settings.horizon().toSeconds())
                .divide(BigDecimal.valueOf(3600), 6, RoundingMode.HALF_UP);
        return new CostProjection(
                prices.currency(),
                cents(now),
                cents(added),
                cents(now.add(added).multiply(hours)));
    }

    private static BigDecimal perHour(UnitPrices prices, Capacity c) {
        BigDecimal cores = BigDecimal.valueOf(c.cpuMillis(), 3);
        BigDecimal gib = BigDecimal.valueOf(c.memoryBytes()).divide(GIB, 9, RoundingMode.HALF_UP);
        return cores.multiply(prices.cpuHour()).add(gib.multiply(prices.gibHour()));
    }

    private static BigDecimal cents(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_UP);
    }
}
