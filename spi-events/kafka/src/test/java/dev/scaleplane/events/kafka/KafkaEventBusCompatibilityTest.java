package dev.scaleplane.events.kafka;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.tck.EventBusCompatibilityKit;
import dev.scaleplane.tck.RawInjector;
import dev.scaleplane.tck.TckBusSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The event bus kit against the real broker. */
class KafkaEventBusCompatibilityTest extends EventBusCompatibilityKit {
    private final Map<EventBus, Platform> platforms = new ConcurrentHashMap<>();

    @Override
    protected EventBus createBus(TckBusSettings settings) {
        Platform platform = TestKafka.platform(
                settings.eventTypes(),
                settings.source(),
                settings.publishTimeout(),
                settings.drainTimeout(),
                // Four partitions: enough for competing members, and fewer for the one broker to carry through the
                // hundreds of topics the kit creates.
                Map.of(
                        KafkaBusConfig.MAX_IN_FLIGHT,
                        String.valueOf(settings.bufferCapacity()),
                        KafkaBusConfig.PARTITIONS,
                        "4"));
        EventBus bus = platform.events();
        platforms.put(bus, platform);
        return bus;
    }

    @Override
    protected void closeBus(EventBus bus) {
        Platform platform = platforms.remove(bus);
        if (platform != null) {
            platform.close();
        } else {
            bus.close();
        }
    }

    @Override
    protected boolean backPressureFromConsumers() {
        return false;
    }

    @Override
    protected boolean retriesPreserveKeyOrder() {
        return false;
    }

    @Override
    protected Optional<RawInjector> rawInjector() {
        return Optional.of((bus, topic, message) -> {
            Properties props = new Properties();
            props.put("bootstrap.servers", TestKafka.broker().bootstrapServers());
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, message.body());
                message.headers().forEach((k, v) -> record.headers()
                        .add(k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                producer.send(record).get(30, TimeUnit.SECONDS);
            }
        });
    }

    @Override
    protected void restartBackend() {
        TestKafka.broker().restart();
    }

    @Override
    protected Duration livenessTimeout() {
        return Duration.ofSeconds(60);
    }
}
