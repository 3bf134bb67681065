package dev.scaleplane.api.capacity;

import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterState;
import java.util.Objects;

/**
 * One cluster's current capacity: allocatable against requested.
 *
 * @param cluster the cluster's name
 * @param region its region
 * @param residency its residency zone, empty if none
 * @param allocatable its schedulable capacity
 * @param requested what the fleet has placed there: allocatable minus available
 */
public record ClusterUsage(String cluster, String region, String residency, Capacity allocatable, Capacity requested) {

    /** Validates. */
    public ClusterUsage {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(residency, "residency");
        Objects.requireNonNull(allocatable, "allocatable");
        Objects.requireNonNull(requested, "requested");
    }

    /** The usage of a cluster in a fleet snapshot. */
    public static ClusterUsage of(ClusterState c) {
        return new ClusterUsage(
                c.name(),
                c.spec().region(),
                c.spec().residency(),
                c.capacity(),
                c.capacity().minus(c.available()));
    }

    /** Requested share of allocatable for {@code resource}, from 0; 0 when nothing is allocatable. */
    public double share(Resource resource) {
        long a = resource.amount(allocatable);
        return a == 0 ? 0 : (double) resource.amount(requested) / a;
    }

    /** The largest requested share over the three resources. */
    public double maxShare() {
        double max = 0;
        for (Resource r : Resource.values()) {
            max = Math.max(max, share(r));
        }
        return max;
    }
}
