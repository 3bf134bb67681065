package dev.scaleplane.api.events.catalog;

import dev.scaleplane.api.events.EventType;
import java.util.Map;

/**
 * The result of a health check of one platform component in one region.
 *
 * <p>Type name {@value #TYPE_NAME}.
 */
public record PlatformHealthCheck(String component, HealthStatus status, String region, Map<String, String> details) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.platform.healthcheck.v1";

    /** The registered type. */
    public static final EventType<PlatformHealthCheck> TYPE = EventType.of(TYPE_NAME, PlatformHealthCheck.class);

    /** Validates required fields and copies collections. */
    public PlatformHealthCheck {
        Checks.require(component, "component");
        java.util.Objects.requireNonNull(status, "status");
        Checks.require(region, "region");
        details = Map.copyOf(details);
    }
}
