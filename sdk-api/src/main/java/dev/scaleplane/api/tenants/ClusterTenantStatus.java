package dev.scaleplane.api.tenants;

import dev.scaleplane.api.federation.WorkloadState;
import java.util.List;
import java.util.Objects;

/**
 * A tenant's bundle on one cluster.
 *
 * @param cluster the cluster
 * @param region its region
 * @param state {@link WorkloadState#READY} when every object of the bundle is there as applied; {@code PENDING}
 *     while it is applied or repaired; {@code MODIFIED} when an object drifted; {@code ERR_APPLIED} when the
 *     API server refused an object (the bundle was rolled back on that cluster); {@code UNKNOWN} while unreachable
 * @param drift one line per drifted object, {@code Kind/namespace/name: what differs}, from the moment the drift is
 *     seen until the bundle is applied again (the repair follows at once); empty when none
 * @param message why it is not ready; empty when ready
 */
public record ClusterTenantStatus(
        String cluster, String region, WorkloadState state, List<String> drift, String message) {

    /** Validates and copies. */
    public ClusterTenantStatus {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(state, "state");
        drift = List.copyOf(drift);
        Objects.requireNonNull(message, "message");
    }
}
