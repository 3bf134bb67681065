package dev.scaleplane.events.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.events.rabbitmq.internal.Names;
import dev.scaleplane.events.rabbitmq.testing.RabbitNode;
import dev.scaleplane.events.rabbitmq.testing.SharedRabbit;
import dev.scaleplane.tck.EventBusCompatibilityKit;
import dev.scaleplane.tck.RawInjector;
import dev.scaleplane.tck.TckBusSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The event-bus compatibility kit against a real RabbitMQ 3.10 node. The kit's durability test restarts the broker,
 * so the kit runs on a node of its own ({@link RabbitNode}) rather than on the machine's shared broker, which other
 * tests use at the same time.
 */
class RabbitEventBusCompatibilityTest extends EventBusCompatibilityKit {
    private static RabbitNode node;
    private static final String PREFIX = SharedRabbit.uniqueName("tck");

    @BeforeAll
    static void startNode() {
        node = RabbitNode.start();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    static Map<String, String> settings(int port, String prefix, TckBusSettings settings) {
        Map<String, String> s = new HashMap<>();
        s.put(RabbitBusConfig.HOST, "127.0.0.1");
        s.put(RabbitBusConfig.PORT, Integer.toString(port));
        s.put(RabbitBusConfig.NAME_PREFIX, prefix);
        s.put(RabbitBusConfig.REBALANCE_INTERVAL, "100ms");
        s.put(RabbitBusConfig.RECOVERY_INTERVAL, "200ms");
        s.put(RabbitBusConfig.PUBLISH_TIMEOUT, settings.publishTimeout().toMillis() + "ms");
        s.put(RabbitBusConfig.DRAIN_TIMEOUT, settings.drainTimeout().toMillis() + "ms");
        return s;
    }

    @Override
    protected EventBus createBus(TckBusSettings settings) {
        return new RabbitEventBusProvider()
                .create(TestContext.of(
                        settings(node.amqpPort(), PREFIX, settings),
                        settings.eventTypes(),
                        settings.source(),
                        new SimpleMeterRegistry()));
    }

    @Override
    protected boolean backPressureFromConsumers() {
        return false;
    }

    @Override
    protected boolean retriesPreserveKeyOrder() {
        return false; // a retried event waits in a TTL queue, so later events of its key may overtake it
    }

    @Override
    protected Optional<RawInjector> rawInjector() {
        return Optional.of((bus, topic, message) -> {
            try (Connection c = node.connectionFactory().newConnection();
                    Channel ch = c.createChannel()) {
                ch.confirmSelect();
                Map<String, Object> headers = new HashMap<>(message.headers());
                String contentType = (String) headers.remove("content-type");
                ch.basicPublish(
                        new Names(PREFIX, RabbitBusConfig.DEFAULT_SHARDS).exchange(topic),
                        "0.garbage",
                        true,
                        new AMQP.BasicProperties.Builder()
                                .headers(headers)
                                .contentType(contentType)
                                .deliveryMode(2)
                                .build(),
                        message.body());
                ch.waitForConfirmsOrDie(10_000);
            }
        });
    }

    @Override
    protected void restartBackend() {
        node.stop();
        node.restart();
    }
}
