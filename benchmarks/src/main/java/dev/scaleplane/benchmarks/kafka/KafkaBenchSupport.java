package dev.scaleplane.benchmarks.kafka;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.kafka.KafkaBusConfig;
import dev.scaleplane.kafka.testing.KafkaBroker;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the Kafka benchmarks share: the broker (named by system property {@value #BOOTSTRAP_PROPERTY}, which
 * {@code benchmarks/kafka.sh} sets to the broker it started; otherwise one started in this JVM through the test
 * fixture), the bus configuration, and a raw producer built from exactly the bus's producer settings, so both sides
 * run with identical client settings (1 KiB values, {@code acks=all}, idempotence, lz4, 5 ms linger).
 */
final class KafkaBenchSupport {
    /** System property naming the broker to use. */
    static final String BOOTSTRAP_PROPERTY = "scaleplane.bench.kafka.bootstrap";
    /** Payload size of every benchmark record. */
    static final int VALUE_SIZE = 1024;
    /** Partitions of every benchmark topic. */
    static final int PARTITIONS = 6;
    /** Keys rotate over this many values. */
    static final int KEYS = 64;

    static final String[] KEY_NAMES = new String[KEYS];
    private static final URI SOURCE = URI.create("/bench");
    private static final String TYPE = "dev.scaleplane.bench.blob.v1";
    static final byte[][] KEY_BYTES = new byte[KEYS][];

    static {
        for (int i = 0; i < KEYS; i++) {
            KEY_NAMES[i] = "key-" + i;
            KEY_BYTES[i] = KEY_NAMES[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private KafkaBenchSupport() {}

    static String bootstrap() {
        String configured = System.getProperty(BOOTSTRAP_PROPERTY);
        return configured != null && !configured.isBlank()
                ? configured
                : KafkaBroker.shared().bootstrapServers();
    }

    static Map<String, String> busSettings(String bootstrap) {
        Map<String, String> settings = new HashMap<>();
        settings.put("scaleplane.events.provider", "kafka");
        settings.put(KafkaBusConfig.BOOTSTRAP_SERVERS, bootstrap);
        settings.put(KafkaBusConfig.PARTITIONS, String.valueOf(PARTITIONS));
        // The benchmark jar also holds the PostgreSQL store; these benchmarks need no store at all.
        settings.put("scaleplane.store.provider", "memory");
        settings.put("scaleplane.tasks.provider", "memory");
        return settings;
    }

    static Platform platform(String bootstrap) {
        return Scaleplane.builder()
                .eventTypes(EventTypeRegistry.platformDefaults())
                .config(ScaleplaneProperties.of(busSettings(bootstrap)))
                .build();
    }

    /** A raw producer with exactly the producer settings the bus uses. */
    static KafkaProducer<byte[], byte[]> rawProducer(String bootstrap) {
        KafkaBusConfig config = KafkaBusConfig.from(ScaleplaneProperties.of(busSettings(bootstrap)));
        Properties props = new Properties();
        props.putAll(config.producerProperties("raw-producer"));
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static void createTopic(String bootstrap, String topic) throws Exception {
        createTopics(bootstrap, new NewTopic(topic, PARTITIONS, (short) 1));
    }

    /**
     * Creates the topics and waits until every partition of each has a leader. Created by the controller is not yet
     * served by the broker: a first send before that waits for the metadata, and on a loaded machine (CI) it ran out
     * its 10 s delivery timeout with "the request has not been sent".
     */
    static void createTopics(String bootstrap, NewTopic... topics) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        List<String> names = java.util.Arrays.stream(topics).map(NewTopic::name).toList();
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(topics)).all().get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    Map<String, TopicDescription> described =
                            admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
                    if (java.util.Arrays.stream(topics).allMatch(t -> served(described.get(t.name()), t))) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + names + " have no leader for every partition");
                }
                Thread.sleep(50);
            }
        }
    }

    private static boolean served(TopicDescription d, NewTopic topic) {
        return d != null
                && d.partitions().size() == topic.numPartitions()
                && d.partitions().stream().allMatch(p -> p.leader() != null);
    }

    /** A 1 KiB value whose first 8 bytes are {@code stamp} (a {@link System#nanoTime()} for latency). */
    static byte[] value(long stamp) {
        byte[] value = new byte[VALUE_SIZE];
        ByteBuffer.wrap(value).putLong(stamp);
        return value;
    }

    private static final Header SPEC_VERSION = new RecordHeader("ce_specversion", bytes("1.0"));
    private static final Header SOURCE_HEADER = new RecordHeader("ce_source", bytes(SOURCE.toString()));
    private static final Header TYPE_HEADER = new RecordHeader("ce_type", bytes(TYPE));
    private static final Header CONTENT_TYPE = new RecordHeader("content-type", bytes("application/octet-stream"));

    /**
     * The CloudEvents binary-mode headers of the bus's benchmark event, as an application using kafka-clients would
     * write them by hand: constant attributes encoded once, a fresh id and time per record.
     */
    static List<Header> cloudEventHeaders(int key) {
        return List.of(
                SPEC_VERSION,
                new RecordHeader("ce_id", bytes(Event.newId())),
                SOURCE_HEADER,
                TYPE_HEADER,
                new RecordHeader("ce_subject", KEY_BYTES[key]),
                new RecordHeader("ce_time", bytes(java.time.Instant.now().toString())),
                CONTENT_TYPE);
    }

    /**
     * The raw client's record {@code i}: the same key as {@link #event(int, byte[])} and the bare value, or with the
     * CloudEvents headers when {@code cloudEvents}.
     */
    static ProducerRecord<byte[], byte[]> rawRecord(String topic, int i, byte[] value, boolean cloudEvents) {
        int k = i % KEYS;
        return cloudEvents
                ? new ProducerRecord<>(topic, null, KEY_BYTES[k], value, cloudEventHeaders(k))
                : new ProducerRecord<>(topic, KEY_BYTES[k], value);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static long stamp(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }

    /** A bus event of 1 KiB of opaque bytes, ordered by one of {@link #KEYS} keys. */
    static Event<byte[]> event(int i, byte[] value) {
        return Event.builder(TYPE, value)
                .source(SOURCE)
                .subject(KEY_NAMES[i % KEYS])
                .dataContentType("application/octet-stream")
                .build();
    }
}
