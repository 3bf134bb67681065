package dev.scaleplane.api.deployments;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A deployment as its stream records it, rebuilt from the events of {@code deployment-<id>}.
 *
 * @param deploymentId the deployment's id
 * @param application the application deployed
 * @param version the version deployed
 * @param phase where the deployment is
 * @param wave the wave in progress (0 is the canary), or the last one reached when finished; -1 before placement
 * @param waves how many waves the rollout has, 0 before placement
 * @param clusters every cluster of the rollout, in wave order
 * @param requestedBy who requested it
 * @param requestedAt when it was requested
 * @param startedAt when its first wave started, {@code null} before
 * @param finishedAt when it reached a terminal phase, {@code null} before
 * @param reason why it was refused or failed, or the latest manual control; {@code null} when none
 */
public record DeploymentStatus(
        String deploymentId,
        String application,
        String version,
        DeploymentPhase phase,
        int wave,
        int waves,
        List<ClusterRollout> clusters,
        String requestedBy,
        Instant requestedAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        @Nullable String reason) {

    /** Validates required fields and copies the list. */
    public DeploymentStatus {
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(phase, "phase");
        clusters = List.copyOf(clusters);
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }

    /** How many clusters run the new version and are ready. */
    public int clustersReady() {
        return (int) clusters.stream()
                .filter(c -> c.state() == ClusterRolloutState.READY)
                .count();
    }

    /** The clusters that count toward the rollout (every one not {@link ClusterRolloutState#REPLACED}). */
    public int clustersTotal() {
        return (int) clusters.stream()
                .filter(c -> c.state() != ClusterRolloutState.REPLACED)
                .count();
    }
}
