package dev.scaleplane.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads the failure a response reports in its body where its status does not tell it: GraphQL APIs answer 200 with an
 * {@code errors} array (or 400 for every kind of failure) and name the kind in each error's {@code extensions} (Linear:
 * {@code extensions.type} {@code "authentication error"}, {@code "ratelimited"}, {@code "invalid input"}, ...).
 *
 * <p>Given to {@link AdapterHttpClient.Builder#bodyErrors(BodyErrors)}, it is asked about every response {@link
 * AdapterHttpClient#send} receives, whatever its status, after the chain (so retries and the rate-limit governor have
 * already seen the response as the server sent it) and before the status is mapped. A {@link Failure} it finds is
 * thrown as the typed exception of its {@link Kind}, with the response's status, request id and the failure's message;
 * {@link Optional#empty()} leaves the response to the status mapping. {@link AdapterHttpClient#exchange} does not ask
 * it: that method hands back every response as it is.
 *
 * <p>Implementations must be thread-safe, must not throw (a body that is not what they read is simply empty), and must
 * keep credentials out of the message.
 */
@FunctionalInterface
public interface BodyErrors {

    /** The failure {@code response} reports in its body, or empty when it reports none this reader knows. */
    Optional<Failure> find(AdapterResponse response);

    /**
     * One line for an {@code errors} value as APIs send it: a text as it is; an array's texts (or its objects'
     * {@code message}) joined with {@code "; "} (Datadog and Vault: {@code {"errors": ["Forbidden"]}}); an object's
     * fields as {@code field: text} (Jira: {@code {"errors": {"summary": "required"}}}); anything else as JSON.
     *
     * @return null for a missing, null or empty value
     */
    static @Nullable String text(JsonNode errors) {
        if (errors.isTextual()) {
            return errors.asText().isBlank() ? null : errors.asText();
        }
        if (!errors.isContainerNode() || errors.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (errors.isArray()) {
            for (JsonNode e : errors) {
                parts.add(
                        e.isTextual()
                                ? e.asText()
                                : e.path("message").isTextual()
                                        ? e.path("message").asText()
                                        : e.toString());
            }
        } else {
            errors.properties()
                    .forEach(f -> parts.add(f.getKey() + ": "
                            + (f.getValue().isTextual()
                                    ? f.getValue().asText()
                                    : f.getValue().toString())));
        }
        return String.join("; ", parts);
    }

    /** Kinds of failure, one per typed exception of {@link dev.scaleplane.api.adapters}. */
    enum Kind {
        /** {@link dev.scaleplane.api.adapters.AdapterAuthenticationException}: credential refused or not allowed. */
        AUTHENTICATION,
        /** {@link dev.scaleplane.api.adapters.AdapterNotFoundException}: no such resource. */
        NOT_FOUND,
        /** {@link dev.scaleplane.api.adapters.AdapterRequestRefusedException}: the request must change. */
        REFUSED,
        /**
         * {@link dev.scaleplane.api.adapters.AdapterRateLimitedException}, its wait read from the response's {@code
         * Retry-After} or rate-limit headers as for a 429.
         */
        RATE_LIMITED,
        /** {@link dev.scaleplane.api.adapters.AdapterUnavailableException}: the server failed. */
        UNAVAILABLE,
        /** {@link dev.scaleplane.api.adapters.AdapterException} itself: a failure of no other kind. */
        OTHER
    }

    /**
     * One failure found in a body.
     *
     * @param kind which typed exception it becomes
     * @param serverMessage the server's message, credential-free; null to use the one the plumbing reads by default
     */
    record Failure(Kind kind, @Nullable String serverMessage) {
        /** Validates. */
        public Failure {
            Objects.requireNonNull(kind, "kind");
        }
    }
}
