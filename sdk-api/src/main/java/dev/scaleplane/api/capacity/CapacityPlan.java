package dev.scaleplane.api.capacity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A capacity plan for the fleet at an instant: every cluster's usage, every region's projections and cost, the
 * recommendations with their reasons, and the regions projected to run out within the horizon. Made by {@code
 * dev.scaleplane.core.capacity.CapacityPlanner}; {@link #table()} prints it for people.
 *
 * <p>Immutable and thread-safe.
 *
 * @param plannedAt the time of the fleet snapshot the plan was made from
 * @param headroom the headroom applied
 * @param horizon how far ahead demand was projected
 * @param clusters every cluster's usage, sorted by name
 * @param regions every region's plan, sorted by name
 * @param recommendations the recommendations: nodes to add per region, then tenants to move, then clusters nearing
 *     their quota
 * @param shortfalls the regions and resources projected to run out within the horizon, by region then resource
 */
public record CapacityPlan(
        Instant plannedAt,
        double headroom,
        Duration horizon,
        List<ClusterUsage> clusters,
        List<RegionPlan> regions,
        List<Recommendation> recommendations,
        List<CapacityShortfallProjected> shortfalls) {

    /** Validates and copies. */
    public CapacityPlan {
        Objects.requireNonNull(plannedAt, "plannedAt");
        Objects.requireNonNull(horizon, "horizon");
        clusters = List.copyOf(clusters);
        regions = List.copyOf(regions);
        recommendations = List.copyOf(recommendations);
        shortfalls = List.copyOf(shortfalls);
    }

    /** The plan of {@code region}, if the fleet has it. */
    public Optional<RegionPlan> region(String region) {
        return regions.stream().filter(r -> r.region().equals(region)).findFirst();
    }

    /** The recommendations of one kind, e.g. {@code recommendations(Recommendation.AddNodes.class)}. */
    public <R extends Recommendation> List<R> recommendations(Class<R> kind) {
        return recommendations.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /**
     * The plan as text tables for a terminal or a log: the regions' projections (amounts in cores, GiB and pods), the
     * clusters' requested shares, the costs when priced, then the recommendations and shortfalls, one a line.
     */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "Capacity plan at %s (headroom %.0f%%, horizon %s)%n",
                plannedAt,
                headroom * 100,
                horizon));
        String row = "%-12s %-7s %11s %10s %9s %9s %-22s %10s %7s%n";
        sb.append(String.format(
                Locale.ROOT,
                row,
                "region",
                "res.",
                "allocatable",
                "requested",
                "peak",
                "required",
                "runs out",
                "trend/day",
                "MAPE"));
        for (RegionPlan r : regions) {
            for (ResourceProjection p : r.projections()) {
                Resource res = p.resource();
                sb.append(String.format(
                        Locale.ROOT,
                        row,
                        r.region(),
                        res.label(),
                        res.format(p.allocatable()),
                        res.format(p.requested()),
                        res.format(p.peak()),
                        res.format(p.required()),
                        p.runsOut().map(Instant::toString).orElse("-"),
                        res.format(Math.round(p.trendPerDay())),
                        p.holdoutError()
                                .map(e -> String.format(Locale.ROOT, "%.1f%%", e.mape()))
                                .orElse("-")));
            }
        }
        String clusterRow = "%-12s %-12s %-9s %6s %7s %6s%n";
        sb.append(String.format(Locale.ROOT, clusterRow, "cluster", "region", "residency", "cpu", "memory", "pods"));
        for (ClusterUsage c : clusters) {
            sb.append(String.format(
                    Locale.ROOT,
                    clusterRow,
                    c.cluster(),
                    c.region(),
                    c.residency().isEmpty() ? "-" : c.residency(),
                    percent(c.share(Resource.CPU)),
                    percent(c.share(Resource.MEMORY)),
                    percent(c.share(Resource.PODS))));
        }
        section(sb, "Cost:", r -> r.costProjection()
                .map(c -> String.format(
                        Locale.ROOT,
                        "%-12s %s/h now, +%s/h added, %s over the horizon (%s)",
                        r.region(),
                        c.perHourNow().toPlainString(),
                        c.perHourAdded().toPlainString(),
                        c.overHorizon().toPlainString(),
                        c.currency())));
        section(sb, "Deployments:", r -> r.deploymentActivity()
                .map(d -> String.format(
                        Locale.ROOT,
                        "%-12s %d completed in %d days, %.2f/day, trend %+.3f/day per day",
                        r.region(),
                        d.completed(),
                        d.days(),
                        d.perDay(),
                        d.trendPerDay())));
        sb.append("Recommendations:").append(System.lineSeparator());
        if (recommendations.isEmpty()) {
            sb.append("  none").append(System.lineSeparator());
        }
        for (Recommendation r : recommendations) {
            sb.append("  [")
                    .append(r.region())
                    .append("] ")
                    .append(r.action())
                    .append(": ")
                    .append(r.reason())
                    .append(System.lineSeparator());
        }
        for (CapacityShortfallProjected s : shortfalls) {
            sb.append(String.format(
                    Locale.ROOT,
                    "Shortfall: %s runs out of %s at %s (requires %s, has %s)%n",
                    s.region(),
                    s.resource().label(),
                    s.when(),
                    s.resource().format(s.required()),
                    s.resource().format(s.available())));
        }
        return sb.toString();
    }

    /** A titled section with one line per region that has one; nothing when none has. */
    private void section(StringBuilder sb, String title, Function<RegionPlan, Optional<String>> line) {
        List<String> lines = new ArrayList<>();
        regions.forEach(r -> line.apply(r).ifPresent(lines::add));
        if (!lines.isEmpty()) {
            sb.append(title).append(System.lineSeparator());
            lines.forEach(l -> sb.append("  ").append(l).append(System.lineSeparator()));
        }
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }
}
