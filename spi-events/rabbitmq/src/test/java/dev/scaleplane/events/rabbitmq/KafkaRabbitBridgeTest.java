package dev.scaleplane.events.rabbitmq;

import static dev.scaleplane.events.rabbitmq.RabbitEventBusTest.TYPES;
import static dev.scaleplane.events.rabbitmq.RabbitEventBusTest.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.bridge.EventBridge;
import dev.scaleplane.events.kafka.KafkaBusConfig;
import dev.scaleplane.events.kafka.KafkaEventBusProvider;
import dev.scaleplane.events.rabbitmq.RabbitEventBusTest.Note;
import dev.scaleplane.events.rabbitmq.testing.SharedRabbit;
import dev.scaleplane.events.rabbitmq.testing.ThrowAwayVirtualHost;
import dev.scaleplane.kafka.testing.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bridge between two real brokers: a Kafka broker of the test (the {@code scaleplane-kafka-testing} fixture) and
 * the machine's RabbitMQ, in both directions. Every CloudEvents attribute and extension arrives unchanged, and a
 * duplicate on the source (same source and id) reaches the far side once.
 */
class KafkaRabbitBridgeTest {

    @RegisterExtension
    static final ThrowAwayVirtualHost vhost = ThrowAwayVirtualHost.perClass();

    private final List<AutoCloseable> open = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private EventBus kafka() {
        Map<String, String> s = new HashMap<>();
        s.put(KafkaBusConfig.BOOTSTRAP_SERVERS, KafkaBroker.shared().bootstrapServers());
        s.put(KafkaBusConfig.PARTITIONS, "3");
        EventBus bus = new KafkaEventBusProvider()
                .create(TestContext.of(s, TYPES, URI.create("/kafka/bridge-test"), registry));
        open.add(bus);
        return bus;
    }

    private EventBus rabbit() {
        Map<String, String> s = new HashMap<>();
        s.put(RabbitBusConfig.HOST, SharedRabbit.HOST);
        s.put(RabbitBusConfig.PORT, Integer.toString(SharedRabbit.PORT));
        s.put(RabbitBusConfig.VIRTUAL_HOST, vhost.name());
        s.put(RabbitBusConfig.NAME_PREFIX, SharedRabbit.uniqueName("bridge"));
        EventBus bus = new RabbitEventBusProvider()
                .create(TestContext.of(s, TYPES, URI.create("/rabbit/bridge-test"), registry));
        open.add(bus);
        return bus;
    }

    private static String topic(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void eventsCrossFromKafkaToRabbitMqAndBackUnchangedAndOnce() {
        EventBus kafka = kafka();
        EventBus rabbit = rabbit();
        String orders = topic("orders");
        String replies = topic("replies");
        Map<String, Event<Object>> atRabbit = new ConcurrentHashMap<>();
        Map<String, Event<Object>> atKafka = new ConcurrentHashMap<>();
        AtomicInteger rabbitDeliveries = new AtomicInteger();
        AtomicInteger kafkaDeliveries = new AtomicInteger();
        rabbit.subscribe(SubscriptionOptions.of(orders, "reader"), e -> {
            rabbitDeliveries.incrementAndGet();
            atRabbit.put(e.id(), e);
        });
        kafka.subscribe(SubscriptionOptions.of(replies, "reader"), e -> {
            kafkaDeliveries.incrementAndGet();
            atKafka.put(e.id(), e);
        });
        open.add(EventBridge.builder(kafka, orders, rabbit).start());
        open.add(EventBridge.builder(rabbit, replies, kafka).start());

        List<Event<Note>> toRabbit =
                IntStream.range(0, 200).mapToObj(RabbitEventBusTest::fullEvent).toList();
        List<Event<Note>> toKafka = IntStream.range(200, 300)
                .mapToObj(RabbitEventBusTest::fullEvent)
                .toList();
        toRabbit.forEach(e -> kafka.publish(orders, e).join());
        toKafka.forEach(e -> rabbit.publish(replies, e).join());
        // the same events again on each source, as a redelivery or a replay would bring them
        toRabbit.subList(0, 20).forEach(e -> kafka.publish(orders, e).join());
        toKafka.subList(0, 20).forEach(e -> rabbit.publish(replies, e).join());

        await().atMost(WAIT).until(() -> atRabbit.size() == toRabbit.size() && atKafka.size() == toKafka.size());
        for (Event<Note> e : toRabbit) {
            assertThat(atRabbit.get(e.id())).as("kafka -> rabbitmq").isEqualTo(e);
        }
        for (Event<Note> e : toKafka) {
            assertThat(atKafka.get(e.id())).as("rabbitmq -> kafka").isEqualTo(e);
        }
        // a duplicate that got through would arrive within moments: the counts must hold for a while
        await().during(Duration.ofSeconds(2))
                .atMost(WAIT)
                .until(() -> rabbitDeliveries.get() == toRabbit.size() && kafkaDeliveries.get() == toKafka.size());
        assertThat(rabbitDeliveries).as("deliveries at the RabbitMQ side").hasValue(toRabbit.size());
        assertThat(kafkaDeliveries).as("deliveries at the Kafka side").hasValue(toKafka.size());
    }
}
