package dev.scaleplane.tck;

import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.RawMessage;

/**
 * Writes a message to a topic of the backend the way a foreign producer would, without going through the bus's
 * encoder, so the kit can check how a bus treats bytes it cannot decode. Needed by backends that declare
 * {@link dev.scaleplane.api.spi.Capabilities.Capability#WIRE_DECODING}; see
 * {@link EventBusCompatibilityKit#rawInjector()}.
 *
 * <p>Implementations typically use the broker's own client (a Kafka producer, a RabbitMQ channel) with the same
 * connection settings as the bus under test.
 */
@FunctionalInterface
public interface RawInjector {

    /**
     * Stores {@code message} in {@code topic} as the given bus maps that topic to the broker (the same topic,
     * exchange or stream that {@link EventBus#publish(String, dev.scaleplane.api.events.Event)} would write to),
     * with the headers as transport headers and the body as the message body, unchanged. Returns only once the
     * broker has accepted the message.
     *
     * @param bus the bus under test, created by {@link EventBusCompatibilityKit#createBus(TckBusSettings)}
     * @param topic the bus topic name
     * @param message headers and body to write; the kit's bodies are never valid CloudEvents
     * @throws Exception if the message could not be written; the test then fails
     */
    void inject(EventBus bus, String topic, RawMessage message) throws Exception;
}
