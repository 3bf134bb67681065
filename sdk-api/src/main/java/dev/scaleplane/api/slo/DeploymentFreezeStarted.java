package dev.scaleplane.api.slo;

import dev.scaleplane.api.events.EventType;
import java.time.Duration;
import java.util.Objects;

/**
 * The error-budget policy froze a service's deployments: the budget of SLO {@code slo} is spent.
 *
 * <p>Type name {@value #TYPE_NAME}.
 *
 * @param service the frozen service
 * @param slo the SLO whose budget is spent
 * @param budgetRemaining the budget's remaining share, {@code <= 0}
 * @param liftAbove the freeze lifts when every SLO of the service has more than this share left
 * @param window the SLO's window
 */
public record DeploymentFreezeStarted(
        String service, String slo, double budgetRemaining, double liftAbove, Duration window) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.slo.freeze.started.v1";

    /** The registered type. */
    public static final EventType<DeploymentFreezeStarted> TYPE =
            EventType.of(TYPE_NAME, DeploymentFreezeStarted.class);

    /** Validates required fields. */
    public DeploymentFreezeStarted {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(slo, "slo");
        Objects.requireNonNull(window, "window");
    }
}
