package dev.scaleplane.api.federation;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A propagation on one cluster.
 *
 * @param cluster the cluster
 * @param region its region
 * @param state the worst state of its objects, or {@link WorkloadState#UNKNOWN} while the cluster is unreachable
 * @param replicas the replicas placement gave this cluster (0 without replica scheduling)
 * @param objects every object's status, in the request's order
 * @param message the first non-empty object message, or the cluster's (unreachable since ...); empty when ready
 * @param updatedAt when this status last changed
 */
public record ClusterPropagationStatus(
        String cluster,
        String region,
        WorkloadState state,
        int replicas,
        List<ObjectStatus> objects,
        String message,
        Instant updatedAt) {

    /** Validates and copies. */
    public ClusterPropagationStatus {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(state, "state");
        objects = List.copyOf(objects);
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
