/**
 * A simulation of a fleet of Kubernetes clusters for tests, samples and benchmarks of the federation layer.
 *
 * <p>{@link dev.scaleplane.federation.kubernetes.testing.SimulatedFleet} starts one fabric8 mock API server in CRUD
 * mode per named cluster on 127.0.0.1, seeds it with Nodes and Namespaces, runs a
 * {@link dev.scaleplane.federation.kubernetes.testing.SimulatedController} per cluster that moves Deployment and
 * StatefulSet status toward spec, and injects faults per
 * {@link dev.scaleplane.federation.kubernetes.testing.SimulatedCluster} (partition, latency, 429/503 answers). It is a
 * simulation, not a Kubernetes: there is no scheduler, no pod, no admission and no quota enforcement; the module's
 * README lists what the mock API server does and does not do.
 */
@NullMarked
package dev.scaleplane.federation.kubernetes.testing;

import org.jspecify.annotations.NullMarked;
