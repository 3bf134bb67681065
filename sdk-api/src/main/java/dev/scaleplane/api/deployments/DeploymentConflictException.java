package dev.scaleplane.api.deployments;

import dev.scaleplane.api.ScaleplaneException;

/**
 * A deployment id was requested again with different content. Requests are idempotent by id: the same request again
 * returns the existing deployment; a different one under the same id is refused with this exception, naming what
 * differs, so that a retried call never starts a second rollout and a reused id never silently changes one.
 */
public final class DeploymentConflictException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param deploymentId the id requested twice
     * @param difference what differs, e.g. "version 1.2.0 was requested before, 1.3.0 now"
     */
    public DeploymentConflictException(String deploymentId, String difference) {
        super("deployment " + deploymentId + " was already requested with different content (" + difference
                + "); use a new deployment id for a new request");
    }
}
