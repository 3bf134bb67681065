package dev.scaleplane.adapters.github.internal;

import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.RateLimitGovernor;
import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.spi.ProviderContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ThreadLocalRandom;

/** Builds an instance's adapters from the provider context: settings, the plumbing's client, the context's parts. */
public final class GitHubInstance {
    private GitHubInstance() {}

    /**
     * The client of instance {@code name}. The context's {@link Sleeper}, {@link RateLimitGovernor} and {@link
     * MeterRegistry} components are used when it has them (tests supply a sleeper that does not sleep; a platform
     * shares its metrics registry), else the plumbing's defaults.
     */
    static AdapterHttpClient client(GitHubSettings settings, ProviderContext context) {
        AdapterHttpClient.Builder b = settings.clientBuilder(context.clock());
        context.component(Sleeper.class).ifPresent(b::sleeper);
        context.component(RateLimitGovernor.class).ifPresent(b::governor);
        context.component(MeterRegistry.class).ifPresent(b::meterRegistry);
        return b.build();
    }

    /** The Actions adapter of instance {@code name}. */
    public static GitHubActions actions(String name, ProviderContext context) {
        GitHubSettings settings = GitHubSettings.read(name, context.config());
        return new GitHubActions(
                name,
                client(settings, context),
                settings,
                context.clock(),
                context.component(Sleeper.class).orElse(Sleeper.SYSTEM),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The Issues adapter of instance {@code name}. */
    public static GitHubIssues issues(String name, ProviderContext context) {
        GitHubSettings settings = GitHubSettings.read(name, context.config());
        return new GitHubIssues(name, client(settings, context), settings);
    }
}
