package dev.scaleplane.api.deployments;

import dev.scaleplane.api.ScaleplaneException;

/** A manual control named a deployment that was never requested, or one that has finished. */
public final class UnknownDeploymentException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was asked of which deployment, and why it cannot be done
     */
    public UnknownDeploymentException(String message) {
        super(message);
    }
}
