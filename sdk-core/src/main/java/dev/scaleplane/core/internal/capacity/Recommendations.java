package dev.scaleplane.core.internal.capacity;

import dev.scaleplane.api.capacity.CapacityPlannerSettings;
import dev.scaleplane.api.capacity.ClusterUsage;
import dev.scaleplane.api.capacity.Recommendation;
import dev.scaleplane.api.capacity.Recommendation.NearQuota.Basis;
import dev.scaleplane.api.capacity.Resource;
import dev.scaleplane.api.capacity.ResourceProjection;
import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.tenants.Tenant;
import dev.scaleplane.api.tenants.TenantQuota;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** The recommendation rules: nodes to add, tenants to move, clusters nearing their quota. Immutable. */
final class Recommendations {
    private final CapacityPlannerSettings settings;

    Recommendations(CapacityPlannerSettings settings) {
        this.settings = settings;
    }

    /**
     * Nodes to add to a region whose required capacity exceeds its allocatable capacity: for each short resource the
     * deficit divided by the node shape's amount, rounded up; the largest count wins, and goes to the region's cluster
     * with the highest requested share of that resource (the one the shortage hits first).
     */
    Recommendation.@Nullable AddNodes addNodes(
            String region, List<ClusterUsage> clusters, List<ResourceProjection> projections) {
        Capacity shape = settings.nodeShape();
        long nodes = 0;
        Resource binding = null;
        List<String> reasons = new ArrayList<>();
        for (ResourceProjection p : projections) {
            long deficit = p.deficit();
            if (deficit == 0) {
                continue;
            }
            Resource r = p.resource();
            long perNode = r.amount(shape);
            long n = (deficit + perNode - 1) / perNode;
            reasons.add(String.format(
                    Locale.ROOT,
                    "%s projected peak %s x %.2f = %s required, %s allocatable: %s short = %d node(s)",
                    r.label(),
                    r.format(p.peak()),
                    1 + settings.headroom(),
                    r.format(p.required()),
                    r.format(p.allocatable()),
                    r.format(deficit),
                    n));
            if (n > nodes) {
                nodes = n;
                binding = r;
            }
        }
        if (binding == null) {
            return null;
        }
        Resource b = binding;
        ClusterUsage target = clusters.stream()
                .max(Comparator.comparingDouble((ClusterUsage c) -> c.share(b))
                        .thenComparing(ClusterUsage::cluster, Comparator.reverseOrder()))
                .orElseThrow();
        String reason = String.join("; ", reasons) + "; nodes of " + shape(shape) + " go to " + target.cluster()
                + ", the fullest on " + b.label() + " (" + percent(target.share(b)) + " requested)";
        return new Recommendation.AddNodes(region, target.cluster(), nodes, shape, b, reason);
    }

    /**
     * Tenants to move from hot clusters (largest requested share at or above the hot share) to the coldest cluster of
     * the same residency zone (largest share at or below the cold share) that does not host them yet, largest quota
     * first, until the hot cluster is below the hot share. A tenant's demand is estimated by its quota's requests, the
     * most it may request on a cluster; a move that would make the target hot is not recommended.
     */
    List<Recommendation> rebalance(List<ClusterUsage> clusters, List<Tenant> tenants) {
        if (tenants.isEmpty()) {
            return List.of();
        }
        Map<String, Capacity> requested = new HashMap<>();
        clusters.forEach(c -> requested.put(c.cluster(), c.requested()));
        List<ClusterUsage> hot = clusters.stream()
                .filter(c -> c.maxShare() >= settings.hotShare())
                .sorted(Comparator.comparingDouble(ClusterUsage::maxShare)
                        .reversed()
                        .thenComparing(ClusterUsage::cluster))
                .toList();
        List<Tenant> bySize = tenants.stream()
                .sorted(Comparator.comparingLong((Tenant t) -> quota(t).cpuMillis())
                        .reversed()
                        .thenComparing(Tenant::name))
                .toList();
        List<Recommendation> moves = new ArrayList<>();
        for (ClusterUsage from : hot) {
            for (Tenant t : bySize) {
                if (!t.clusters().contains(from.cluster())) {
                    continue;
                }
                if (share(from, requested.get(from.cluster())) < settings.hotShare()) {
                    break;
                }
                Capacity q = quota(t);
                ClusterUsage to = clusters.stream()
                        .filter(c -> !c.cluster().equals(from.cluster())
                                && c.residency().equals(from.residency())
                                && !t.clusters().contains(c.cluster()))
                        .filter(c -> share(c, requested.get(c.cluster())) <= settings.coldShare())
                        .filter(c -> share(c, requested.get(c.cluster()).plus(q)) < settings.hotShare())
                        .min(Comparator.comparingDouble((ClusterUsage c) -> share(c, requested.get(c.cluster())))
                                .thenComparing(ClusterUsage::cluster))
                        .orElse(null);
                if (to == null) {
                    continue;
                }
                double fromBefore = share(from, requested.get(from.cluster()));
                double toBefore = share(to, requested.get(to.cluster()));
                requested.put(from.cluster(), requested.get(from.cluster()).minus(q));
                requested.put(to.cluster(), requested.get(to.cluster()).plus(q));
                String reason = from.cluster() + " is hot (" + percent(fromBefore) + " requested, hot at "
                        + percent(settings.hotShare()) + "), " + to.cluster() + " is cold (" + percent(toBefore)
                        + ", cold at " + percent(settings.coldShare()) + ")"
                        + (from.residency().isEmpty() ? "" : " in residency " + from.residency()) + "; tenant "
                        + t.name() + "'s quota requests " + shape(q) + ": " + from.cluster() + " would be at "
                        + percent(share(from, requested.get(from.cluster()))) + ", " + to.cluster() + " at "
                        + percent(share(to, requested.get(to.cluster())));
                moves.add(new Recommendation.RebalanceTenant(
                        from.region(), t.name(), from.cluster(), to.cluster(), from.residency(), reason));
            }
        }
        return moves;
    }

    /**
     * Clusters whose requested amount, or the sum of their tenants' quota requests, is at least the near-full share
     * of a resource's allocatable amount; the larger of the two is reported, one recommendation per cluster and
     * resource.
     */
    List<Recommendation> nearQuota(List<ClusterUsage> clusters, List<Tenant> tenants) {
        Map<String, Capacity> committed = new TreeMap<>();
        for (Tenant t : tenants) {
            for (String c : t.clusters()) {
                committed.merge(c, quota(t), Capacity::plus);
            }
        }
        List<Recommendation> result = new ArrayList<>();
        for (ClusterUsage c : clusters) {
            for (Resource r : Resource.values()) {
                long allocatable = r.amount(c.allocatable());
                if (allocatable == 0) {
                    continue;
                }
                double requestedShare = c.share(r);
                long quotas = r.amount(committed.getOrDefault(c.cluster(), Capacity.ZERO));
                double quotaShare = (double) quotas / allocatable;
                boolean byQuota = quotaShare > requestedShare;
                double share = Math.max(requestedShare, quotaShare);
                if (share < settings.nearFullShare()) {
                    continue;
                }
                String reason = byQuota
                        ? "its tenants' quotas request " + r.format(quotas) + " " + r.label() + " of "
                                + r.format(allocatable) + " allocatable (" + percent(share) + ", near-full at "
                                + percent(settings.nearFullShare()) + ")"
                        : r.format(r.amount(c.requested())) + " " + r.label() + " requested of "
                                + r.format(allocatable) + " allocatable (" + percent(share) + ", near-full at "
                                + percent(settings.nearFullShare()) + ")";
                result.add(new Recommendation.NearQuota(
                        c.region(), c.cluster(), r, share, byQuota ? Basis.TENANT_QUOTAS : Basis.REQUESTED, reason));
            }
        }
        return result;
    }

    /** A tenant's quota requests per cluster, as a capacity. */
    static Capacity quota(Tenant t) {
        TenantQuota q = t.spec().quota();
        return Capacity.of(q.requestsCpu(), q.requestsMemory(), q.pods());
    }

    /** The largest share over the resources of {@code requested} on {@code c}'s allocatable capacity. */
    private static double share(ClusterUsage c, Capacity requested) {
        return new ClusterUsage(c.cluster(), c.region(), c.residency(), c.allocatable(), requested).maxShare();
    }

    private static String shape(Capacity c) {
        return Resource.CPU.format(c.cpuMillis()) + " cores/" + Resource.MEMORY.format(c.memoryBytes()) + "/" + c.pods()
                + " pods";
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }
}
