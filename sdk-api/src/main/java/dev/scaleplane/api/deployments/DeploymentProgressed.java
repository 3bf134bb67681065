package dev.scaleplane.api.deployments;

import dev.scaleplane.api.events.EventType;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A step of a rollout, published on {@link Deployments#TOPIC} as it is recorded: a wave started, a cluster applied or
 * ready or failed, an analysis measured, a manual control. The catalog's {@code DeploymentStarted},
 * {@code DeploymentCompleted}, {@code DeploymentRolledBack} and {@code DeploymentFailed} mark the milestones.
 *
 * @param deploymentId the deployment
 * @param application its application
 * @param version its version
 * @param step the step's name, as recorded in the stream, e.g. {@code cluster-ready}
 * @param wave the wave, -1 when the step belongs to none
 * @param cluster the cluster, {@code null} when the step is not about one
 * @param message what happened, e.g. the analysis result or who paused
 */
public record DeploymentProgressed(
        String deploymentId,
        String application,
        String version,
        String step,
        int wave,
        @Nullable String cluster,
        @Nullable String message) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.deployment.progressed.v1";

    /** The registered type. */
    public static final EventType<DeploymentProgressed> TYPE = EventType.of(TYPE_NAME, DeploymentProgressed.class);

    /** Validates required fields. */
    public DeploymentProgressed {
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(step, "step");
    }
}
