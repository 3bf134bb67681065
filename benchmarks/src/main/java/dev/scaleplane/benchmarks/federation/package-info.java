/**
 * JMH benchmarks of the Kubernetes fleet (issue 11) against a simulated fleet of fabric8 mock API servers, each next
 * to the raw fabric8 code a user would write instead:
 *
 * <ul>
 *   <li>{@link dev.scaleplane.benchmarks.federation.PropagationBenchmark}: wall clock from {@code propagate(...)} of
 *       a five-object bundle to 100 clusters until every cluster is ready, against plain {@code KubernetesClient}s.
 *   <li>{@link dev.scaleplane.benchmarks.federation.FirstPropagationBenchmark}: the same for the first propagation
 *       on a freshly started fleet, which also starts the status informers.
 *   <li>{@link dev.scaleplane.benchmarks.federation.FleetFootprintBenchmark}: heap, resident memory and threads per
 *       registered and probed cluster, for 1,000 clusters, against 1,000 default fabric8 clients.
 *   <li>{@link dev.scaleplane.benchmarks.federation.DeploymentThroughputBenchmark}: deployments per hour the
 *       deployment controller sustains on 100 clusters, its concurrency and overhead per cluster apply, against the
 *       same applies through {@code fleet.propagate(...)} alone.
 *   <li>{@link dev.scaleplane.benchmarks.federation.FederationTable}: prints their figures and ratios from a JMH JSON
 *       result ({@code benchmarks/run.sh} calls it).
 * </ul>
 */
@NullMarked
package dev.scaleplane.benchmarks.federation;

import org.jspecify.annotations.NullMarked;
