package dev.scaleplane.api.federation;

import dev.scaleplane.api.ScaleplaneException;
import org.jspecify.annotations.Nullable;

/**
 * A cluster's API server refused an object (for example 422 Unprocessable Entity), or a conflict aborted its apply.
 * Carries the cluster, the object and the server's own message; other clusters proceed.
 */
public final class ApplyException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final String cluster;
    private final String kind;
    private final String name;
    private final int httpStatus;
    private final boolean retryable;

    /**
     * Creates the exception.
     *
     * @param httpStatus the API server's status code, or 0 when none (a conflict found by the fleet, a timeout)
     * @param retryable whether repeating the apply can succeed (timeouts, 429, 5xx) as opposed to a refusal
     */
    public ApplyException(
            String cluster,
            String kind,
            String name,
            int httpStatus,
            String serverMessage,
            boolean retryable,
            @Nullable Throwable cause) {
        super(
                "cluster " + cluster + ": " + kind + " " + name + ": "
                        + (httpStatus > 0 ? "HTTP " + httpStatus + ": " : "") + serverMessage,
                cause);
        this.cluster = cluster;
        this.kind = kind;
        this.name = name;
        this.httpStatus = httpStatus;
        this.retryable = retryable;
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

    /** Whether repeating can succeed. */
    public boolean retryable() {
        return retryable;
    }
}
