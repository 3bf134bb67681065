package dev.scaleplane.tck;

import dev.scaleplane.api.events.EventTypeRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What the kit asks of a bus it creates through {@link EventBusCompatibilityKit#createBus(TckBusSettings)}. The
 * subclass maps each component to its backend's configuration; every component must be honoured, because tests
 * depend on them (for example the bounded-buffer test on a small {@link #bufferCapacity()} and a short
 * {@link #publishTimeout()}).
 *
 * @param eventTypes the registry the bus (or the platform owning it) must use: the platform catalog plus the kit's
 *     {@link TckPayload} and {@link TckOtherPayload}
 * @param bufferCapacity capacity of the bus's bounded buffers, in events ({@code scaleplane.events.memory.buffer-size}
 *     for the in-memory bus; brokers may ignore it when their buffers are not in the client)
 * @param publishTimeout how long {@code publish} may wait for room in a full buffer ({@code
 *     scaleplane.events.publish-timeout})
 * @param source the source URI given to events wrapped by {@code publish(topic, data)}
 * @param drainTimeout how long {@code close()} waits for in-flight and queued work ({@code
 *     scaleplane.events.drain-timeout})
 */
public record TckBusSettings(
        EventTypeRegistry eventTypes, int bufferCapacity, Duration publishTimeout, URI source, Duration drainTimeout) {

    /** Default {@link #bufferCapacity()}: large enough that no test but the bounded-buffer test fills it. */
    public static final int DEFAULT_BUFFER_CAPACITY = 1024;

    /** Default {@link #publishTimeout()}. */
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    /** Default {@link #drainTimeout()}. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

    /** Default {@link #source()}. */
    public static final URI DEFAULT_SOURCE = URI.create("/scaleplane/tck");

    private static final EventTypeRegistry TCK_TYPES = EventTypeRegistry.platformDefaults().toBuilder()
            .register(TckPayload.TYPE)
            .register(TckOtherPayload.TYPE)
            .build();

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if the capacity is below 1 or a duration is not positive
     */
    public TckBusSettings {
        Objects.requireNonNull(eventTypes, "eventTypes");
        Objects.requireNonNull(publishTimeout, "publishTimeout");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (bufferCapacity < 1) {
            throw new IllegalArgumentException("bufferCapacity must be >= 1, but was " + bufferCapacity);
        }
        if (publishTimeout.isNegative() || publishTimeout.isZero()) {
            throw new IllegalArgumentException("publishTimeout must be > 0, but was " + publishTimeout);
        }
        if (drainTimeout.isNegative() || drainTimeout.isZero()) {
            throw new IllegalArgumentException("drainTimeout must be > 0, but was " + drainTimeout);
        }
    }

    /** The platform catalog plus {@link TckPayload#TYPE} and {@link TckOtherPayload#TYPE}. */
    public static EventTypeRegistry tckEventTypes() {
        return TCK_TYPES;
    }

    /** The settings most tests use: {@link #tckEventTypes()} and every {@code DEFAULT_*} constant of this record. */
    public static TckBusSettings defaults() {
        return new TckBusSettings(
                TCK_TYPES, DEFAULT_BUFFER_CAPACITY, DEFAULT_PUBLISH_TIMEOUT, DEFAULT_SOURCE, DEFAULT_DRAIN_TIMEOUT);
    }

    /** A copy with another buffer capacity. */
    public TckBusSettings withBufferCapacity(int bufferCapacity) {
        return new TckBusSettings(eventTypes, bufferCapacity, publishTimeout, source, drainTimeout);
    }

    /** A copy with another publish timeout. */
    public TckBusSettings withPublishTimeout(Duration publishTimeout) {
        return new TckBusSettings(eventTypes, bufferCapacity, publishTimeout, source, drainTimeout);
    }

    /** A copy with another source. */
    public TckBusSettings withSource(URI source) {
        return new TckBusSettings(eventTypes, bufferCapacity, publishTimeout, source, drainTimeout);
    }

    /** A copy with another drain timeout. */
    public TckBusSettings withDrainTimeout(Duration drainTimeout) {
        return new TckBusSettings(eventTypes, bufferCapacity, publishTimeout, source, drainTimeout);
    }
}
