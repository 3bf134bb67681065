package dev.scaleplane.core.internal.bootstrap;

import com.google.inject.Binding;
import com.google.inject.Injector;
import com.google.inject.Key;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;

/** Hands providers the platform's configuration and, by type, whatever the platform's injector binds. */
final class DefaultProviderContext implements ProviderContext {
    private final ConfigProperties config;
    private final EventTypeRegistry eventTypes;
    private final Clock clock;
    private final URI source;
    private final Injector injector;

    @Inject
    DefaultProviderContext(
            ConfigProperties config,
            EventTypeRegistry eventTypes,
            Clock clock,
            @Named(PlatformModule.SOURCE) URI source,
            Injector injector) {
        this.config = config;
        this.eventTypes = eventTypes;
        this.clock = clock;
        this.source = source;
        this.injector = injector;
    }

    @Override
    public ConfigProperties config() {
        return config;
    }

    @Override
    public EventTypeRegistry eventTypes() {
        return eventTypes;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public URI source() {
        return source;
    }

    @Override
    public <T> Optional<T> component(Class<T> type) {
        // Only explicit bindings: a just-in-time binding would make Guice construct arbitrary classes on request.
        Binding<T> binding = injector.getExistingBinding(Key.get(type));
        return binding == null
                ? Optional.empty()
                : Optional.of(binding.getProvider().get());
    }
}
