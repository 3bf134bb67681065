package dev.scaleplane.adapters.http.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Authenticator;
import dev.scaleplane.adapters.http.Interceptor;
import dev.scaleplane.adapters.http.RateLimitGovernor;
import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.adapters.AdapterRateLimitedException;
import java.time.Duration;

/**
 * Asks the governor before each attempt and waits as told; tells it what each response said. Sits above
 * authentication so the credential key is known, and below retry so every attempt is counted.
 */
public final class RateLimitInterceptor implements Interceptor {
    private final RateLimitGovernor governor;
    private final Authenticator authenticator;
    private final Sleeper sleeper;

    public RateLimitInterceptor(RateLimitGovernor governor, Authenticator authenticator, Sleeper sleeper) {
        this.governor = governor;
        this.authenticator = authenticator;
        this.sleeper = sleeper;
    }

    @Override
    public AdapterResponse intercept(Chain chain) {
        AdapterRequest request = chain.request();
        String key = authenticator.credentialKey();
        Duration wait = governor.reserve(key);
        if (wait.compareTo(governor.maxWait()) > 0) {
            throw new AdapterRateLimitedException(
                    ErrorMapping.facts(chain.system(), chain.instance(), request), wait, null);
        }
        Waits.sleep(sleeper, wait, chain, request);
        AdapterResponse response = chain.proceed(request);
        governor.observe(key, response);
        return response;
    }
}
