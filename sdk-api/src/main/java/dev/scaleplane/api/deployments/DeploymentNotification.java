package dev.scaleplane.api.deployments;

import dev.scaleplane.api.events.EventType;
import java.util.Objects;

/**
 * A message for people, published on {@link Deployments#NOTIFICATIONS_TOPIC} when a deployment finishes badly (failed,
 * rolled back, refused by the freeze policy): route it to chat or paging with a subscription.
 *
 * @param deploymentId the deployment
 * @param application its application
 * @param version its version
 * @param severity {@code warning} for a refusal, {@code error} for a failure
 * @param title one line
 * @param text the details: reason, clusters, rollback
 */
public record DeploymentNotification(
        String deploymentId, String application, String version, String severity, String title, String text) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.deployment.notification.v1";

    /** The registered type. */
    public static final EventType<DeploymentNotification> TYPE = EventType.of(TYPE_NAME, DeploymentNotification.class);

    /** Validates required fields. */
    public DeploymentNotification {
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(text, "text");
    }
}
