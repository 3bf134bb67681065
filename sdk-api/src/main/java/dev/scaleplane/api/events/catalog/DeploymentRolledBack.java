package dev.scaleplane.api.events.catalog;

import dev.scaleplane.api.events.EventType;

/**
 * A deployment was rolled back on one cluster from {@code fromVersion} to {@code toVersion}.
 *
 * <p>Type name {@value #TYPE_NAME}.
 */
public record DeploymentRolledBack(
        String deploymentId, String application, String fromVersion, String toVersion, String cluster, String reason) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.deployment.rolledback.v1";

    /** The registered type. */
    public static final EventType<DeploymentRolledBack> TYPE = EventType.of(TYPE_NAME, DeploymentRolledBack.class);

    /** Validates required fields and copies collections. */
    public DeploymentRolledBack {
        Checks.require(deploymentId, "deploymentId");
        Checks.require(application, "application");
        Checks.require(fromVersion, "fromVersion");
        Checks.require(toVersion, "toVersion");
        Checks.require(cluster, "cluster");
        Checks.require(reason, "reason");
    }
}
