package dev.scaleplane.api.deployments;

import dev.scaleplane.api.events.EventType;
import java.util.List;

/**
 * The event types of the deployment controller beyond the platform catalog's deployment milestones. Every platform
 * registers them, so they can be published and decoded whatever registry the application gave.
 */
public final class DeploymentEvents {
    private static final List<EventType<?>> ALL = List.of(DeploymentProgressed.TYPE, DeploymentNotification.TYPE);

    private DeploymentEvents() {}

    /** {@link DeploymentProgressed} and {@link DeploymentNotification}. */
    public static List<EventType<?>> all() {
        return ALL;
    }
}
