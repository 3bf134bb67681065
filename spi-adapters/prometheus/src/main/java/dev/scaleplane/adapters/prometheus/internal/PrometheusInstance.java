package dev.scaleplane.adapters.prometheus.internal;

import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.RateLimitGovernor;
import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.spi.ProviderContext;
import io.micrometer.core.instrument.MeterRegistry;

/** Builds an instance's adapter from the provider context: settings, the plumbing's clients, the context's parts. */
public final class PrometheusInstance {
    private PrometheusInstance() {}

    /**
     * The adapter of instance {@code name}. The context's {@link Sleeper}, {@link RateLimitGovernor} and {@link
     * MeterRegistry} components are used when it has them (tests supply a sleeper that does not sleep; a platform
     * shares its metrics registry), else the plumbing's defaults.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting
     */
    public static PrometheusAdapter adapter(String name, ProviderContext context) {
        PrometheusSettings settings = PrometheusSettings.read(name, context.config());
        AdapterHttpClient prometheus = withContext(
                        settings.prometheusClient(context.clock()).bodyErrors(PrometheusAdapter.bodyErrors()), context)
                .build();
        AdapterHttpClient pushgateway = settings.canPush()
                ? withContext(settings.pushgatewayClient(context.clock()), context)
                        .build()
                : null;
        return new PrometheusAdapter(name, settings, prometheus, pushgateway);
    }

    private static AdapterHttpClient.Builder withContext(AdapterHttpClient.Builder b, ProviderContext context) {
        context.component(Sleeper.class).ifPresent(b::sleeper);
        context.component(RateLimitGovernor.class).ifPresent(b::governor);
        context.component(MeterRegistry.class).ifPresent(b::meterRegistry);
        return b;
    }
}
