package dev.scaleplane.benchmarks.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.codec.BinaryBinding;
import dev.scaleplane.core.codec.BinaryMessage;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.events.rabbitmq.RabbitBusConfig;
import dev.scaleplane.events.rabbitmq.internal.Names;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
 * Consume throughput: {@value #MESSAGES} CloudEvents of 1 KiB (binary mode, as the bus writes them) are put in one
 * group queue of the given type before each invocation; the invocation drains them with one consumer, prefetch
 * {@value RabbitBusConfig#DEFAULT_PREFETCH}, acknowledging each message: the SDK's subscription (decode, handler call,
 * ack; concurrency 1) against a raw amqp-client consumer with manual acks that touches each body. Both start their
 * consumer inside the measured time. Score: microseconds per message.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 4)
public class RabbitConsumeBenchmark {
    static final int MESSAGES = 30_000;

    /** {@code scaleplane} (the SDK bus) or {@code raw} (amqp-client). */
    @Param({"scaleplane", "raw"})
    public String impl;

    /** Queue type of the group queue. */
    @Param({"classic", "quorum"})
    public String queueType;

    private EventBus bus;
    private Connection connection;
    private Channel filler;
    private RabbitBenchSupport.Confirms confirms;
    private String exchange;
    private String queue;
    private AMQP.BasicProperties props;
    private byte[] body;
    private String routingKey;
    private CountDownLatch latch;
    private final LongAdder touched = new LongAdder();
    private Subscription subscription;
    private Channel rawChannel;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String prefix = "con-" + impl + "-" + queueType + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        bus = RabbitBenchSupport.bus(prefix, queueType);
        bus.subscribe(SubscriptionOptions.of("bench", "g"), e -> {}).close();
        Names names = new Names(prefix, 1);
        exchange = names.exchange("bench");
        queue = names.shardQueue("bench", "g", 0);
        Event<byte[]> event = RabbitBenchSupport.event();
        BinaryMessage m = EventCodec.of(RabbitBenchSupport.TYPES).encodeBinary(event, BinaryBinding.AMQP);
        Map<String, Object> headers = new HashMap<>(m.headers());
        String contentType = (String) headers.remove("content-type");
        props = new AMQP.BasicProperties.Builder()
                .headers(headers)
                .contentType(contentType)
                .messageId(event.id())
                .deliveryMode(2)
                .build();
        body = m.body();
        routingKey = Names.routingKey(event.type(), event.orderingKey());
        connection = RabbitBenchSupport.connectionFactory().newConnection("bench-raw");
        filler = connection.createChannel();
        filler.confirmSelect();
        confirms = new RabbitBenchSupport.Confirms();
        filler.addConfirmListener(confirms);
    }

    @Setup(Level.Invocation)
    public void fill() throws Exception {
        filler.queuePurge(queue);
        for (int i = 0; i < MESSAGES; i++) {
            confirms.window.acquire();
            confirms.sent(filler.getNextPublishSeqNo());
            filler.basicPublish(exchange, routingKey, props, body);
        }
        confirms.awaitAll();
        latch = new CountDownLatch(MESSAGES);
    }

    @TearDown(Level.Invocation)
    public void stopConsumer() throws Exception {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
        if (rawChannel != null) {
            rawChannel.close();
            rawChannel = null;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        filler.queueDelete(queue);
        bus.close();
        connection.close();
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long consume() throws Exception {
        if (impl.equals("scaleplane")) {
            subscription = bus.subscribe(SubscriptionOptions.of("bench", "g"), RabbitBenchSupport.BYTES, e -> {
                touched.add(e.data().length);
                latch.countDown();
            });
        } else {
            Channel ch = connection.createChannel();
            rawChannel = ch;
            ch.basicQos(RabbitBusConfig.DEFAULT_PREFETCH);
            ch.basicConsume(queue, false, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] b)
                        throws IOException {
                    touched.add(b.length);
                    ch.basicAck(envelope.getDeliveryTag(), false);
                    latch.countDown();
                }
            });
        }
        if (!latch.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException(latch.getCount() + " messages were not consumed");
        }
        return touched.sum();
    }
}
