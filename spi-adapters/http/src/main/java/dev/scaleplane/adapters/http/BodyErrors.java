package dev.scaleplane.adapters.http;

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
