package dev.scaleplane.api.slo;

import dev.scaleplane.api.events.EventType;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The error-budget policy admitted a deployment of a frozen service because it was flagged as an emergency or a
 * security fix.
 *
 * <p>Type name {@value #TYPE_NAME}.
 *
 * @param service the frozen service
 * @param deploymentId the admitted deployment
 * @param flag the flag it carried
 * @param flaggedBy who set the flag
 * @param justification why, when given
 * @param slo the SLO whose spent budget froze the service
 * @param budgetRemaining that SLO's remaining share when admitted
 */
public record FreezeExceptionGranted(
        String service,
        String deploymentId,
        FreezeFlag flag,
        String flaggedBy,
        @Nullable String justification,
        String slo,
        double budgetRemaining) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.slo.freeze.exception.v1";

    /** The registered type. */
    public static final EventType<FreezeExceptionGranted> TYPE = EventType.of(TYPE_NAME, FreezeExceptionGranted.class);

    /** Validates required fields. */
    public FreezeExceptionGranted {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(flag, "flag");
        Objects.requireNonNull(flaggedBy, "flaggedBy");
        Objects.requireNonNull(slo, "slo");
    }
}
