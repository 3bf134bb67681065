/**
 * Implementation of the simulated fleet: the dispatchers in front of the fabric8 CRUD store, the workload status
 * rules of the simulated controller and kubeconfig rendering. Not an API; it may change without notice.
 */
@NullMarked
package dev.scaleplane.federation.kubernetes.testing.internal;

import org.jspecify.annotations.NullMarked;
