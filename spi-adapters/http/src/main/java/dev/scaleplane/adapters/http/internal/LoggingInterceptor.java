package dev.scaleplane.adapters.http.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Interceptor;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.core.logging.RateLimitedLog;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each attempt as it goes on the wire, credentials masked by {@link Redactor}: request and response lines at
 * DEBUG, failures (5xx, 429, no response) at WARN, at most one per endpoint and path template every {@link
 * #FAILURE_LOG_INTERVAL}, with the count of those held back, so an outage does not flood the log. Bodies are never
 * logged: they may hold secrets (a token exchange) or personal data.
 */
public final class LoggingInterceptor implements Interceptor {
    static final Duration FAILURE_LOG_INTERVAL = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger("dev.scaleplane.adapters.http");

    private final URI baseUri;
    private final RateLimitedLog failures;

    public LoggingInterceptor(URI baseUri, Clock clock) {
        this.baseUri = baseUri;
        this.failures = new RateLimitedLog(LOG, FAILURE_LOG_INTERVAL, clock);
    }

    @Override
    public AdapterResponse intercept(Chain chain) {
        AdapterRequest request = chain.request();
        String target = request.method() + " " + Redactor.uri(request.resolve(baseUri));
        if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "{} ({}) --> {} {}", chain.system(), chain.instance(), target, Redactor.headers(request.headers()));
        }
        AdapterResponse response;
        try {
            response = chain.proceed(request);
        } catch (AdapterException e) {
            failure(
                    chain,
                    request,
                    target + " failed without a response: " + e.getClass().getSimpleName() + " ("
                            + (e.getCause() != null ? e.getCause().getClass().getSimpleName() : "no cause") + ")");
            throw e;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "{} ({}) <-- {} {} {}",
                    chain.system(),
                    chain.instance(),
                    response.status(),
                    target,
                    Redactor.headers(response.headers()));
        }
        if (response.status() >= 500 || response.status() == 429) {
            failure(chain, request, target + " answered " + response.status());
        }
        return response;
    }

    private void failure(Chain chain, AdapterRequest request, String line) {
        String key = chain.instance() + " " + request.method() + " " + request.pathTemplate();
        failures.warn(key, "{} ({}) {}", chain.system(), chain.instance(), line);
    }
}
