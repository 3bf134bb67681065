/**
 * Orchestration on top of any {@link dev.scaleplane.api.orchestration.TaskQueue}: the
 * {@link dev.scaleplane.core.orchestration.Orchestrator}, which leases tasks for registered workers and runs their
 * {@link dev.scaleplane.core.orchestration.TaskHandler}s without ever exceeding a worker's slots, and the built-in
 * {@linkplain dev.scaleplane.api.orchestration.DispatchStrategy dispatch strategies}
 * ({@link dev.scaleplane.core.orchestration.DispatchStrategies}) it chooses workers with.
 *
 * <p>Applications use the orchestrator; task queue backends build on {@link
 * dev.scaleplane.core.orchestration.TaskQueueMetrics} and the lifecycle in {@code orchestration.support}, both part
 * of the supported backend API.
 */
@NullMarked
package dev.scaleplane.core.orchestration;

import org.jspecify.annotations.NullMarked;
