package dev.scaleplane.api.federation;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A running propagation: its placement, rolled-up status, a stream of status changes, and deletion.
 *
 * <p>Thread-safe. Status is kept current by watches on every placed cluster, not by polling.
 */
public interface Propagation {

    /** The propagation id. */
    String id();

    /** The request in force. */
    PropagationRequest request();

    /** The placement in force (after failover, the new one). */
    PlacementDecision decision();

    /**
     * Where this propagation would be placed if the fleet changed as {@code whatIf} says, by the same engine and on
     * the same terms as a failover: its own replicas count as free capacity. No side effects.
     */
    PlacementDecision simulate(WhatIf whatIf);

    /** The current roll-up. */
    PropagationStatus status();

    /**
     * Status changes: each subscriber gets the current status first, then every change, in order. A slow subscriber
     * sees the latest status, not every intermediate one (updates are conflated, never buffered without bound).
     */
    Flow.Publisher<PropagationStatus> changes();

    /**
     * Completes with the status once it is {@link WorkloadState#READY} on every placed cluster; never fails on its
     * own (combine with {@code orTimeout}).
     */
    CompletableFuture<PropagationStatus> whenReady();

    /**
     * Deletes the propagation: its objects are removed from every cluster (in reverse request order), or left in
     * place with {@code orphan} (their ownership labels removed). Completes when every reachable cluster has done so;
     * an unreachable cluster's deletion is retried as a task until it returns.
     */
    CompletableFuture<Void> delete(boolean orphan);
}
