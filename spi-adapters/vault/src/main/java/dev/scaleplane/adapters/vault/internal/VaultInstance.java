package dev.scaleplane.adapters.vault.internal;

import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.RateLimitGovernor;
import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.spi.ProviderContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ThreadLocalRandom;

/** Builds an instance's adapter from the provider context: settings, the plumbing's client, the context's parts. */
public final class VaultInstance {
    private VaultInstance() {}

    /**
     * The adapter of instance {@code name}. The context's {@link Sleeper}, {@link RateLimitGovernor} and {@link
     * MeterRegistry} components are used when it has them (tests supply a sleeper that does not sleep; a platform
     * shares its metrics registry), else the plumbing's defaults; token leases run on the context's clock.
     */
    public static VaultKv kv(String name, ProviderContext context) {
        VaultSettings settings = VaultSettings.read(name, context.config());
        AdapterHttpClient.Builder b = settings.clientBuilder(context.clock(), settings.authenticator(context.clock()));
        context.component(Sleeper.class).ifPresent(b::sleeper);
        context.component(RateLimitGovernor.class).ifPresent(b::governor);
        context.component(MeterRegistry.class).ifPresent(b::meterRegistry);
        return new VaultKv(name, b.build(), settings, context.clock(), () -> ThreadLocalRandom.current()
                .nextDouble());
    }
}
