package dev.scaleplane.api.tenants;

import java.util.List;
import java.util.Objects;

/**
 * A provisioned tenant.
 *
 * @param name the tenant's name, e.g. {@code alice}
 * @param namespace its namespace on every cluster, {@code user-<name>}
 * @param spec the spec in force
 * @param clusters the clusters its placement chose, sorted by name
 */
public record Tenant(String name, String namespace, TenantSpec spec, List<String> clusters) {

    /** Validates and copies. */
    public Tenant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(spec, "spec");
        clusters = List.copyOf(clusters);
    }
}
