package dev.scaleplane.api.adapters.ci;

/** Where a CI run is, mapped from each system's own states (the raw one stays in {@link CiRun#conclusion()}). */
public enum CiStatus {
    /** Accepted, not started (GitHub queued/waiting/pending, GitLab created/pending, a Jenkins queue item). */
    QUEUED,
    /** Started and not finished. */
    RUNNING,
    /** Finished successfully. */
    SUCCEEDED,
    /** Finished unsuccessfully (failure, timed out, action required, unstable where the system counts it so). */
    FAILED,
    /** Cancelled or aborted before it finished. */
    CANCELLED;

    /** Whether the run has ended. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
