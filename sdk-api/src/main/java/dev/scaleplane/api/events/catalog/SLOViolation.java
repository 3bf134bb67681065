package dev.scaleplane.api.events.catalog;

import dev.scaleplane.api.events.EventType;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A service fell below a service-level objective: {@code actual} is below {@code objective} (both ratios in [0, 1]) over {@code window}.
 *
 * <p>When a multi-window burn-rate rule fired, {@code rule} names it, {@code burnRate} is the error budget's burn rate
 * over {@code window} (the rule's long window; 1.0 spends exactly the budget over the SLO's period) and {@code
 * shortWindow} is the rule's short window. Events written before these three fields existed decode with {@code rule}
 * and {@code shortWindow} null and {@code burnRate} 0.
 *
 * <p>Type name {@value #TYPE_NAME}.
 */
public record SLOViolation(
        String service,
        String slo,
        double objective,
        double actual,
        Duration window,
        @Nullable String rule,
        double burnRate,
        @Nullable Duration shortWindow) {

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
        if (!(burnRate >= 0) || Double.isInfinite(burnRate)) {
            throw new IllegalArgumentException("burnRate must be a finite number >= 0, but was " + burnRate);
        }
        if (shortWindow != null) {
            Checks.requireNonNegative(shortWindow, "shortWindow");
        }
    }

    /** A violation without a burn-rate rule: the SLI over {@code window} is below the objective. */
    public SLOViolation(String service, String slo, double objective, double actual, Duration window) {
        this(service, slo, objective, actual, window, null, 0, null);
    }
}
