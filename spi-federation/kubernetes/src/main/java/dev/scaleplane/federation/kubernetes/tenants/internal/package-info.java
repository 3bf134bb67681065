/**
 * Tenant namespaces on the fabric8 fleet: the bundle renderer, the {@code Tenants} facade over the fleet's
 * propagations, and the quota watch. Internal: not part of the API.
 */
@NullMarked
package dev.scaleplane.federation.kubernetes.tenants.internal;

import org.jspecify.annotations.NullMarked;
