package dev.scaleplane.api.events.catalog;

import dev.scaleplane.api.events.EventType;
import java.util.Map;

/**
 * A cluster changed: {@code changes} maps each changed property to its new value.
 *
 * <p>Type name {@value #TYPE_NAME}.
 */
public record ClusterUpdated(String cluster, String region, String kubernetesVersion, Map<String, String> changes) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.cluster.updated.v1";

    /** The registered type. */
    public static final EventType<ClusterUpdated> TYPE = EventType.of(TYPE_NAME, ClusterUpdated.class);

    /** Validates required fields and copies collections. */
    public ClusterUpdated {
        Checks.require(cluster, "cluster");
        Checks.require(region, "region");
        Checks.require(kubernetesVersion, "kubernetesVersion");
        changes = Map.copyOf(changes);
    }
}
