package dev.scaleplane.api.federation;

import dev.scaleplane.api.ScaleplaneException;
import org.jspecify.annotations.Nullable;

/**
 * A cluster's API server refused an object (for example 422 Unprocessable Entity), or a conflict aborted its apply:
 * repeating the same apply cannot succeed, so the task that applies it should not be retried (make it
 * non-retryable in the task queue's retry policy). An unreachable cluster is never an {@code ApplyException}. Carries
 * the cluster, the object and the server's own message; other clusters proceed.
 */
public final class ApplyException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final String cluster;
    private final String kind;
    private final String name;
    private final int httpStatus;

    /**
     * Creates the exception.
     *
     * @param httpStatus the API server's status code, or 0 when none (a conflict found by the fleet)
     */
    public ApplyException(
            String cluster, String kind, String name, int httpStatus, String serverMessage, @Nullable Throwable cause) {
        super(
                "cluster " + cluster + ": " + kind + " " + name + ": "
                        + (httpStatus > 0 ? "HTTP " + httpStatus + ": " : "") + serverMessage,
                cause);
        this.cluster = cluster;
        this.kind = kind;
        this.name = name;
        this.httpStatus = httpStatus;
    }

    /** The cluster. */
    public String cluster() {
        return cluster;
    }

    /** The object's kind. */
    public String kind() {
        return kind;
    }

    /** The object's name. */
    public String name() {
        return name;
    }

    /** The API server's status code, or 0. */
    public int httpStatus() {
        return httpStatus;
    }
}
