package dev.scaleplane.benchmarks.kafka;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * End-to-end latency at a fixed publish rate: a pacer publishes 1 KiB records stamped with {@link System#nanoTime()}
 * at {@code rate} per second (open loop: it never waits for the consumer), and the consumer (an SDK subscription or a
 * raw {@link KafkaConsumer} poll loop, in the same JVM) records now minus the stamp. Percentiles come from every
 * record of the measurement window. This is a plain timed run rather than a JMH benchmark, because JMH times calls of
 * a method and an open-loop rate with a separate consumer is not one call.
 */
final class KafkaLatency {
    private KafkaLatency() {}

    /** Latency percentiles in microseconds: p50, p99, p99.9, and the number of samples. */
    record Result(String impl, double p50, double p99, double p999, int samples) {}

    static Result measure(String impl, String bootstrap, int rate, Duration warmup, Duration measure) throws Exception {
        return measure(impl, impl, bootstrap, rate, warmup, measure);
    }

    /**
     * Latency with the publishing and the subscribing side chosen separately ({@code scaleplane} or {@code raw}), to
     * tell which side a difference comes from. A raw publisher feeding an SDK subscription writes the CloudEvents
     * headers by hand, as the subscription only accepts CloudEvents.
     */
    static Result measure(
            String publisher, String subscriber, String bootstrap, int rate, Duration warmup, Duration measure)
            throws Exception {
        String impl = publisher.equals(subscriber) ? publisher : publisher + "->" + subscriber;
        String topic = "bench-latency-" + publisher + "-" + subscriber + "-" + Long.toHexString(System.nanoTime());
        KafkaBenchSupport.createTopic(bootstrap, topic);
        int capacity = (int) (rate * (warmup.toSeconds() + measure.toSeconds() + 5));
        long[] latencies = new long[capacity];
        AtomicInteger count = new AtomicInteger();
        AtomicBoolean recording = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        Platform platform = KafkaBenchSupport.platform(bootstrap);
        Subscription subscription = null;
        Thread rawConsumer = null;
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            EventBus bus = platform.events();
            if (!publisher.equals("scaleplane")) {
                producer = KafkaBenchSupport.rawProducer(bootstrap);
            }
            if (subscriber.equals("scaleplane")) {
                subscription = bus.subscribe(SubscriptionOptions.of(topic, topic + "-group"), e -> {
                    long latency = System.nanoTime() - KafkaBenchSupport.stamp((byte[]) e.data());
                    if (recording.get()) {
                        int i = count.getAndIncrement();
                        if (i < latencies.length) {
                            latencies[i] = latency;
                        }
                    }
                });
            } else {
                Properties props = new Properties();
                props.put("bootstrap.servers", bootstrap);
                props.put("group.id", topic + "-group");
                props.put("enable.auto.commit", "false");
                props.put("auto.offset.reset", "latest");
                KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                consumer.subscribe(List.of(topic));
                while (consumer.assignment().isEmpty()) {
                    consumer.poll(Duration.ofMillis(100));
                }
                consumer.assignment().forEach(consumer::position);
                consumer.commitSync();
                rawConsumer = new Thread(() -> {
                    try (consumer) {
                        while (!stop.get()) {
                            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                                long latency = System.nanoTime() - KafkaBenchSupport.stamp(r.value());
                                if (recording.get()) {
                                    int i = count.getAndIncrement();
                                    if (i < latencies.length) {
                                        latencies[i] = latency;
                                    }
                                }
                            }
                            consumer.commitAsync();
                        }
                    }
                });
                rawConsumer.start();
            }
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            long warmEnd = start + warmup.toNanos();
            long end = warmEnd + measure.toNanos();
            long next = start;
            int i = 0;
            while (true) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                if (now >= warmEnd && !recording.get()) {
                    recording.set(true);
                }
                if (now < next) {
                    LockSupport.parkNanos(next - now);
                    continue;
                }
                byte[] value = KafkaBenchSupport.value(System.nanoTime());
                if (producer != null) {
                    producer.send(KafkaBenchSupport.rawRecord(topic, i, value, subscriber.equals("scaleplane")));
                } else {
                    bus.publish(topic, KafkaBenchSupport.event(i, value));
                }
                i++;
                next += interval;
            }
            Thread.sleep(2_000); // let the last records arrive
            recording.set(false);
        } finally {
            stop.set(true);
            if (rawConsumer != null) {
                rawConsumer.join();
            }
            if (subscription != null) {
                subscription.close();
            }
            if (producer != null) {
                producer.close();
            }
            platform.close();
        }
        int n = Math.min(count.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        return new Result(impl, micros(sorted, 0.50), micros(sorted, 0.99), micros(sorted, 0.999), n);
    }

    private static double micros(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1_000.0;
    }
}
