package dev.scaleplane.api.capacity;

import dev.scaleplane.api.federation.Capacity;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The plan of one region: its current capacity, the projection of each resource that has history, and its cost.
 *
 * @param region the region
 * @param allocatable the sum of its clusters' allocatable capacity
 * @param requested the sum of what is requested on its clusters
 * @param projections one per resource with history, in {@link Resource} order
 * @param cost the cost projection; null without unit prices
 * @param deployments the deployments completed in the region over the window; null when the planner has no platform
 *     to count them in
 */
public record RegionPlan(
        String region,
        Capacity allocatable,
        Capacity requested,
        List<ResourceProjection> projections,
        @Nullable CostProjection cost,
        @Nullable DeploymentActivity deployments) {

    /** Validates and copies. */
    public RegionPlan {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(allocatable, "allocatable");
        Objects.requireNonNull(requested, "requested");
        projections = List.copyOf(projections);
    }

    /** The projection of {@code resource}, if it had history. */
    public Optional<ResourceProjection> projection(Resource resource) {
        return projections.stream().filter(p -> p.resource() == resource).findFirst();
    }

    /** The deployment activity, if the planner counted it. */
    public Optional<DeploymentActivity> deploymentActivity() {
        return Optional.ofNullable(deployments);
    }

    /** The cost projection, if unit prices were configured. */
    public Optional<CostProjection> costProjection() {
        return Optional.ofNullable(cost);
    }
}
