/**
 * Elastic scaling of orchestrator worker pools: the {@link dev.scaleplane.core.orchestration.scaling.Autoscaler},
 * which decides a pool's worker count from a task queue's backlog by a {@link
 * dev.scaleplane.api.orchestration.scaling.ScalingPolicy}, and the in-process actuator {@link
 * dev.scaleplane.core.orchestration.scaling.WorkerPool}, which registers workers on an {@link
 * dev.scaleplane.core.orchestration.Orchestrator} and drains those it removes.
 */
@NullMarked
package dev.scaleplane.core.orchestration.scaling;

import org.jspecify.annotations.NullMarked;
