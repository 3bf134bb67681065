package dev.scaleplane.api.federation;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One cluster as the fleet sees it at an instant: its registration, health, effective taints and capacity.
 *
 * @param spec what was registered
 * @param health the current health
 * @param healthSince when the cluster entered its current health
 * @param taints the registered taints plus those health adds ({@link Taint#NOT_READY} / {@link Taint#UNREACHABLE}
 *     with {@code NO_SCHEDULE} at once, {@code NO_EXECUTE} once the toleration period has passed)
 * @param capacity schedulable capacity: declared, else discovered from the nodes' allocatable resources
 * @param available what is left for new replicas: {@code capacity} minus what the fleet has placed there
 */
public record ClusterState(
        ClusterSpec spec,
        ClusterHealth health,
        Instant healthSince,
        List<Taint> taints,
        Capacity capacity,
        Capacity available) {

    /** Validates and copies. */
    public ClusterState {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(healthSince, "healthSince");
        taints = List.copyOf(taints);
        Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(available, "available");
    }

    /** The cluster name. */
    public String name() {
        return spec.name();
    }
}
