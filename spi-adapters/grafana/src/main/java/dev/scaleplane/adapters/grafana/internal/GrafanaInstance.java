package dev.scaleplane.adapters.grafana.internal;

import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.RateLimitGovernor;
import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.spi.ProviderContext;
import io.micrometer.core.instrument.MeterRegistry;

/** Builds an instance's adapter from the provider context: settings, the plumbing's client, the context's parts. */
public final class GrafanaInstance {
    private GrafanaInstance() {}

    /**
     * The client of an instance. The context's {@link Sleeper}, {@link RateLimitGovernor} and {@link MeterRegistry}
     * components are used when it has them (tests supply a sleeper that does not sleep; a platform shares its metrics
     * registry), else the plumbing's defaults.
     */
    static AdapterHttpClient client(GrafanaSettings settings, ProviderContext context) {
        AdapterHttpClient.Builder b = settings.clientBuilder(context.clock());
        context.component(Sleeper.class).ifPresent(b::sleeper);
        context.component(RateLimitGovernor.class).ifPresent(b::governor);
        context.component(MeterRegistry.class).ifPresent(b::meterRegistry);
        return b.build();
    }

    /**
     * The adapter of instance {@code name}.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting
     */
    public static GrafanaAnnotations annotations(String name, ProviderContext context) {
        GrafanaSettings settings = GrafanaSettings.read(name, context.config());
        return new GrafanaAnnotations(name, client(settings, context), settings);
    }
}
