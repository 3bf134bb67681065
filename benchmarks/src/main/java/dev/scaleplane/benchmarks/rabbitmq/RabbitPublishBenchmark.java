package dev.scaleplane.benchmarks.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.codec.BinaryBinding;
import dev.scaleplane.core.codec.BinaryMessage;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.events.rabbitmq.internal.Names;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Publish throughput with publisher confirms, 1 KiB per event, into one durable queue of the given type behind a topic
 * exchange: the SDK's {@code publish} (a new envelope per event, encoded to CloudEvents binary mode, confirm window of
 * {@value RabbitBenchSupport#WINDOW}, each future completed on its confirm) against a raw amqp-client channel with
 * asynchronous confirms and the same window, sending the same wire message (the CloudEvents headers of one event,
 * encoded once, and a fresh message id per message), so that the ratio measures the SDK, not the header bytes.
 * Each invocation publishes {@value #BATCH} messages and waits for all their confirms; the queue is purged after each
 * iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
public class RabbitPublishBenchmark {
    static final int BATCH = 1000;

    /** {@code scaleplane} (the SDK bus) or {@code raw} (amqp-client). */
    @Param({"scaleplane", "raw"})
    public String impl;

    /** Queue type of the destination queue. */
    @Param({"classic", "quorum"})
    public String queueType;

    private EventBus bus;
    private Connection connection;
    private Channel channel;
    private Channel admin;
    private RabbitBenchSupport.Confirms confirms;
    private String exchange;
    private String queue;
    private AMQP.BasicProperties rawProps;
    private String routingKey;
    private final CompletableFuture<?>[] futures = new CompletableFuture<?>[BATCH];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String prefix = "pub-" + impl + "-" + queueType + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        connection = RabbitBenchSupport.connectionFactory().newConnection("bench-raw");
        admin = connection.createChannel();
        if (impl.equals("scaleplane")) {
            bus = RabbitBenchSupport.bus(prefix, queueType);
            // Subscribing declares the group's queue; closing the member leaves the durable queue in place.
            bus.subscribe(SubscriptionOptions.of("bench", "g"), e -> {}).close();
            queue = new Names(prefix, 1).shardQueue("bench", "g", 0);
        } else {
            exchange = prefix + ".bench";
            queue = prefix + ".bench.g.0";
            admin.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
            admin.queueDeclare(queue, true, false, false, Map.of("x-queue-type", queueType));
            admin.queueBind(queue, exchange, "#");
            Event<byte[]> event = RabbitBenchSupport.event();
            BinaryMessage m = EventCodec.of(RabbitBenchSupport.TYPES).encodeBinary(event, BinaryBinding.AMQP);
            Map<String, Object> headers = new HashMap<>(m.headers());
            String contentType = (String) headers.remove("content-type");
            rawProps = new AMQP.BasicProperties.Builder()
                    .headers(headers)
                    .contentType(contentType)
                    .deliveryMode(2)
                    .build();
            routingKey = Names.routingKey(event.type(), event.orderingKey());
            channel = connection.createChannel();
            channel.confirmSelect();
            confirms = new RabbitBenchSupport.Confirms();
            channel.addConfirmListener(confirms);
        }
    }

    @TearDown(Level.Iteration)
    public void purge() throws Exception {
        admin.queuePurge(queue);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (bus != null) {
            bus.close();
        }
        admin.queueDelete(queue);
        if (exchange != null) {
            admin.exchangeDelete(exchange);
        }
        connection.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void publish() throws Exception {
        if (bus != null) {
            for (int i = 0; i < BATCH; i++) {
                futures[i] = bus.publish("bench", RabbitBenchSupport.event());
            }
            CompletableFuture.allOf(futures).join();
            return;
        }
        for (int i = 0; i < BATCH; i++) {
            AMQP.BasicProperties props =
                    rawProps.builder().messageId(UUID.randomUUID().toString()).build();
            confirms.window.acquire();
            synchronized (channel) {
                confirms.sent(channel.getNextPublishSeqNo());
                channel.basicPublish(exchange, routingKey, true, props, RabbitBenchSupport.DATA);
            }
        }
        confirms.awaitAll();
    }
}
