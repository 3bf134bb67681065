package dev.scaleplane.adapters.http.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Interceptor;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.AdapterRateLimitedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * One observation per adapter call, however many attempts it took. Meters (tags documented on {@link
 * dev.scaleplane.adapters.http.AdapterHttpClient}):
 *
 * <ul>
 *   <li>{@value #CALLS}: timer with p50/p95/p99, its count is the call count;
 *   <li>{@value #ERRORS}: counter of calls that ended in a status >= 400 or without a response.
 * </ul>
 */
public final class MetricsInterceptor implements Interceptor {
    public static final String CALLS = "scaleplane.adapter.calls";
    public static final String ERRORS = "scaleplane.adapter.errors";
    public static final String RATE_LIMIT_REMAINING = "scaleplane.adapter.ratelimit.remaining";

    private final MeterRegistry registry;

    public MetricsInterceptor(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public AdapterResponse intercept(Chain chain) {
        AdapterRequest request = chain.request();
        Timer.Sample sample = Timer.start(registry);
        try {
            AdapterResponse response = chain.proceed(request);
            int status = response.status();
            record(chain, request, sample, String.valueOf(status), outcome(status));
            return response;
        } catch (AdapterException e) {
            String status = e.status() > 0
                    ? String.valueOf(e.status())
                    : e instanceof AdapterUnavailableException u && u.circuitOpen()
                            ? "CIRCUIT_OPEN"
                            : e instanceof AdapterRateLimitedException ? "RATE_LIMITED" : "IO_ERROR";
            record(chain, request, sample, status, e.status() > 0 ? outcome(e.status()) : "UNAVAILABLE");
            throw e;
        }
    }

    private void record(Chain chain, AdapterRequest request, Timer.Sample sample, String status, String outcome) {
        Tags tags = Tags.of(
                "system", chain.system(),
                "instance", chain.instance(),
                "method", request.method(),
                "path", request.pathTemplate(),
                "status", status,
                "outcome", outcome);
        sample.stop(Timer.builder(CALLS)
                .description("Calls to an external system, retries included in each")
                .tags(tags)
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry));
        if (!"SUCCESS".equals(outcome) && !"REDIRECTION".equals(outcome)) {
            Counter.builder(ERRORS)
                    .description("Calls that failed")
                    .tags(tags)
                    .register(registry)
                    .increment();
        }
    }

    private static String outcome(int status) {
        if (status >= 500) {
            return "SERVER_ERROR";
        }
        if (status >= 400) {
            return "CLIENT_ERROR";
        }
        return status >= 300 ? "REDIRECTION" : "SUCCESS";
    }
}
