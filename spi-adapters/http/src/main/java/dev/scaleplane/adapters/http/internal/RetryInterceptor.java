package dev.scaleplane.adapters.http.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Interceptor;
import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Retries an attempt only where repeating it is safe:
 *
 * <ul>
 *   <li>a failure before the request was sent (connection refused, connect timeout): any method;
 *   <li>a rate-limited response (429, GitHub's 403 limits) that says when: any method, the server did not act on it;
 *       the governor below does the waiting, for every thread of the credential;
 *   <li>a 503 with {@code Retry-After}: any method, after that delay (when within the policy's max delay);
 *   <li>a 5xx, 408, a timeout or a broken connection: only {@linkplain AdapterRequest#idempotent() idempotent}
 *       requests (GET, HEAD and OPTIONS, or a POST marked so, such as a GraphQL query), with the policy's backoff.
 * </ul>
 *
 * Never 401, 403, 404, 422 or other client errors, and never an open circuit breaker. The backoff (exponential with
 * jitter) is the SDK's {@link RetryPolicy}, the one retry schedule every backend shares; waits go through the
 * injectable {@link Sleeper} rather than resilience4j's {@code Retry}, whose sleeping cannot be replaced in tests.
 */
public final class RetryInterceptor implements Interceptor {
    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final Clock clock;
    private final DoubleSupplier random;

    public RetryInterceptor(RetryPolicy policy, Sleeper sleeper, Clock clock, DoubleSupplier random) {
        this.policy = policy;
        this.sleeper = sleeper;
        this.clock = clock;
        this.random = random;
    }

    @Override
    public AdapterResponse intercept(Chain chain) {
        AdapterRequest request = chain.request();
        for (int attempt = 1; ; attempt++) {
            AdapterResponse response;
            try {
                response = chain.proceed(request);
            } catch (AdapterUnavailableException e) {
                boolean safe = !e.circuitOpen() && (request.idempotent() || Transport.notSent(e));
                if (!safe || attempt >= policy.maxAttempts()) {
                    throw e;
                }
                Waits.sleep(sleeper, policy.delayBefore(attempt, random.getAsDouble()), chain, request);
                continue;
            }
            if (attempt >= policy.maxAttempts()) {
                return response;
            }
            Optional<Duration> delay = delayBeforeRetry(request, response, attempt);
            if (delay.isEmpty()) {
                return response;
            }
            Waits.sleep(sleeper, delay.get(), chain, request);
        }
    }

    /** The delay before repeating after {@code response}, or empty when it must not be repeated. */
    private Optional<Duration> delayBeforeRetry(AdapterRequest request, AdapterResponse response, int attempt) {
        int status = response.status();
        if (RateLimitSignals.isRateLimited(response)
                && RateLimitSignals.waitHint(response, clock.instant()).isPresent()) {
            return Optional.of(Duration.ZERO);
        }
        if (status == 503) {
            Optional<Duration> retryAfter = RateLimitSignals.retryAfter(response, clock.instant());
            if (retryAfter.isPresent()) {
                return retryAfter.get().compareTo(policy.maxDelay()) <= 0 ? retryAfter : Optional.empty();
            }
        }
        if ((status >= 500 || status == 408 || status == 429) && request.idempotent()) {
            return Optional.of(policy.delayBefore(attempt, random.getAsDouble()));
        }
        return Optional.empty();
    }
}
