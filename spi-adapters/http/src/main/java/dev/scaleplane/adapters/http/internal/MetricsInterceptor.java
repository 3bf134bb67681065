package dev.scaleplane.adapters.http.internal;

import dev.scaleplane.adapters.http.AdapterMetrics;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Interceptor;
import dev.scaleplane.api.adapters.AdapterException;
import io.micrometer.core.instrument.Timer;

/** One {@link AdapterMetrics} observation per adapter call, however many attempts it took. */
public final class MetricsInterceptor implements Interceptor {
    private final AdapterMetrics metrics;

    public MetricsInterceptor(AdapterMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public AdapterResponse intercept(Chain chain) {
        AdapterRequest request = chain.request();
        Timer.Sample sample = metrics.start();
        try {
            AdapterResponse response = chain.proceed(request);
            metrics.record(sample, request.method(), request.pathTemplate(), response.status());
            return response;
        } catch (AdapterException e) {
            metrics.record(sample, request.method(), request.pathTemplate(), e);
            throw e;
        }
    }
}
