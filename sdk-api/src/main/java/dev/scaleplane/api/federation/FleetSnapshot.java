package dev.scaleplane.api.federation;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole fleet at an instant: the input of placement, so that a decision can be replayed and simulated.
 *
 * @param at when the snapshot was taken
 * @param clusters every registered cluster, sorted by name
 */
public record FleetSnapshot(Instant at, List<ClusterState> clusters) {

    /** Validates, copies and sorts the clusters by name; names must be unique. */
    public FleetSnapshot {
        Objects.requireNonNull(at, "at");
        clusters = clusters.stream()
                .sorted(Comparator.comparing(ClusterState::name))
                .toList();
        for (int i = 1; i < clusters.size(); i++) {
            if (clusters.get(i).name().equals(clusters.get(i - 1).name())) {
                throw new IllegalArgumentException("cluster names must be unique in a snapshot, but '"
                        + clusters.get(i).name() + "' repeats");
            }
        }
    }

    /** The cluster {@code name}, if present. */
    public Optional<ClusterState> cluster(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
