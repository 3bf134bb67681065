package dev.scaleplane.api.slo;

import java.util.List;
import java.util.Objects;

/**
 * The error-budget policy's answer to an {@link AdmissionRequest}.
 *
 * @param admitted whether the deployment may start
 * @param frozen whether the service was frozen when asked (an admitted deployment of a frozen service passed as an
 *     exception)
 * @param reason a sentence for people: why refused, why admitted despite a freeze, or that the budget allows it
 * @param budgets the service's SLO statuses the decision was taken on (the budget figures), possibly empty when the
 *     service has no SLO
 */
public record AdmissionDecision(boolean admitted, boolean frozen, String reason, List<SloStatus> budgets) {

    /** Copies the list. */
    public AdmissionDecision {
        Objects.requireNonNull(reason, "reason");
        budgets = List.copyOf(budgets);
    }
}
