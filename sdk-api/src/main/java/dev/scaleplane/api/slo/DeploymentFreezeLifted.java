package dev.scaleplane.api.slo;

import dev.scaleplane.api.events.EventType;
import java.util.Objects;

/**
 * The error-budget policy lifted a service's freeze: every SLO of the service has more than {@code liftAbove} of its
 * budget left.
 *
 * <p>Type name {@value #TYPE_NAME}.
 *
 * @param service the service
 * @param budgetRemaining the lowest remaining share among the service's SLOs
 * @param liftAbove the configured level it rose above
 */
public record DeploymentFreezeLifted(String service, double budgetRemaining, double liftAbove) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.slo.freeze.lifted.v1";

    /** The registered type. */
    public static final EventType<DeploymentFreezeLifted> TYPE = EventType.of(TYPE_NAME, DeploymentFreezeLifted.class);

    /** Validates required fields. */
    public DeploymentFreezeLifted {
        Objects.requireNonNull(service, "service");
    }
}
