package dev.scaleplane.api.adapters;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What is known about one failed call to an external system, as carried by every {@link AdapterException}.
 *
 * <p>Immutable and thread-safe. Never holds a credential: the path has no query string (query parameters may carry
 * tokens) and the server's message is the server's own text, truncated.
 *
 * @param system the kind of system, e.g. {@code github}, {@code jenkins}
 * @param instance the configured instance name, e.g. {@code github-enterprise}
 * @param method the HTTP method, e.g. {@code GET}
 * @param path the request path without its query string, e.g. {@code /repos/acme/app/issues}
 * @param status the HTTP status, or 0 when no response was received
 * @param requestId the server's request id (e.g. GitHub's {@code X-GitHub-Request-Id}), if it sent one
 * @param serverMessage the server's error message, if it sent one
 */
public record AdapterCallFacts(
        String system,
        String instance,
        String method,
        String path,
        int status,
        @Nullable String requestId,
        @Nullable String serverMessage) {

    /** Validates the facts. */
    public AdapterCallFacts {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        if (status < 0) {
            throw new IllegalArgumentException("status must be >= 0, but was " + status);
        }
    }

    /** "github (github-com) GET /repos/a/b: 404, request id X: Not Found" as used in exception messages. */
    String describe() {
        StringBuilder s = new StringBuilder()
                .append(system)
                .append(" (")
                .append(instance)
                .append(") ")
                .append(method)
                .append(' ')
                .append(path);
        if (status > 0) {
            s.append(": HTTP ").append(status);
        }
        if (requestId != null) {
            s.append(", request id ").append(requestId);
        }
        if (serverMessage != null && !serverMessage.isBlank()) {
            s.append(", server said: ").append(serverMessage);
        }
        return s.toString();
    }
}
