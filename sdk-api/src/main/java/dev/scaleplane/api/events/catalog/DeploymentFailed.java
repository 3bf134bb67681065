package dev.scaleplane.api.events.catalog;

import dev.scaleplane.api.events.EventType;

/**
 * A deployment failed on one cluster; {@code retryable} says whether trying again may succeed.
 *
 * <p>Type name {@value #TYPE_NAME}.
 */
public record DeploymentFailed(
        String deploymentId, String application, String version, String cluster, String reason, boolean retryable) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.deployment.failed.v1";

    /** The registered type. */
    public static final EventType<DeploymentFailed> TYPE = EventType.of(TYPE_NAME, DeploymentFailed.class);

    /** Validates required fields and copies collections. */
    public DeploymentFailed {
        Checks.require(deploymentId, "deploymentId");
        Checks.require(application, "application");
        Checks.require(version, "version");
        Checks.require(cluster, "cluster");
        Checks.require(reason, "reason");
    }
}
