package dev.scaleplane.adapters.kubernetes;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A secret propagation on one cluster: names, versions and messages, never a value.
 *
 * @param cluster the cluster
 * @param residency its residency zone (empty for none)
 * @param state where the copy stands
 * @param version the source version the cluster holds, or null if none is known to be there
 * @param message why the state is not {@link State#CURRENT}, from the API server or the placement; empty when current
 * @param updatedAt when this entry last changed
 */
public record ClusterSecretStatus(
        String cluster, String residency, State state, @Nullable String version, String message, Instant updatedAt) {

    /** Where a cluster's copy stands. */
    public enum State {
        /** Selected, and holds the source version in force. */
        CURRENT,
        /** Selected, but not (yet) holding the source version in force: unreachable, refused, or waiting. */
        PENDING,
        /** Selected, but a Secret of the target name exists there that this propagation did not create; untouched. */
        CONFLICT,
        /** No longer selected: its copy is removed once the selected clusters hold the source version and it answers. */
        LEAVING
    }

    /** Validates. */
    public ClusterSecretStatus {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(residency, "residency");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
