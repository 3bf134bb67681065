package dev.scaleplane.adapters.kubernetes;

import java.util.concurrent.CompletableFuture;

/**
 * A running secret propagation: see {@link SecretPropagator} for what it keeps true.
 *
 * <p>Thread-safe.
 */
public interface SecretPropagation {

    /** The propagation id. */
    String id();

    /** The request in force. */
    SecretPropagationRequest request();

    /** The status after the last pass. */
    SecretPropagationStatus status();

    /**
     * Runs a pass now (as a rotation or a health change would) and completes with the status after it. Never fails:
     * problems are in the status.
     */
    CompletableFuture<SecretPropagationStatus> resync();

    /**
     * Stops the propagation and removes its copies from every cluster. Completes once every cluster that holds (or
     * may hold) a copy has removed it; an unreachable cluster is retried until it answers.
     */
    CompletableFuture<Void> delete();
}
