package dev.scaleplane.testing;

import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link ProviderContext} for tests that create a provider's service without a platform: a configuration, a clock, and whichever shared components the test hands in (a sleeper that records instead of sleeping, a
 * rate-limit governor of the test's own, a virtual clock).
 *
 * <pre>{@code
 * ProviderContext context = TestProviderContext.builder()
 *         .config(ScaleplaneProperties.of(Map.of("scaleplane.adapters.ci.type", "github")))
 *         .component(Sleeper.class, waits::add)
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe once built.
 */
public final class TestProviderContext implements ProviderContext {
    private final ConfigProperties config;
    private final Clock clock;
    private final EventTypeRegistry eventTypes;
    private final URI source;
    private final Map<Class<?>, Object> components;

    private TestProviderContext(Builder b) {
        this.config = b.config;
        this.clock = b.clock;
        this.eventTypes = b.eventTypes;
        this.source = b.source;
        this.components = Map.copyOf(b.components);
    }

    /** Holds no key; reading a typed value returns the default. */
    private static final ConfigProperties EMPTY = new ConfigProperties() {
        @Override
        public Optional<String> get(String key) {
            return Optional.empty();
        }

        @Override
        public Set<String> keys() {
            return Set.of();
        }

        @Override
        public int integer(String key, int defaultValue) {
            return defaultValue;
        }

        @Override
        public long longValue(String key, long defaultValue) {
            return defaultValue;
        }

        @Override
        public boolean bool(String key, boolean defaultValue) {
            return defaultValue;
        }

        @Override
        public Duration duration(String key, Duration defaultValue) {
            return defaultValue;
        }

        @Override
        public Map<String, String> withPrefix(String prefix) {
            return Map.of();
        }
    };

    /** A builder: empty configuration, the system UTC clock, the platform's event types, no components. */
    public static Builder builder() {
        return new Builder();
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
        return Optional.ofNullable(components.get(type)).map(type::cast);
    }

    @Override
    public String toString() {
        return "TestProviderContext[components=" + components.keySet() + "]";
    }

    /** Builds a {@link TestProviderContext}. Not thread-safe. */
    public static final class Builder {
        private ConfigProperties config = EMPTY;
        private Clock clock = Clock.systemUTC();
        private EventTypeRegistry eventTypes = EventTypeRegistry.platformDefaults();
        private URI source = URI.create("urn:scaleplane:test");
        private final Map<Class<?>, Object> components = new LinkedHashMap<>();

        private Builder() {}

        /** The configuration, e.g. {@code ScaleplaneProperties.of(Map.of(...))} from sdk-core. */
        public Builder config(ConfigProperties config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The platform clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The event types. */
        public Builder eventTypes(EventTypeRegistry eventTypes) {
            this.eventTypes = Objects.requireNonNull(eventTypes, "eventTypes");
            return this;
        }

        /** The source of wrapped events. */
        public Builder source(URI source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** A shared component, returned by {@link ProviderContext#component(Class)} for exactly {@code type}. */
        public <T> Builder component(Class<T> type, T component) {
            components.put(Objects.requireNonNull(type, "type"), type.cast(Objects.requireNonNull(component)));
            return this;
        }

        /** The context. */
        public TestProviderContext build() {
            return new TestProviderContext(this);
        }
    }
}
