package dev.scaleplane.api.events.catalog;

import dev.scaleplane.api.events.EventType;
import java.util.Map;

/**
 * A cluster joined the fleet.
 *
 * <p>Type name {@value #TYPE_NAME}.
 */
public record ClusterCreated(
        String cluster, String region, String zone, String kubernetesVersion, Map<String, String> labels) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.cluster.created.v1";

    /** The registered type. */
    public static final EventType<ClusterCreated> TYPE = EventType.of(TYPE_NAME, ClusterCreated.class);

    /** Validates required fields and copies collections. */
    public ClusterCreated {
        Checks.require(cluster, "cluster");
        Checks.require(region, "region");
        Checks.require(zone, "zone");
        Checks.require(kubernetesVersion, "kubernetesVersion");
        labels = Map.copyOf(labels);
    }
}
