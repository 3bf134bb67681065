package dev.scaleplane.api.deployments;

/** Where one cluster of a deployment is. */
public enum ClusterRolloutState {
    /** Not yet started: its wave has not come. */
    PENDING,
    /** The new revision is being applied. */
    APPLYING,
    /** Applied; waiting for the workloads to become ready. */
    APPLIED,
    /** The workloads run the new revision and are ready. */
    READY,
    /** The apply was refused, or the workloads did not become ready by the progress deadline. */
    FAILED,
    /** Put back to its previous revision (or its objects removed, if it had none). */
    ROLLED_BACK,
    /** Dropped from the rollout (its cluster became unreachable and placement chose a replacement). */
    REPLACED
}
