package dev.scaleplane.api.events.catalog;

import dev.scaleplane.api.events.EventType;

/**
 * A deployment started rolling out on one cluster with the named strategy (e.g. rolling, canary, blue-green).
 *
 * <p>Type name {@value #TYPE_NAME}.
 */
public record DeploymentStarted(
        String deploymentId, String application, String version, String cluster, String strategy) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.deployment.started.v1";

    /** The registered type. */
    public static final EventType<DeploymentStarted> TYPE = EventType.of(TYPE_NAME, DeploymentStarted.class);

    /** Validates required fields and copies collections. */
    public DeploymentStarted {
        Checks.require(deploymentId, "deploymentId");
        Checks.require(application, "application");
        Checks.require(version, "version");
        Checks.require(cluster, "cluster");
        Checks.require(strategy, "strategy");
    }
}
