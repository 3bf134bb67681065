package dev.scaleplane.adapters.http.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Interceptor;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * One resilience4j breaker per endpoint (system and host), shared by every instance talking to it. Records 5xx and
 * failures without a response as errors; any other answer, 4xx included, shows the endpoint is up. While open, calls
 * fail fast with {@link AdapterUnavailableException#circuitOpen()} set, without being sent.
 */
public final class CircuitBreakerInterceptor implements Interceptor {
    private final CircuitBreaker breaker;

    public CircuitBreakerInterceptor(CircuitBreaker breaker) {
        this.breaker = breaker;
    }

    @Override
    public AdapterResponse intercept(Chain chain) {
        AdapterRequest request = chain.request();
        if (!breaker.tryAcquirePermission()) {
            throw new AdapterUnavailableException(
                    ErrorMapping.facts(chain.system(), chain.instance(), request),
                    true,
                    CallNotPermittedException.createCallNotPermittedException(breaker));
        }
        long start = breaker.getCurrentTimestamp();
        AdapterResponse response;
        try {
            response = chain.proceed(request);
        } catch (AdapterUnavailableException e) {
            breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), e);
            throw e;
        } catch (RuntimeException e) {
            // Not the endpoint's fault (rate budget, a bug): neither success nor failure.
            breaker.releasePermission();
            throw e;
        }
        long elapsed = breaker.getCurrentTimestamp() - start;
        if (response.status() >= 500) {
            breaker.onError(
                    elapsed,
                    breaker.getTimestampUnit(),
                    new AdapterUnavailableException(
                            ErrorMapping.facts(chain.system(), chain.instance(), response), false, null));
        } else {
            breaker.onSuccess(elapsed, breaker.getTimestampUnit());
        }
        return response;
    }
}
