package dev.scaleplane.api.tenants;

import dev.scaleplane.api.federation.WorkloadState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A tenant's bundles rolled up, worst state first.
 *
 * @param tenant the tenant
 * @param state the worst cluster state
 * @param clusters one entry per cluster the tenant is placed on, sorted by name
 * @param at when this roll-up was made
 */
public record TenantStatus(String tenant, WorkloadState state, List<ClusterTenantStatus> clusters, Instant at) {

    /** Validates and copies. */
    public TenantStatus {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(state, "state");
        clusters = List.copyOf(clusters);
        Objects.requireNonNull(at, "at");
    }

    /** Whether the bundle is complete and as applied on every cluster. */
    public boolean ready() {
        return state == WorkloadState.READY;
    }

    /** Whether any cluster reports drift. */
    public boolean drifted() {
        return clusters.stream().anyMatch(c -> !c.drift().isEmpty());
    }
}
