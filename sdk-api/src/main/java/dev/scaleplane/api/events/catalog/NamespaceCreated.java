package dev.scaleplane.api.events.catalog;

import dev.scaleplane.api.events.EventType;
import java.util.Map;

/**
 * A tenant namespace was created on a cluster.
 *
 * <p>Type name {@value #TYPE_NAME}.
 */
public record NamespaceCreated(String cluster, String namespace, String tenant, Map<String, String> labels) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.namespace.created.v1";

    /** The registered type. */
    public static final EventType<NamespaceCreated> TYPE = EventType.of(TYPE_NAME, NamespaceCreated.class);

    /** Validates required fields and copies collections. */
    public NamespaceCreated {
        Checks.require(cluster, "cluster");
        Checks.require(namespace, "namespace");
        Checks.require(tenant, "tenant");
        labels = Map.copyOf(labels);
    }
}
