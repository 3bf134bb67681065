/**
 * Analysis between the waves of a deployment, on the model of Argo Rollouts' {@code AnalysisTemplate} and {@code
 * AnalysisRun}.
 *
 * <p>An {@link dev.scaleplane.api.deployments.analysis.AnalysisSpec} lists {@link
 * dev.scaleplane.api.deployments.analysis.MetricCheck}s. Each reads a value from a {@link
 * dev.scaleplane.api.deployments.analysis.MetricSource} (a query through an observability adapter such as Prometheus
 * or Datadog, or a count or ratio of the platform's own events), {@code count} times every {@code interval}, and
 * judges each value with a success and/or failure {@link dev.scaleplane.api.deployments.analysis.Condition} such as
 * {@code result >= 0.95}. Failure, inconclusive and consecutive-error limits decide the metric's phase; the run takes
 * its worst metric's phase ({@link dev.scaleplane.api.deployments.analysis.AnalysisResult}). Every {@link
 * dev.scaleplane.api.deployments.analysis.Measurement} is recorded by the deployment controller, so a restarted
 * process resumes a run where it stood.
 */
@NullMarked
package dev.scaleplane.api.deployments.analysis;

import org.jspecify.annotations.NullMarked;
