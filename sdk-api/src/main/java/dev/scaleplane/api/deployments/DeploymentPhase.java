package dev.scaleplane.api.deployments;

/** Where a deployment is in its life. {@link #terminal()} phases never change again. */
public enum DeploymentPhase {
    /** Recorded, not yet through the guard (freeze policy, concurrency limits). */
    REQUESTED,
    /** Admitted, waiting for a free slot under the per-service or fleet concurrency limit. */
    QUEUED,
    /** Waiting for the application's CI pipeline to build the version. */
    BUILDING,
    /** Rolling out, wave by wave. */
    PROGRESSING,
    /** Paused by a person; nothing new is applied until it is resumed. */
    PAUSED,
    /** Compensating: every cluster already changed goes back to its previous revision. */
    ROLLING_BACK,
    /** Every cluster runs the version. */
    COMPLETED,
    /** Failed (after rolling back what it changed); the reason says why. */
    FAILED,
    /** Refused at the guard (invalid, frozen by the error-budget policy); nothing was changed. */
    REFUSED;

    /** Whether the deployment has finished: completed, failed or refused. */
    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == REFUSED;
    }
}
