package dev.scaleplane.api.slo;

import dev.scaleplane.api.events.EventType;
import java.util.Objects;

/**
 * The error-budget policy refused a deployment of a frozen service.
 *
 * <p>Type name {@value #TYPE_NAME}.
 *
 * @param service the frozen service
 * @param deploymentId the refused deployment
 * @param reason the reason given to the requester
 * @param slo the SLO whose spent budget froze the service
 * @param budgetRemaining that SLO's remaining share when refused
 */
public record DeploymentAdmissionRefused(
        String service, String deploymentId, String reason, String slo, double budgetRemaining) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.slo.admission.refused.v1";

    /** The registered type. */
    public static final EventType<DeploymentAdmissionRefused> TYPE =
            EventType.of(TYPE_NAME, DeploymentAdmissionRefused.class);

    /** Validates required fields. */
    public DeploymentAdmissionRefused {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(slo, "slo");
    }
}
