package dev.scaleplane.api.federation;

/** A cluster's health as the fleet's probes see it. */
public enum ClusterHealth {
    /** The API server answers and the cluster passed its last {@code successThreshold} probes. */
    READY,
    /** The API server answers but the cluster failed {@code failureThreshold} probes in a row (errors, 5xx). */
    NOT_READY,
    /** Not known yet, or the API server cannot be reached (timeouts, refused connections, open circuit). */
    UNKNOWN
}
