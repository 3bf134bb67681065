package dev.scaleplane.benchmarks.kafka;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.EventBus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * Publish throughput to a 6-partition topic, 1 KiB per event, until the broker acknowledged ({@code acks=all},
 * idempotent producer): the SDK's {@code EventBus.publish} against a raw {@link KafkaProducer} with the same
 * settings. Each invocation sends {@value #BATCH} records without waiting, then waits for every acknowledgement, as
 * an application publishing a burst would.
 *
 * <p>Two raw variants: {@code raw} sends the bare 1 KiB value (the goal's reference), {@code raw-cloudevents} the same
 * value with the CloudEvents binary-mode headers an application would write by hand (constant attributes encoded
 * once, a fresh id and time per record). The second separates what the SDK costs from what carrying CloudEvents
 * headers costs the client and the broker.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
// Three warm-up iterations: with two, the JIT compiler still took a seventh of a core in the measured ones. Four
// measured iterations per round, since KafkaBench runs every bus benchmark in several alternating rounds.
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 4, time = 3)
public class KafkaPublishBenchmark {
    static final int BATCH = 2_000;

    /** {@code scaleplane} (the SDK bus), {@code raw} or {@code raw-cloudevents} (kafka-clients). */
    @Param({"scaleplane", "raw", "raw-cloudevents"})
    public String impl;

    private Platform platform;
    private EventBus bus;
    private KafkaProducer<byte[], byte[]> producer;
    private String topic;
    private final byte[] value = KafkaBenchSupport.value(0);
    private int sequence;

    /** Creates the topic and the client under test. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String bootstrap = KafkaBenchSupport.bootstrap();
        topic = "bench-publish-" + impl + "-" + Long.toHexString(System.nanoTime());
        KafkaBenchSupport.createTopic(bootstrap, topic);
        if (impl.equals("scaleplane")) {
            platform = KafkaBenchSupport.platform(bootstrap);
            bus = platform.events();
            bus.publish(topic, KafkaBenchSupport.event(0, value)).get(60, TimeUnit.SECONDS);
        } else {
            producer = KafkaBenchSupport.rawProducer(bootstrap);
            // One acknowledged record before measuring, so producer id and metadata are fetched outside it.
            producer.send(new ProducerRecord<>(topic, value)).get(60, TimeUnit.SECONDS);
        }
    }

    /** Closes the client. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (platform != null) {
            platform.close();
        }
        if (producer != null) {
            producer.close();
        }
    }

    /** Publishes a burst and waits for every acknowledgement. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void publish() {
        CompletableFuture<?>[] acks = new CompletableFuture<?>[BATCH];
        if (bus != null) {
            for (int i = 0; i < BATCH; i++) {
                acks[i] = bus.publish(topic, KafkaBenchSupport.event(sequence++, value));
            }
        } else {
            boolean headers = impl.equals("raw-cloudevents");
            for (int i = 0; i < BATCH; i++) {
                CompletableFuture<Void> ack = new CompletableFuture<>();
                ProducerRecord<byte[], byte[]> record = KafkaBenchSupport.rawRecord(topic, sequence++, value, headers);
                producer.send(record, (m, e) -> {
                    if (e == null) {
                        ack.complete(null);
                    } else {
                        ack.completeExceptionally(e);
                    }
                });
                acks[i] = ack;
            }
        }
        CompletableFuture.allOf(acks).join();
    }
}
