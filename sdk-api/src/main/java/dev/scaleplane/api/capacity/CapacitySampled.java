package dev.scaleplane.api.capacity;

import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterState;
import java.time.Instant;
import java.util.Objects;

/**
 * One cluster's capacity at an instant, as the planner records it periodically: the history its demand projection
 * reads. Amounts are flat numbers so that any CloudEvents client can read them.
 *
 * <p>Type name {@value #TYPE_NAME}; appended to the store stream {@link CapacityEvents#stream(String)
 * capacity-&lt;region&gt;}.
 *
 * @param cluster the cluster's name
 * @param region the cluster's region
 * @param residency the cluster's residency zone, empty if none
 * @param at when the capacity was observed (the fleet snapshot's time)
 * @param allocatableCpuMillis schedulable CPU in millicores
 * @param allocatableMemoryBytes schedulable memory in bytes
 * @param allocatablePods schedulable pods
 * @param requestedCpuMillis CPU requested by what the fleet placed there, in millicores
 * @param requestedMemoryBytes memory requested, in bytes
 * @param requestedPods pods requested
 */
public record CapacitySampled(
        String cluster,
        String region,
        String residency,
        Instant at,
        long allocatableCpuMillis,
        long allocatableMemoryBytes,
        long allocatablePods,
        long requestedCpuMillis,
        long requestedMemoryBytes,
        long requestedPods) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.capacity.sampled.v1";

    /** The registered type. */
    public static final EventType<CapacitySampled> TYPE = EventType.of(TYPE_NAME, CapacitySampled.class);

    /**
     * Validates required fields and amounts.
     *
     * @throws InvalidCapacityInputException naming the amount that is negative
     */
    public CapacitySampled {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(residency, "residency");
        Objects.requireNonNull(at, "at");
        long[] amounts = {
            allocatableCpuMillis,
            allocatableMemoryBytes,
            allocatablePods,
            requestedCpuMillis,
            requestedMemoryBytes,
            requestedPods
        };
        String[] names = {
            "allocatableCpuMillis",
            "allocatableMemoryBytes",
            "allocatablePods",
            "requestedCpuMillis",
            "requestedMemoryBytes",
            "requestedPods"
        };
        for (int i = 0; i < amounts.length; i++) {
            if (amounts[i] < 0) {
                throw new InvalidCapacityInputException(
                        "sample[" + cluster + "]." + names[i], amounts[i], "an amount >= 0 is expected");
            }
        }
    }

    /**
     * The sample of {@code cluster} in a fleet snapshot taken at {@code at}: allocatable is the cluster's capacity,
     * requested is its capacity minus what is still available.
     */
    public static CapacitySampled of(ClusterState cluster, Instant at) {
        Capacity allocatable = cluster.capacity();
        Capacity requested = allocatable.minus(cluster.available());
        return new CapacitySampled(
                cluster.name(),
                cluster.spec().region(),
                cluster.spec().residency(),
                at,
                allocatable.cpuMillis(),
                allocatable.memoryBytes(),
                allocatable.pods(),
                requested.cpuMillis(),
                requested.memoryBytes(),
                requested.pods());
    }

    /** The allocatable amounts as a {@link Capacity}. */
    public Capacity allocatable() {
        return new Capacity(allocatableCpuMillis, allocatableMemoryBytes, allocatablePods);
    }

    /** The requested amounts as a {@link Capacity}. */
    public Capacity requested() {
        return new Capacity(requestedCpuMillis, requestedMemoryBytes, requestedPods);
    }
}
