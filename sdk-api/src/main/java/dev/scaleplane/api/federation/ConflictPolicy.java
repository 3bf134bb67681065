package dev.scaleplane.api.federation;

/** What propagation does with an object that already exists on a cluster and was not created by this propagation. */
public enum ConflictPolicy {
    /** Leave it untouched and report the cluster as {@link WorkloadState#ERR_APPLIED} with the conflict (default). */
    ABORT,
    /** Take ownership: mark it as this propagation's and update it to the desired state. */
    ADOPT,
    /** Replace it with the desired object (its other fields are not kept) and take ownership. */
    OVERWRITE
}
