/**
 * Tenant namespaces across the fleet: {@link dev.scaleplane.api.tenants.Tenants} ({@code
 * platform.federation().tenants()}) provisions, for each tenant, one bundle of Kubernetes objects (namespace
 * {@code user-<name>}, ResourceQuota, LimitRange, NetworkPolicies, ServiceAccount, Role and RoleBinding) on every
 * cluster the tenant's placement selects, as one unit per cluster, with drift repair and a quota watch. Depends on the
 * JDK only.
 */
@NullMarked
package dev.scaleplane.api.tenants;

import org.jspecify.annotations.NullMarked;
