package dev.scaleplane.core.internal.bootstrap;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.name.Names;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.EventBusProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.codec.EventCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * Wires one platform. Guice stays inside the core: nothing here is visible to users or providers, who see only
 * {@link ScaleplanePlatform} and {@link ProviderContext}.
 */
final class PlatformModule extends AbstractModule {
    static final String SOURCE = "scaleplane.source";
    static final String BACKEND = "scaleplane.events.backend";
    static final String OWNS_BUS = "scaleplane.events.owned";

    private final ConfigProperties config;
    private final URI source;
    private final EventTypeRegistry eventTypes;
    private final Clock clock;
    private final MeterRegistry meterRegistry;
    private final @Nullable EventBus explicitBus;
    private final @Nullable EventBusProvider provider;

    PlatformModule(
            ConfigProperties config,
            URI source,
            EventTypeRegistry eventTypes,
            Clock clock,
            MeterRegistry meterRegistry,
            @Nullable EventBus explicitBus,
            @Nullable EventBusProvider provider) {
        this.config = config;
        this.source = source;
        this.eventTypes = eventTypes;
        this.clock = clock;
        this.meterRegistry = meterRegistry;
        this.explicitBus = explicitBus;
        this.provider = provider;
    }

    @Override
    protected void configure() {
        bind(ConfigProperties.class).toInstance(config);
        bind(EventTypeRegistry.class).toInstance(eventTypes);
        bind(Clock.class).toInstance(clock);
        bind(MeterRegistry.class).toInstance(meterRegistry);
        bind(URI.class).annotatedWith(Names.named(SOURCE)).toInstance(source);
        bind(String.class)
                .annotatedWith(Names.named(BACKEND))
                .toInstance(
                        provider != null
                                ? provider.name()
                                : "instance:" + explicitBus.getClass().getName());
        bind(Boolean.class).annotatedWith(Names.named(OWNS_BUS)).toInstance(explicitBus == null);
        bind(ProviderContext.class).to(DefaultProviderContext.class).in(Singleton.class);
        bind(ScaleplanePlatform.class).to(DefaultPlatform.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    EventCodec codec(EventTypeRegistry types, Clock clock) {
        return EventCodec.builder(types).clock(clock).build();
    }

    @Provides
    @Singleton
    EventBus eventBus(ProviderContext context) {
        if (explicitBus != null) {
            return explicitBus;
        }
        return provider.create(context);
    }
}
