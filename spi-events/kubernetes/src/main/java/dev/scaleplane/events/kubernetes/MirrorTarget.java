package dev.scaleplane.events.kubernetes;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The object a mirrored platform event concerns: the Kubernetes Event is written in {@code cluster}, in the object's
 * namespace ({@code default} for cluster-scoped objects), with {@code regarding} pointing at it.
 *
 * @param cluster the cluster's name, as {@link FleetClients} knows it
 * @param apiVersion the object's apiVersion, e.g. {@code apps/v1}; may be empty when unknown
 * @param kind the object's kind, e.g. {@code Deployment}
 * @param namespace its namespace, or {@code null} for a cluster-scoped object
 * @param name its name
 */
public record MirrorTarget(String cluster, String apiVersion, String kind, @Nullable String namespace, String name) {

    /**
     * @throws IllegalArgumentException if cluster, kind or name is empty
     */
    public MirrorTarget {
        require(cluster, "cluster");
        Objects.requireNonNull(apiVersion, "apiVersion");
        require(kind, "kind");
        require(name, "name");
        if (namespace != null && namespace.isEmpty()) {
            namespace = null;
        }
    }

    private static void require(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
    }
}
