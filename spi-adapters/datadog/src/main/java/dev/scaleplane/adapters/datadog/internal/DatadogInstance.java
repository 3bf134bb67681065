package dev.scaleplane.adapters.datadog.internal;

import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.RateLimitGovernor;
import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.spi.ProviderContext;
import io.micrometer.core.instrument.MeterRegistry;

/** Builds an instance's adapter from the provider context: settings, the plumbing's clients, the context's parts. */
public final class DatadogInstance {
    /** The rate-limit budget of series submission (Datadog does not limit it; kept apart all the same). */
    static final String SERIES = "series";

    /** The rate-limit budget of timeseries queries. */
    static final String QUERY = "query";

    /** The rate-limit budget of the events API. */
    static final String EVENTS = "events";

    private DatadogInstance() {}

    /**
     * A client of an instance for one rate-limit budget. The context's {@link Sleeper}, {@link RateLimitGovernor} and
     * {@link MeterRegistry} components are used when it has them (tests supply a sleeper that does not sleep; a
     * platform shares its metrics registry), else the plumbing's defaults.
     */
    static AdapterHttpClient client(DatadogSettings settings, ProviderContext context, String budget) {
        AdapterHttpClient.Builder b =
                settings.clientBuilder(context.clock(), budget).bodyErrors(DatadogErrors.INSTANCE);
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
    public static DatadogObservability observability(String name, ProviderContext context) {
        DatadogSettings settings = DatadogSettings.read(name, context.config());
        DatadogMetrics metrics = new DatadogMetrics(
                name,
                client(settings, context, SERIES),
                client(settings, context, QUERY),
                settings.instantLookback(),
                context.clock());
        DatadogEvents events = new DatadogEvents(name, client(settings, context, EVENTS));
        return new DatadogObservability(name, settings, metrics, events);
    }
}
