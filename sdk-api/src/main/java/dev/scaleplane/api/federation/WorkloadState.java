package dev.scaleplane.api.federation;

/**
 * The state of propagated objects on one cluster, and rolled up over clusters and regions. Declared from best to
 * worst; a roll-up takes the worst ({@link #worst(WorkloadState, WorkloadState)}), in the manner of Fleet's bundle
 * states: {@code READY < NOT_READY < PENDING < UNKNOWN < MODIFIED < ERR_APPLIED}.
 */
public enum WorkloadState {
    /** Applied, observed at the applied generation, and every workload has its desired ready replicas. */
    READY,
    /** Applied and observed, but some workload is not (yet) ready. */
    NOT_READY,
    /** Not yet applied, or applied but not yet observed by the cluster's controllers. */
    PENDING,
    /** The cluster cannot be reached; the last known state is unknown. */
    UNKNOWN,
    /** A live object differs from what was applied (drift). */
    MODIFIED,
    /** Applying failed: the API server refused an object, or a conflict aborted it. */
    ERR_APPLIED;

    /** The worse of two states. */
    public static WorkloadState worst(WorkloadState a, WorkloadState b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
