package dev.scaleplane.api.federation;

import java.util.Objects;

/**
 * A status condition of a live object, as Kubernetes reports it.
 *
 * @param type e.g. {@code Available}
 * @param status {@code True}, {@code False} or {@code Unknown}
 * @param reason a CamelCase reason, may be empty
 * @param message a human-readable message, may be empty
 */
public record Condition(String type, String status, String reason, String message) {
    /** Validates the fields. */
    public Condition {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
