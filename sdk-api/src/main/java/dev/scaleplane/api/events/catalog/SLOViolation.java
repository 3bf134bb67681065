package dev.scaleplane.api.events.catalog;

import dev.scaleplane.api.events.EventType;
import java.time.Duration;

/**
 * A service fell below a service-level objective: {@code actual} is below {@code objective} (both ratios in [0, 1]) over {@code window}.
 *
 * <p>Type name {@value #TYPE_NAME}.
 */
public record SLOViolation(String service, String slo, double objective, double actual, Duration window) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.slo.violated.v1";

    /** The registered type. */
    public static final EventType<SLOViolation> TYPE = EventType.of(TYPE_NAME, SLOViolation.class);

    /** Validates required fields and copies collections. */
    public SLOViolation {
        Checks.require(service, "service");
        Checks.require(slo, "slo");
        Checks.requireRatio(objective, "objective");
        Checks.requireRatio(actual, "actual");
        Checks.requireNonNegative(window, "window");
    }
}
