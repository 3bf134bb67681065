package dev.scaleplane.api.events.catalog;

import dev.scaleplane.api.events.EventType;
import java.util.List;

/**
 * A deployment of one version of an application to an environment was requested, for the listed clusters (empty: let placement decide).
 *
 * <p>Type name {@value #TYPE_NAME}.
 */
public record DeploymentRequested(
        String deploymentId,
        String application,
        String version,
        String environment,
        List<String> clusters,
        String requestedBy) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.deployment.requested.v1";

    /** The registered type. */
    public static final EventType<DeploymentRequested> TYPE = EventType.of(TYPE_NAME, DeploymentRequested.class);

    /** Validates required fields and copies collections. */
    public DeploymentRequested {
        Checks.require(deploymentId, "deploymentId");
        Checks.require(application, "application");
        Checks.require(version, "version");
        Checks.require(environment, "environment");
        clusters = List.copyOf(clusters);
        Checks.require(requestedBy, "requestedBy");
    }
}
