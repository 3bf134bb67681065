/**
 * The capacity planner's engine: the trend-plus-seasonality model and the recommendation rules. Internal: use {@code
 * dev.scaleplane.core.capacity.CapacityPlanner}.
 */
@NullMarked
package dev.scaleplane.core.internal.capacity;

import org.jspecify.annotations.NullMarked;
