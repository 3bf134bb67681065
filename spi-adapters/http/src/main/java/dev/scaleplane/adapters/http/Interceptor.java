package dev.scaleplane.adapters.http;

/**
 * One link of an {@link AdapterHttpClient}'s chain, in the manner of OkHttp's {@code Interceptor}: it may change the
 * request, call {@link Chain#proceed(AdapterRequest)} (zero, one or several times), and change or replace the
 * response.
 *
 * <p>The client's chain runs, outermost first: application interceptors given to the builder, metrics, retry,
 * circuit breaker, rate-limit governor, authentication, redacting log, then the transport. So the log sees every
 * attempt with its credentials (and redacts them), the governor accounts every attempt against the credential's
 * budget, and metrics see one observation per call however many attempts it took.
 *
 * <p>Implementations must be thread-safe: one instance serves every call of a client, concurrently.
 */
@FunctionalInterface
public interface Interceptor {

    /**
     * Handles one call.
     *
     * @return the response, of any status: mapping statuses to exceptions is the client's job, after the chain
     * @throws dev.scaleplane.api.adapters.AdapterException when no response can be had (connection failure, timeout,
     *     open circuit breaker, rate budget exhausted)
     */
    AdapterResponse intercept(Chain chain);

    /** The rest of the chain, as seen by one interceptor. Not thread-safe; valid during the call only. */
    interface Chain {

        /** The request as it reached this interceptor. */
        AdapterRequest request();

        /** The system, e.g. {@code github}. */
        String system();

        /** The instance name, e.g. {@code github-com}. */
        String instance();

        /**
         * Sends {@code request} through the rest of the chain.
         *
         * @throws dev.scaleplane.api.adapters.AdapterException when no response can be had
         */
        AdapterResponse proceed(AdapterRequest request);
    }
}
