package dev.scaleplane.api.spi;

import dev.scaleplane.api.events.EventTypeRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;

/**
 * What a provider receives to create its service: configuration, the platform's event types and clock, and shared
 * components of the core (such as its metrics registry or codec) looked up by type.
 *
 * <p>Thread-safe. Valid for the life of the platform.
 */
public interface ProviderContext {

    /** The platform configuration; a provider reads its own keys, e.g. {@code scaleplane.events.kafka.*}. */
    ConfigProperties config();

    /** The event types the platform knows. */
    EventTypeRegistry eventTypes();

    /** The platform's clock, for timestamps; tests may supply a controllable one. */
    Clock clock();

    /** The source URI given to events that the platform wraps (see {@code EventBus.publish(String, Object)}). */
    URI source();

    /**
     * A shared component of the platform by type, e.g. {@code io.micrometer.core.instrument.MeterRegistry} or the
     * core's event codec. Lets backends share the core's components without putting their types in this API.
     *
     * @return the component, or empty if the platform has none of that type
     */
    <T> Optional<T> component(Class<T> type);
}
