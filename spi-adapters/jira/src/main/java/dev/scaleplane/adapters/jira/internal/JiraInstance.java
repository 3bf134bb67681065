package dev.scaleplane.adapters.jira.internal;

import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.RateLimitGovernor;
import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.spi.ProviderContext;
import io.micrometer.core.instrument.MeterRegistry;

/** Builds an instance's adapter from the provider context: settings, the plumbing's client, the context's parts. */
public final class JiraInstance {
    private JiraInstance() {}

    /**
     * The client of an instance. The context's {@link Sleeper}, {@link RateLimitGovernor} and {@link MeterRegistry}
     * components are used when it has them (tests supply a sleeper that records instead of sleeping; a platform shares
     * its metrics registry), else the plumbing's defaults.
     */
    static AdapterHttpClient client(JiraSettings settings, ProviderContext context) {
        AdapterHttpClient.Builder b = settings.clientBuilder(context.clock());
        context.component(Sleeper.class).ifPresent(b::sleeper);
        context.component(RateLimitGovernor.class).ifPresent(b::governor);
        context.component(MeterRegistry.class).ifPresent(b::meterRegistry);
        return b.build();
    }

    /**
     * The issue tracker of instance {@code name}.
     *
     * @throws dev.scaleplane.api.ConfigurationException if its settings are invalid
     */
    public static JiraIssues issues(String name, ProviderContext context) {
        JiraSettings settings = JiraSettings.read(name, context.config());
        return new JiraIssues(name, client(settings, context), settings);
    }
}
