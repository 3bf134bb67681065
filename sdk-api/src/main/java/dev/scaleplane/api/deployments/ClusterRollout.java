package dev.scaleplane.api.deployments;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One cluster of a deployment.
 *
 * @param cluster the cluster's name
 * @param wave the wave it belongs to, 0 for the canary
 * @param state where it is
 * @param previousVersion the version it ran before this deployment, {@code null} if the application was new there
 * @param message the latest failure or explanation, {@code null} when there is none
 */
public record ClusterRollout(
        String cluster,
        int wave,
        ClusterRolloutState state,
        @Nullable String previousVersion,
        @Nullable String message) {

    /** Validates required fields. */
    public ClusterRollout {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(state, "state");
    }
}
