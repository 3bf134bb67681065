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
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

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
        EventCodec codec = context.component(EventCodec.class)
                .filter(c -> c.eventTypes() == context.eventTypes())
                .orElseGet(() -> EventCodec.builder(context.eventTypes())
                        .clock(context.clock())
                        .build());
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
        ConnectionFactory cf = new ConnectionFactory();
        cf.setHost(config.host());
        cf.setPort(config.port());
        cf.setVirtualHost(config.virtualHost());
        cf.setUsername(config.username());
        cf.setPassword(config.password());
        cf.setConnectionTimeout(
                (int) Math.min(Integer.MAX_VALUE, config.connectionTimeout().toMillis()));
        cf.setAutomaticRecoveryEnabled(true);
        cf.setTopologyRecoveryEnabled(true);
        cf.setNetworkRecoveryInterval(config.recoveryInterval().toMillis());
        cf.setRequestedHeartbeat(10);
        if (config.tls()) {
            try {
                SSLContext ssl;
                if (config.trustStore().isPresent()) {
                    Path path = Path.of(config.trustStore().get());
                    char[] password =
                            config.trustStorePassword().map(String::toCharArray).orElse(null);
                    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                    try (InputStream in = Files.newInputStream(path)) {
                        store.load(in, password);
                    }
                    TrustManagerFactory tmf =
                            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                    tmf.init(store);
                    ssl = SSLContext.getInstance("TLS");
                    ssl.init(null, tmf.getTrustManagers(), null);
                } else {
                    ssl = SSLContext.getDefault();
                }
                cf.useSslProtocol(ssl);
                cf.enableHostnameVerification();
            } catch (IOException | GeneralSecurityException e) {
                throw new ScaleplaneException(
                        "cannot set up TLS for RabbitMQ with trust store "
                                + config.trustStore().orElse("(JVM default)") + ": " + e.getMessage(),
                        e);
            }
        }
        return cf;
    }
}
