package dev.scaleplane.api.federation;

/** What a federation backend offers beyond the contract of {@link Fleet} that every backend keeps. */
public enum FederationCapability {
    /** {@link ApplyMode#SERVER_SIDE_APPLY} is available. */
    SERVER_SIDE_APPLY,
    /** Capacity is discovered from the clusters' nodes when not declared. */
    CAPACITY_DISCOVERY,
    /** Status comes from watches (push), not polling. */
    WATCHED_STATUS
}
