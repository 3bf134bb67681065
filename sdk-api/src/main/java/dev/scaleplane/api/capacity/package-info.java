/**
 * Capacity planning for the fleet: current capacity per cluster and region, demand projected from history, required
 * capacity with headroom, recommendations with their reasons and optional cost projections.
 *
 * <p>The inputs are a {@link dev.scaleplane.api.federation.FleetSnapshot} (allocatable against requested CPU, memory
 * and pods), a {@link dev.scaleplane.api.capacity.DemandHistory} (requested amounts per region and {@link
 * dev.scaleplane.api.capacity.Resource} over time: given directly, or built from the {@link
 * dev.scaleplane.api.capacity.CapacitySampled} events a planner records) and, for rebalancing, the tenants and their
 * quotas. The output is an immutable {@link dev.scaleplane.api.capacity.CapacityPlan}; a region projected to run out
 * within the horizon yields a {@link dev.scaleplane.api.capacity.CapacityShortfallProjected} event ({@link
 * dev.scaleplane.api.capacity.CapacityEvents}). The engine is {@code dev.scaleplane.core.capacity.CapacityPlanner} in
 * {@code scaleplane-core}; the projection method, its assumptions and limits are documented on {@link
 * dev.scaleplane.api.capacity.ResourceProjection}.
 */
@NullMarked
package dev.scaleplane.api.capacity;

import org.jspecify.annotations.NullMarked;
