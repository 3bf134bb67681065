package dev.scaleplane.api.federation;

/** What the fleet does when a live object no longer matches what it applied. */
public enum DriftPolicy {
    /** Report the object as {@link WorkloadState#MODIFIED} (default). */
    REPORT,
    /** Report it, then apply the desired object again. */
    REPAIR
}
