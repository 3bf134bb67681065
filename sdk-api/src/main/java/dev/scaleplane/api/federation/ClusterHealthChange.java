package dev.scaleplane.api.federation;

import java.time.Instant;
import java.util.Objects;

/**
 * A cluster's health changed.
 *
 * @param cluster the cluster
 * @param region its region
 * @param from the previous health
 * @param to the new health
 * @param at when the change was detected
 * @param reason the last probe's outcome, e.g. {@code connect timed out after 3s} or {@code HTTP 503}
 */
public record ClusterHealthChange(
        String cluster, String region, ClusterHealth from, ClusterHealth to, Instant at, String reason) {
    /** Validates the fields. */
    public ClusterHealthChange {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
    }
}
