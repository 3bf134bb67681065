package dev.scaleplane.api.events.catalog;

import dev.scaleplane.api.events.EventType;
import java.time.Duration;

/**
 * A deployment finished successfully on one cluster after the given duration.
 *
 * <p>Type name {@value #TYPE_NAME}.
 */
public record DeploymentCompleted(
        String deploymentId, String application, String version, String cluster, Duration duration) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.deployment.completed.v1";

    /** The registered type. */
    public static final EventType<DeploymentCompleted> TYPE = EventType.of(TYPE_NAME, DeploymentCompleted.class);

    /** Validates required fields and copies collections. */
    public DeploymentCompleted {
        Checks.require(deploymentId, "deploymentId");
        Checks.require(application, "application");
        Checks.require(version, "version");
        Checks.require(cluster, "cluster");
        Checks.requireNonNegative(duration, "duration");
    }
}
