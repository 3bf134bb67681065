package dev.scaleplane.adapters.kubernetes;

import dev.scaleplane.api.federation.PlacementDecision;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A secret propagation after its last pass: the source version in force, the placement, and each cluster that is
 * selected or still holds a copy. Names, versions and messages only, never a value.
 *
 * @param id the propagation id
 * @param sourceVersion the source version being propagated, or null before the source was first read
 * @param decision the placement in force, or null once deleted
 * @param clusters every selected cluster and every cluster still holding a copy, by name
 * @param message what keeps the propagation from being current as a whole (the source unreadable, the placement not
 *     met, deleting); empty otherwise
 * @param at when the pass ended
 */
public record SecretPropagationStatus(
        String id,
        @Nullable String sourceVersion,
        @Nullable PlacementDecision decision,
        List<ClusterSecretStatus> clusters,
        String message,
        Instant at) {

    /** Validates and copies. */
    public SecretPropagationStatus {
        Objects.requireNonNull(id, "id");
        clusters = List.copyOf(clusters);
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(at, "at");
    }

    /** The entry of {@code cluster}, if it is selected or holds a copy. */
    public Optional<ClusterSecretStatus> cluster(String cluster) {
        return clusters.stream().filter(c -> c.cluster().equals(cluster)).findFirst();
    }

    /** The clusters holding the source version in force. */
    public List<String> holding() {
        return clusters.stream()
                .filter(c -> c.state() == ClusterSecretStatus.State.CURRENT)
                .map(ClusterSecretStatus::cluster)
                .toList();
    }

    /**
     * Whether the source was read, every selected cluster holds its version, and no other cluster holds a copy.
     */
    public boolean current() {
        return sourceVersion != null
                && message.isEmpty()
                && !clusters.isEmpty()
                && clusters.stream().allMatch(c -> c.state() == ClusterSecretStatus.State.CURRENT);
    }
}
