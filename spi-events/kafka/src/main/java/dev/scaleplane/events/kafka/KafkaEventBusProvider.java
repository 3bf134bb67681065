package dev.scaleplane.events.kafka;

import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.spi.Capabilities;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.EventBusProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.events.kafka.internal.KafkaEventBus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The event bus on Apache Kafka, name {@value #NAME}. Configure it with {@code scaleplane.events.provider=kafka} and
 * the keys of {@link KafkaBusConfig} (at least {@code scaleplane.events.kafka.bootstrap-servers}).
 *
 * <p>Capabilities: {@code DURABLE} (publish completes on {@code acks=all} from an idempotent producer),
 * {@code ORDERED_PER_KEY} (the record key is the event's ordering key; one lane per key), {@code REPLAY} (a new group
 * may start at the earliest retained record), {@code CROSS_PROCESS} (consumer groups span processes) and
 * {@code WIRE_DECODING} (records are decoded with the CloudEvents Kafka binding; undecodable ones are
 * dead-lettered). Retries leave the partition (retry topics), so a retried event may be handled after later events
 * of its key.
 *
 * <p>Stateless; {@link #create} may be called from any thread.
 */
public final class KafkaEventBusProvider implements EventBusProvider {
    /** The provider name. */
    public static final String NAME = "kafka";

    static final Capabilities CAPABILITIES = Capabilities.of(
            Capabilities.Capability.DURABLE,
            Capabilities.Capability.ORDERED_PER_KEY,
            Capabilities.Capability.REPLAY,
            Capabilities.Capability.CROSS_PROCESS,
            Capabilities.Capability.WIRE_DECODING);

    /** Creates the provider; ServiceLoader calls this. */
    public KafkaEventBusProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    /**
     * Creates a bus connected to the configured brokers. Uses the platform's {@link MeterRegistry} and
     * {@link EventCodec} when it has them.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid key under
     *     {@value KafkaBusConfig#PREFIX}
     */
    /** Reads every {@code scaleplane.events.kafka.*} setting as {@code create} would, without connecting. */
    @Override
    public void validate(ConfigProperties config) {
        KafkaBusConfig.from(config);
    }

    @Override
    public EventBus create(ProviderContext context) {
        KafkaBusConfig config = KafkaBusConfig.from(context.config());
        MeterRegistry registry = context.component(MeterRegistry.class).orElseGet(SimpleMeterRegistry::new);
        EventCodec codec = EventCodec.forContext(context);
        return new KafkaEventBus(
                config,
                context.eventTypes(),
                context.source(),
                context.clock(),
                codec,
                new BusMetrics(registry, NAME),
                CAPABILITIES);
    }
}
