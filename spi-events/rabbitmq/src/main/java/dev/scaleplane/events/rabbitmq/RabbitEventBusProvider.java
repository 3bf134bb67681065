package dev.scaleplane.events.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.spi.Capabilities;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.EventBusProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.events.rabbitmq.internal.RabbitEventBus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The RabbitMQ event bus, name {@value #NAME}. Settings: {@link RabbitBusConfig}. Register it by adding the
 * {@code scaleplane-events-rabbitmq} artifact; select it with {@code scaleplane.events.provider=rabbitmq} (or by
 * being the only non-embedded bus on the class path).
 *
 * <p>Capabilities: {@code DURABLE} (durable queues, persistent messages, confirms), {@code ORDERED_PER_KEY} (shard
 * queues with a single active consumer), {@code CROSS_PROCESS} and {@code WIRE_DECODING}. Not {@code REPLAY}: a
 * queue holds only what was published after it was declared.
 *
 * <p>Stateless and thread-safe.
 */
public final class RabbitEventBusProvider implements EventBusProvider {
    /** The provider name. */
    public static final String NAME = "rabbitmq";

    /** What the RabbitMQ bus guarantees. */
    public static final Capabilities CAPABILITIES = Capabilities.of(
            Capabilities.Capability.DURABLE,
            Capabilities.Capability.ORDERED_PER_KEY,
            Capabilities.Capability.CROSS_PROCESS,
            Capabilities.Capability.WIRE_DECODING);

    /** Creates the provider; ServiceLoader calls this. */
    public RabbitEventBusProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    /**
     * Reads {@link RabbitBusConfig} from the context, connects and declares the shared topology.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting
     * @throws ScaleplaneException if the broker cannot be reached or TLS cannot be set up
     */
    /** Reads every {@code scaleplane.events.rabbitmq.*} setting as {@code create} would, without connecting. */
    @Override
    public void validate(ConfigProperties config) {
        RabbitBusConfig.from(config);
    }

    @Override
    public EventBus create(ProviderContext context) {
        RabbitBusConfig config = RabbitBusConfig.from(context.config());
        MeterRegistry registry = context.component(MeterRegistry.class).orElseGet(SimpleMeterRegistry::new);
        EventCodec codec = EventCodec.forContext(context);
        return create(config, codec, context, new BusMetrics(registry, NAME));
    }

    private static EventBus create(
            RabbitBusConfig config, EventCodec codec, ProviderContext context, BusMetrics metrics) {
        return new RabbitEventBus(
                config, connectionFactory(config), codec, context.source(), context.clock(), CAPABILITIES, metrics);
    }

    /**
     * A connection factory for the configured broker, with automatic connection and topology recovery.
     *
     * @throws ScaleplaneException if the TLS trust store cannot be read
     */
    public static ConnectionFactory connectionFactory(RabbitBusConfig config) {
        ConnectionFactory cf = config.connectionFactory();
        cf.setAutomaticRecoveryEnabled(true);
        cf.setTopologyRecoveryEnabled(true);
        cf.setNetworkRecoveryInterval(config.recoveryInterval().toMillis());
        cf.setRequestedHeartbeat(10);
        return cf;
    }
}
