package dev.scaleplane.api.slo;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A deployment asking the error-budget policy whether it may start.
 *
 * @param service the service to deploy
 * @param deploymentId the deployment's id, recorded with the decision
 * @param flag {@link FreezeFlag#NONE}, or why it may pass a freeze
 * @param flaggedBy who set the flag (required when a flag is set), recorded with the decision
 * @param justification why the flag was set (optional), recorded with the decision
 */
public record AdmissionRequest(
        String service,
        String deploymentId,
        FreezeFlag flag,
        @Nullable String flaggedBy,
        @Nullable String justification) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if a text is blank, or a flag is set without {@code flaggedBy}
     */
    public AdmissionRequest {
        requireText(service, "service");
        requireText(deploymentId, "deploymentId");
        Objects.requireNonNull(flag, "flag");
        if (flag != FreezeFlag.NONE && (flaggedBy == null || flaggedBy.isBlank())) {
            throw new IllegalArgumentException("flaggedBy must name who set flag " + flag + " on deployment "
                    + deploymentId + ", but was " + (flaggedBy == null ? "missing" : "blank"));
        }
    }

    /** An ordinary deployment. */
    public static AdmissionRequest of(String service, String deploymentId) {
        return new AdmissionRequest(service, deploymentId, FreezeFlag.NONE, null, null);
    }

    /** A deployment flagged by {@code flaggedBy} to pass a freeze. */
    public static AdmissionRequest flagged(
            String service, String deploymentId, FreezeFlag flag, String flaggedBy, @Nullable String justification) {
        return new AdmissionRequest(service, deploymentId, flag, flaggedBy, justification);
    }

    private static void requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
