package dev.scaleplane.benchmarks.kafka;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.StartPosition;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
 * Consume throughput: {@value #RECORDS} records of 1 KiB, written once by the bus (CloudEvents binary mode) to a
 * 6-partition topic, read from the start by one group member: the SDK's subscription (decode, handler call, offset
 * tracking and commits, concurrency 1) against a raw {@link KafkaConsumer} poll loop that touches each value. Before
 * every invocation both groups' offsets are reset to the beginning, so each invocation reads everything once,
 * including the group join.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
// Five measured invocations per round, since KafkaBench runs every bus benchmark in several alternating rounds.
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class KafkaConsumeBenchmark {
    static final int RECORDS = 200_000;

    /**
     * {@code scaleplane} (the SDK bus), {@code raw} (kafka-clients, touching each value) or {@code raw-cloudevents}
     * (kafka-clients, also reading every header into a map of strings, the least a hand-written CloudEvents consumer
     * does).
     */
    @Param({"scaleplane", "raw", "raw-cloudevents"})
    public String impl;

    private String bootstrap;
    private String topic;
    private String group;
    private Platform platform;
    private EventBus bus;

    /** Writes the records once. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        bootstrap = KafkaBenchSupport.bootstrap();
        topic = "bench-consume-" + impl + "-" + Long.toHexString(System.nanoTime());
        group = topic + "-group";
        KafkaBenchSupport.createTopic(bootstrap, topic);
        platform = KafkaBenchSupport.platform(bootstrap);
        bus = platform.events();
        byte[] value = KafkaBenchSupport.value(0);
        CompletableFuture<?>[] acks = new CompletableFuture<?>[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            acks[i] = bus.publish(topic, KafkaBenchSupport.event(i, value));
        }
        CompletableFuture.allOf(acks).join();
    }

    /** Sets the group back to the first offset of every partition. */
    @Setup(Level.Invocation)
    public void rewind() throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            if (!admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS)
                    .isEmpty()) {
                Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
                for (int p = 0; p < KafkaBenchSupport.PARTITIONS; p++) {
                    start.put(new TopicPartition(topic, p), new OffsetAndMetadata(0));
                }
                admin.alterConsumerGroupOffsets(group, start).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Closes the bus. */
    @TearDown(Level.Trial)
    public void tearDown() {
        platform.close();
    }

    /** Reads every record once. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long consume() throws Exception {
        return impl.equals("scaleplane") ? sdk() : raw(impl.equals("raw-cloudevents"));
    }

    private long sdk() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(RECORDS);
        AtomicLong bytes = new AtomicLong();
        Subscription subscription = bus.subscribe(
                SubscriptionOptions.builder(topic, group)
                        .startPosition(StartPosition.EARLIEST)
                        .build(),
                e -> {
                    bytes.addAndGet(((byte[]) e.data()).length);
                    done.countDown();
                });
        try {
            if (!done.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException(
                        "the subscription did not get every record: " + done.getCount() + " missing");
            }
        } finally {
            subscription.close();
        }
        return bytes.get();
    }

    private long raw(boolean readHeaders) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", group);
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        long count = 0;
        long bytes = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (count < RECORDS) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    bytes += r.value().length;
                    if (readHeaders) {
                        Map<String, String> attributes = new HashMap<>();
                        for (Header h : r.headers()) {
                            attributes.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                        }
                        bytes += attributes.size();
                    }
                    count++;
                }
                consumer.commitAsync();
            }
            consumer.commitSync();
        }
        return bytes;
    }
}
