/**
 * Service-level objectives, error budgets and the error-budget policy that freezes deployments.
 *
 * <p>An {@link dev.scaleplane.api.slo.SloDefinition} (in the spirit of OpenSLO) names a service, an SLI as a ratio of
 * good to total events ({@link dev.scaleplane.api.slo.Sli}: a PromQL pair evaluated through an observability adapter,
 * or counts of platform events in the event store), an objective and a rolling window of 28 or 30 days. The platform
 * ({@link dev.scaleplane.api.slo.Slos}, {@code platform.slos()}) evaluates every SLO on a schedule: the error budget
 * ({@link dev.scaleplane.api.slo.ErrorBudget}) and the burn rates of the multi-window, multi-burn-rate rules of the SRE
 * Workbook ({@link dev.scaleplane.api.slo.BurnRateRule#defaults}), publishing {@code SLOViolation} and {@code
 * ErrorBudgetDepleted} once per crossing. A service whose budget is spent is frozen: {@link
 * dev.scaleplane.api.slo.Slos#admit} refuses its new deployments except flagged emergency or security fixes, until the
 * budget recovers above a configured level. Every freeze decision is an event of {@link
 * dev.scaleplane.api.slo.SloEvents}.
 */
@NullMarked
package dev.scaleplane.api.slo;

import org.jspecify.annotations.NullMarked;
