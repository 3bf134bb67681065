package dev.scaleplane.adapters.http.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Authenticator;
import dev.scaleplane.adapters.http.Interceptor;

/**
 * Signs each attempt; on a 401 or 403 gives the authenticator one chance to fix the request (fresh token, CSRF
 * crumb) and sends once more. One chance only, so a wrong credential fails fast instead of looping.
 */
public final class AuthInterceptor implements Interceptor {
    private final Authenticator authenticator;

    public AuthInterceptor(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public AdapterResponse intercept(Chain chain) {
        AdapterRequest signed = authenticator.authenticate(chain.request(), chain);
        AdapterResponse response = chain.proceed(signed);
        if (response.status() == 401 || (response.status() == 403 && !RateLimitSignals.isRateLimited(response))) {
            AdapterRequest again = authenticator.onRefused(signed, response, chain);
            if (again != null) {
                return chain.proceed(again);
            }
        }
        return response;
    }
}
