package dev.scaleplane.api.federation;

/** How objects are written to a cluster. */
public enum ApplyMode {
    /**
     * Create, or replace the live object with the desired one under optimistic concurrency (the default): works on
     * every API server, including fabric8's mock server used by the simulated fleet.
     */
    CREATE_OR_REPLACE,
    /**
     * Kubernetes server-side apply ({@code PATCH} with {@code application/apply-patch+yaml}, the field manager, and
     * {@code force=true}). Real clusters only: the mock API server answers 404/415 to it.
     */
    SERVER_SIDE_APPLY
}
