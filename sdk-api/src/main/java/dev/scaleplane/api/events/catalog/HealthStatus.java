package dev.scaleplane.api.events.catalog;

/** Outcome of a {@link PlatformHealthCheck}. */
public enum HealthStatus {
    /** Fully working. */
    UP,
    /** Working with reduced capacity or elevated errors. */
    DEGRADED,
    /** Not working. */
    DOWN
}
