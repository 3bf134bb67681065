package dev.scaleplane.api.federation;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A propagation rolled up: per cluster, per region and overall, worst state first ({@link WorkloadState}).
 *
 * @param id the propagation id
 * @param state the worst cluster state, {@link WorkloadState#ERR_APPLIED} when placement failed
 * @param clusters one entry per cluster the propagation is placed on (or leaving, during failover), by name
 * @param regions worst state per region
 * @param decision the placement in force
 * @param at when this roll-up was made
 */
public record PropagationStatus(
        String id,
        WorkloadState state,
        List<ClusterPropagationStatus> clusters,
        Map<String, WorkloadState> regions,
        PlacementDecision decision,
        Instant at) {

    /** Validates and copies. */
    public PropagationStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        clusters = List.copyOf(clusters);
        regions = Map.copyOf(regions);
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(at, "at");
    }

    /** The status on {@code cluster}, if the propagation is placed there. */
    public Optional<ClusterPropagationStatus> cluster(String cluster) {
        return clusters.stream().filter(c -> c.cluster().equals(cluster)).findFirst();
    }

    /** Whether every cluster is {@link WorkloadState#READY}. */
    public boolean ready() {
        return state == WorkloadState.READY;
    }

    /** A table: one line per cluster with region, state, replicas ready/desired and message. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-12s %-12s %-12s %-9s %s%n", "CLUSTER", "REGION", "STATE", "READY", "MESSAGE"));
        for (ClusterPropagationStatus c : clusters) {
            int ready =
                    c.objects().stream().mapToInt(ObjectStatus::readyReplicas).sum();
            int desired =
                    c.objects().stream().mapToInt(ObjectStatus::desiredReplicas).sum();
            sb.append(String.format(
                    "%-12s %-12s %-12s %-9s %s%n",
                    c.cluster(), c.region(), c.state(), ready + "/" + desired, c.message()));
        }
        return sb.append("overall ")
                .append(state)
                .append(", regions ")
                .append(new TreeMap<>(regions))
                .toString();
    }
}
