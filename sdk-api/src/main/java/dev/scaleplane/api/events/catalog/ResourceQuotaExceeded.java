package dev.scaleplane.api.events.catalog;

import dev.scaleplane.api.events.EventType;

/**
 * A namespace hit its ResourceQuota: {@code used} and {@code hard} are Kubernetes quantities such as {@code 8Gi}.
 *
 * <p>Type name {@value #TYPE_NAME}.
 */
public record ResourceQuotaExceeded(String cluster, String namespace, String resource, String used, String hard) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.quota.exceeded.v1";

    /** The registered type. */
    public static final EventType<ResourceQuotaExceeded> TYPE = EventType.of(TYPE_NAME, ResourceQuotaExceeded.class);

    /** Validates required fields and copies collections. */
    public ResourceQuotaExceeded {
        Checks.require(cluster, "cluster");
        Checks.require(namespace, "namespace");
        Checks.require(resource, "resource");
        Checks.require(used, "used");
        Checks.require(hard, "hard");
    }
}
