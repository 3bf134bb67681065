/**
 * The HTTP plumbing every adapter shares, owned once: an {@link dev.scaleplane.adapters.http.AdapterHttpClient} built
 * as a chain of {@link dev.scaleplane.adapters.http.Interceptor}s (authentication, rate-limit governor, retries,
 * circuit breaker, metrics, redacting log) over the JDK {@code HttpClient}; {@link
 * dev.scaleplane.adapters.http.Authenticator}s for every credential kind the adapters need; lazy {@link
 * dev.scaleplane.adapters.http.Paginator}s for every paging style; a {@link
 * dev.scaleplane.adapters.http.RateLimitGovernor} per credential; and {@link
 * dev.scaleplane.adapters.http.AdapterSettings} read from {@code scaleplane.adapters.<name>.*}.
 *
 * <p>Failures surface as the typed exceptions of {@link dev.scaleplane.api.adapters}, including those an API reports in
 * the body of a 200 (GraphQL {@code errors}), which a {@link dev.scaleplane.adapters.http.BodyErrors} reader names. An
 * adapter builds {@link
 * dev.scaleplane.adapters.http.AdapterRequest}s and maps {@link dev.scaleplane.adapters.http.AdapterResponse}s; it
 * never handles tokens, retries or rate limits itself.
 */
@NullMarked
package dev.scaleplane.adapters.http;

import org.jspecify.annotations.NullMarked;
