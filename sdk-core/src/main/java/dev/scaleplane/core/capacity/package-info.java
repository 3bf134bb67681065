/**
 * The fleet capacity planner: {@link dev.scaleplane.core.capacity.CapacityPlanner} records capacity samples, projects
 * demand and makes {@link dev.scaleplane.api.capacity.CapacityPlan}s. The value types are in {@code
 * dev.scaleplane.api.capacity}.
 */
@NullMarked
package dev.scaleplane.core.capacity;

import org.jspecify.annotations.NullMarked;
