/**
 * Federation: many Kubernetes clusters in many regions behind one API, inside the user's service.
 *
 * <p>{@link dev.scaleplane.api.federation.Fleet} is the entry point ({@code platform.federation()}): a registry of
 * {@linkplain dev.scaleplane.api.federation.ClusterSpec clusters} with health, an explainable
 * {@linkplain dev.scaleplane.api.federation.PlacementPolicy placement} engine with what-if simulation, propagation of
 * Kubernetes objects ({@link dev.scaleplane.api.federation.Manifest}) with per-cluster
 * {@linkplain dev.scaleplane.api.federation.ClusterOverride overrides}, aggregated
 * {@linkplain dev.scaleplane.api.federation.PropagationStatus status} and failover. The API depends on the JDK only;
 * backends (the fabric8 one in {@code scaleplane-federation-kubernetes}) implement
 * {@link dev.scaleplane.api.spi.FederationProvider}.
 */
@NullMarked
package dev.scaleplane.api.federation;

import org.jspecify.annotations.NullMarked;
