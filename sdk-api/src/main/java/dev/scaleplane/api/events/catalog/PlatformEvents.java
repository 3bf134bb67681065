package dev.scaleplane.api.events.catalog;

import dev.scaleplane.api.events.EventType;
import java.util.List;

/** The platform event catalog in one place. */
public final class PlatformEvents {
    private static final List<EventType<?>> ALL = List.of(
            DeploymentRequested.TYPE,
            DeploymentStarted.TYPE,
            DeploymentCompleted.TYPE,
            DeploymentFailed.TYPE,
            DeploymentRolledBack.TYPE,
            ClusterCreated.TYPE,
            ClusterUpdated.TYPE,
            NamespaceCreated.TYPE,
            ResourceQuotaExceeded.TYPE,
            PlatformHealthCheck.TYPE,
            SLOViolation.TYPE,
            ErrorBudgetDepleted.TYPE);

    private PlatformEvents() {}

    /** The twelve catalog types, deployment group first, then infrastructure, then platform. */
    public static List<EventType<?>> all() {
        return ALL;
    }
}
