package dev.scaleplane.events.kafka;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.kafka.testing.KafkaBroker;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The broker of this module's tests: one real KRaft broker per test JVM, with a SASL/PLAIN listener for the security
 * tests. Surefire runs test classes one after the other, so a class may restart or kill it, as long as it leaves it
 * running.
 */
public final class TestKafka {
    static final String SASL_USER = "scaleplane-test";
    static final String SASL_PASSWORD = "s3cr3t-Pa55w0rd-never-logged";

    private static KafkaBroker broker;

    private TestKafka() {}

    /** The module's broker, started on first use. Fails with the broker's log tail if it cannot start. */
    public static synchronized KafkaBroker broker() {
        if (broker == null) {
            broker = KafkaBroker.builder()
                    .saslPlainUser(SASL_USER, SASL_PASSWORD)
                    .build();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "test-kafka-close"));
        }
        if (!broker.isRunning()) {
            broker.start();
        }
        return broker;
    }

    /** Configuration of a bus on the module's broker, plus {@code extra}. */
    static Map<String, String> config(Map<String, String> extra) {
        Map<String, String> config = new HashMap<>();
        config.put("scaleplane.events.provider", "kafka");
        // These tests are about the bus; the module's task queue has its own tests and settings.
        config.put("scaleplane.tasks.provider", "memory");
        config.put(KafkaBusConfig.BOOTSTRAP_SERVERS, broker().bootstrapServers());
        config.putAll(extra);
        return config;
    }

    /** A platform whose bus is a Kafka bus on the module's broker. */
    static Platform platform(
            EventTypeRegistry types,
            URI source,
            Duration publishTimeout,
            Duration drainTimeout,
            Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(config(extra));
        config.put(KafkaBusConfig.PUBLISH_TIMEOUT, publishTimeout.toMillis() + "ms");
        config.put(KafkaBusConfig.DRAIN_TIMEOUT, drainTimeout.toMillis() + "ms");
        return Scaleplane.builder()
                .eventTypes(types)
                .source(source)
                .config(ScaleplaneProperties.of(config))
                .build();
    }

    static EventBus bus(Platform platform) {
        return platform.events();
    }
}
