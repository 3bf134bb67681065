/**
 * Elastic scaling of worker pools on the backlog of a task queue, in the manner of KEDA's scalers and the Kubernetes
 * HorizontalPodAutoscaler's {@code behavior} block.
 *
 * <p>A {@link dev.scaleplane.api.orchestration.scaling.ScalingPolicy} says how many workers a pool may have, which
 * {@linkplain dev.scaleplane.api.orchestration.scaling.ScalingMetric metrics} recommend a count (the largest
 * recommendation wins) and how fast the count may follow them ({@link
 * dev.scaleplane.api.orchestration.scaling.ScalingRules}: a stabilization window and rate limits per direction). A
 * {@link dev.scaleplane.api.orchestration.scaling.ScalingActuator} applies the count: the in-process worker pool of
 * {@code scaleplane-core}, or anything external such as a Deployment's replicas. Every decision is a {@link
 * dev.scaleplane.api.orchestration.scaling.ScalingDecision} event with its inputs and reason ({@link
 * dev.scaleplane.api.orchestration.scaling.ScalingEvents}).
 */
@NullMarked
package dev.scaleplane.api.orchestration.scaling;

import org.jspecify.annotations.NullMarked;
