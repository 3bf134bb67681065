package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.ScaleplaneException;
import org.jspecify.annotations.Nullable;

/**
 * An apply or delete could not reach its cluster, or the cluster answered that it is overloaded (429, 5xx) or that
 * the object changed under us (409): repeating can succeed, so the task is retried with the queue's backoff. The
 * message names the cluster and the object.
 */
final class ClusterUnavailableException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    ClusterUnavailableException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
