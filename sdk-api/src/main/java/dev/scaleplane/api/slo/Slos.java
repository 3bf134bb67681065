package dev.scaleplane.api.slo;

import java.util.List;

/**
 * The platform's SLOs, their error budgets and the error-budget policy ({@code platform.slos()}).
 *
 * <h2>Evaluation</h2>
 *
 * Every SLO is evaluated on the platform's task clock every {@code scaleplane.slo-policy.evaluation-interval} (default one
 * minute), and on demand with {@link #evaluate()}: the SLI over the SLO's window gives the {@link ErrorBudget}, and
 * the SLI over each window of its {@link BurnRateRule rules} gives the burn rates. Each evaluation may publish, on
 * topic {@value #TOPIC} and into the store stream {@code slo-<service>} ({@link SloEvents#stream}):
 *
 * <ul>
 *   <li>{@code SLOViolation} when a rule starts firing, once per crossing: a rule that keeps firing is not reported
 *       again until it has stopped firing in an evaluation;
 *   <li>{@code ErrorBudgetDepleted} when the remaining budget reaches zero, once per crossing likewise;
 *   <li>{@link DeploymentFreezeStarted} when a service's first SLO budget is spent, {@link DeploymentFreezeLifted} when
 *       every SLO of a frozen service has more than {@code scaleplane.slo-policy.lift-above} (default 0.1) of its
 *       budget left again. Between the two levels the freeze state holds (hysteresis).
 * </ul>
 *
 * The freeze state of a service is recovered from its stream when the service is first used, so a restarted platform
 * keeps a freeze that has not been lifted.
 *
 * <h2>Admission</h2>
 *
 * {@link #admit} is the deployment guard's question. A frozen service's deployments are refused ({@link
 * DeploymentAdmissionRefused}) unless flagged {@link FreezeFlag#EMERGENCY} or {@link FreezeFlag#SECURITY_FIX}, which
 * are admitted and recorded with who set the flag ({@link FreezeExceptionGranted}).
 *
 * <p>Thread-safety: all methods may be called from any thread; evaluations and admissions are serialized.
 */
public interface Slos {

    /** The topic SLO events are published on. */
    String TOPIC = "slo";

    /**
     * Adds an SLO, or replaces the one with the same service and name. Scheduled evaluation starts with the first SLO.
     *
     * @return the definition
     */
    SloDefinition define(SloDefinition definition);

    /** Every SLO, in definition order. */
    List<SloDefinition> definitions();

    /**
     * Evaluates every SLO now (the platform clock), publishing and recording what crossed a threshold.
     *
     * @return the status of every SLO
     * @throws dev.scaleplane.api.ScaleplaneException if an SLI could not be read (naming the SLO and the system); the
     *     other SLOs are still evaluated and applied first
     */
    List<SloStatus> evaluate();

    /** The latest statuses of the service's SLOs, empty before their first evaluation. */
    List<SloStatus> status(String service);

    /** Whether the service's deployments are frozen. */
    boolean frozen(String service);

    /**
     * Decides whether a deployment may start, on the latest evaluation of the service's SLOs: an SLO never evaluated
     * is evaluated first; one whose later evaluations failed (its SLI system unreachable) keeps its last status, so a
     * freeze neither starts nor lifts on missing data. A service with no SLO is always admitted. Refusals and
     * exceptions are recorded before this returns.
     *
     * @throws dev.scaleplane.api.ScaleplaneException if a never-evaluated SLO cannot be read (naming the SLO and the
     *     system), or the decision cannot be recorded in the store
     */
    AdmissionDecision admit(AdmissionRequest request);
}
