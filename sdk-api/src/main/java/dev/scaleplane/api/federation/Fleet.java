package dev.scaleplane.api.federation;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;

/**
 * Many Kubernetes clusters behind one API: the registry with health, placement (with what-if simulation), and
 * propagation of objects with status and failover. Obtained from {@code platform.federation()}.
 *
 * <h2>Registry</h2>
 *
 * Clusters are registered, updated and removed at runtime. The registry is event-sourced in the platform's event
 * store (stream {@value #REGISTRY_STREAM}), so a restarted process knows its fleet; {@code ClusterCreated} and
 * {@code ClusterUpdated} events are published on the bus (topic {@value #TOPIC}).
 *
 * <h2>Health</h2>
 *
 * Each cluster is probed on an interval with a timeout and a circuit breaker. A cluster that is not ready gets a
 * {@code NO_SCHEDULE} taint at once and, after the toleration period, a {@code NO_EXECUTE} one that triggers
 * failover of the propagations placed on it. Every transition is a {@link ClusterHealthChange} and a
 * {@code PlatformHealthCheck} event.
 *
 * <h2>Placement</h2>
 *
 * {@link #place(PlacementPolicy)} and {@link #simulate(PlacementPolicy, WhatIf)} run the same pure engine over a
 * snapshot; neither changes anything.
 *
 * <h2>Propagation</h2>
 *
 * {@link #propagate(PropagationRequest)} places the objects and applies them to each chosen cluster as tasks on the
 * platform's task queue (retries with backoff, one key per cluster, dead letters carrying the API server's answer),
 * so work survives restarts. Status is collected by watches and rolled up worst-first.
 *
 * <p>Thread-safe. Closing the fleet stops probes, watches and workers; it never deletes anything on the clusters.
 */
public interface Fleet extends AutoCloseable {

    /** Event-store stream of the registry. */
    String REGISTRY_STREAM = "federation-registry";

    /** Bus topic of cluster and health events. */
    String TOPIC = "federation";

    /**
     * Registers a cluster; it starts {@link ClusterHealth#UNKNOWN} until its first probe.
     *
     * @return the cluster's state
     * @throws ClusterRegistrationException if the name is taken, the credentials cannot be loaded (unreadable
     *     kubeconfig, unknown context), naming the cluster and the field
     */
    ClusterState register(ClusterSpec spec);

    /**
     * Replaces a cluster's registration (labels, taints, capacity, credentials, ...). Placements are not recomputed
     * by an update alone; failover and new propagations see the new values.
     *
     * @throws ClusterRegistrationException if no cluster has that name, or the new credentials cannot be loaded
     */
    ClusterState update(ClusterSpec spec);

    /**
     * Removes a cluster from the registry. Propagations placed on it are recomputed as if it had failed (the objects
     * on the cluster are left in place: it may no longer be reachable).
     *
     * @return whether it was registered
     */
    boolean remove(String cluster);

    /** The cluster {@code name}, if registered. */
    Optional<ClusterState> cluster(String name);

    /** Every cluster now, sorted by name. */
    FleetSnapshot snapshot();

    /** Placement on the current snapshot; no side effects. */
    PlacementDecision place(PlacementPolicy policy);

    /** Placement on the current snapshot changed by {@code whatIf}; no side effects. */
    PlacementDecision simulate(PlacementPolicy policy, WhatIf whatIf);

    /**
     * Places the objects and applies them to every chosen cluster. Returns once the per-cluster applies are queued;
     * follow {@link Propagation#status()}, {@link Propagation#changes()} or {@link Propagation#whenReady()}. A request
     * with the id of an existing propagation updates it (clusters no longer chosen have their objects removed).
     *
     * @throws PlacementException if no placement meets the policy (nothing is applied)
     * @throws IllegalArgumentException if an override's JSON patch does not apply to an object, or an object is a
     *     {@code v1 Secret} (propagations are recorded in the event store; secrets are copied by the secrets
     *     adapters' propagator, which never records a value)
     */
    Propagation propagate(PropagationRequest request);

    /** The propagation {@code id}, if any. */
    Optional<Propagation> propagation(String id);

    /** Every propagation, by id. */
    List<Propagation> propagations();

    /**
     * Tenant namespaces on this fleet: per tenant one bundle (namespace, quota, limits, network policies, account and
     * role) propagated as one unit. See {@link dev.scaleplane.api.tenants.Tenants}.
     *
     * @throws UnsupportedOperationException if this backend has no tenants (the Kubernetes backend has them)
     */
    default dev.scaleplane.api.tenants.Tenants tenants() {
        throw new UnsupportedOperationException(getClass().getName() + " does not provide tenants; use the fleet of"
                + " scaleplane-federation-kubernetes");
    }

    /** Health transitions of every cluster, as they happen. */
    Flow.Publisher<ClusterHealthChange> healthChanges();

    /** Failover decisions, as they are made. */
    Flow.Publisher<FailoverDecision> failovers();

    /** Stops probes, watches and workers and releases clients. Idempotent. */
    @Override
    void close();
}
