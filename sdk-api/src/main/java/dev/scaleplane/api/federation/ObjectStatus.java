package dev.scaleplane.api.federation;

import java.util.List;
import java.util.Objects;

/**
 * One propagated object on one cluster, as its watch last reported it.
 *
 * @param kind the kind
 * @param namespace the namespace (empty for cluster-scoped objects)
 * @param name the name
 * @param state this object's state
 * @param appliedGeneration {@code metadata.generation} after the fleet's last write (0 if never applied)
 * @param observedGeneration {@code status.observedGeneration} (0 if the kind has none or none yet)
 * @param desiredReplicas {@code spec.replicas} for workloads, else 0
 * @param readyReplicas {@code status.readyReplicas} for workloads, else 0
 * @param availableReplicas {@code status.availableReplicas} for workloads, else 0
 * @param conditions {@code status.conditions}
 * @param message why the state is not READY (the API server's message, the drift found, ...); empty when ready
 */
public record ObjectStatus(
        String kind,
        String namespace,
        String name,
        WorkloadState state,
        long appliedGeneration,
        long observedGeneration,
        int desiredReplicas,
        int readyReplicas,
        int availableReplicas,
        List<Condition> conditions,
        String message) {

    /** Validates and copies. */
    public ObjectStatus {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        conditions = List.copyOf(conditions);
        Objects.requireNonNull(message, "message");
    }
}
