package dev.scaleplane.events.kafka;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import dev.scaleplane.events.kafka.internal.KafkaClientSettings;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Settings of the Kafka event bus, read from keys under {@value #PREFIX} (plus the bus-wide
 * {@code scaleplane.events.publish-timeout} and {@code scaleplane.events.drain-timeout}).
 *
 * <table>
 *   <caption>Configuration</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code bootstrap-servers}</td><td>(required)</td><td>{@code host:port[,host:port...]}</td></tr>
 *   <tr><td>{@code client-id}</td><td>{@value #DEFAULT_CLIENT_ID}</td><td>prefix of the Kafka client ids</td></tr>
 *   <tr><td>{@code wire-format}</td><td>{@code binary}</td><td>CloudEvents Kafka binding content mode:
 *       {@code binary} (attributes as {@code ce_} headers) or {@code structured} (JSON event format value); both
 *       are read whatever is written</td></tr>
 *   <tr><td>{@code partitions}</td><td>{@value #DEFAULT_PARTITIONS}</td><td>partitions of a topic the bus creates
 *       when {@code topic-partitions} does not name it</td></tr>
 *   <tr><td>{@code topic-partitions}</td><td>{@code events=6,commands=3,notifications=3}</td><td>partitions per
 *       topic name</td></tr>
 *   <tr><td>{@code replication-factor}</td><td>(broker default)</td><td>replication of created topics</td></tr>
 *   <tr><td>{@code min-insync-replicas}</td><td>(broker default)</td><td>{@code min.insync.replicas} of created
 *       topics</td></tr>
 *   <tr><td>{@code compression}</td><td>{@code lz4}</td><td>{@code none}, {@code gzip}, {@code snappy},
 *       {@code lz4} or {@code zstd}</td></tr>
 *   <tr><td>{@code linger}</td><td>5ms</td><td>how long the producer waits to fill a batch</td></tr>
 *   <tr><td>{@code batch-size}</td><td>65536</td><td>producer batch size in bytes</td></tr>
 *   <tr><td>{@code max-in-flight}</td><td>{@value #DEFAULT_MAX_IN_FLIGHT}</td><td>publishes waiting for the
 *       broker's acknowledgement; a publish beyond it waits up to the publish timeout, then fails with
 *       {@code PublishTimeoutException}</td></tr>
 *   <tr><td>{@code max-pending}</td><td>{@value #DEFAULT_MAX_PENDING}</td><td>records a subscription holds
 *       fetched but not finished before it pauses fetching</td></tr>
 *   <tr><td>{@code retry-topics}</td><td>{@value #DEFAULT_RETRY_TOPICS}</td><td>retry topics per group
 *       ({@code <topic>.<group>.retry-<n>}); retry {@code n} goes to topic {@code min(n, retry-topics)}</td></tr>
 *   <tr><td>{@code commit-interval}</td><td>200ms</td><td>how often finished offsets are committed</td></tr>
 *   <tr><td>{@code dead-letter-ledger-topic}</td><td>{@value #DEFAULT_LEDGER_TOPIC}</td><td>compacted topic
 *       recording discarded and redriven dead letters</td></tr>
 *   <tr><td>{@code security-protocol}</td><td>{@code PLAINTEXT}</td><td>{@code PLAINTEXT}, {@code SSL},
 *       {@code SASL_PLAINTEXT} or {@code SASL_SSL}</td></tr>
 *   <tr><td>{@code sasl.mechanism}</td><td>{@code PLAIN}</td><td>{@code PLAIN}, {@code SCRAM-SHA-256} or
 *       {@code SCRAM-SHA-512}</td></tr>
 *   <tr><td>{@code sasl.username}, {@code sasl.password}</td><td></td><td>SASL credentials; required with a
 *       SASL protocol; the password is never printed</td></tr>
 *   <tr><td>{@code ssl.truststore.location}, {@code ssl.truststore.password}, {@code ssl.truststore.type},
 *       {@code ssl.keystore.location}, {@code ssl.keystore.password}, {@code ssl.keystore.type},
 *       {@code ssl.key.password}</td><td></td><td>TLS stores, passed to the clients; passwords are never
 *       printed</td></tr>
 *   <tr><td>{@code fail-fast}</td><td>{@code false}</td><td>{@code true}: building the platform fails with a
 *       {@code BackendUnreachableException} when no broker answers within {@code connect-timeout}; {@code false}:
 *       one WARN names the brokers and this setting, and operations that need a broker fail with that
 *       exception as their cause</td></tr>
 *   <tr><td>{@code connect-timeout}</td><td>10s</td><td>how long the start-up check waits for a broker</td></tr>
 *   <tr><td>{@code producer.*}, {@code consumer.*}, {@code admin.*}</td><td></td><td>any other client setting,
 *       passed through unchecked (e.g. {@code producer.buffer.memory}); every client gets
 *       {@code reconnect.backoff.ms=1000} and {@code reconnect.backoff.max.ms=10000}, and the admin client
 *       {@code metadata.recovery.strategy=none}, unless set here, so that unreachable brokers cost a few log lines,
 *       not thousands</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe. {@link #toString()} redacts every secret.
 */
public final class KafkaBusConfig {
    /** Prefix of every key of this backend. */
    public static final String PREFIX = "scaleplane.events.kafka.";
    /** Key of the bootstrap servers. */
    public static final String BOOTSTRAP_SERVERS = PREFIX + "bootstrap-servers";
    /** Key of the client id prefix. */
    public static final String CLIENT_ID = PREFIX + "client-id";
    /** Key of the wire format. */
    public static final String WIRE_FORMAT = PREFIX + "wire-format";
    /** Key of the default partition count. */
    public static final String PARTITIONS = PREFIX + "partitions";
    /** Key of the partitions per topic name. */
    public static final String TOPIC_PARTITIONS = PREFIX + "topic-partitions";
    /** Key of the replication factor. */
    public static final String REPLICATION_FACTOR = PREFIX + "replication-factor";
    /** Key of the minimum in-sync replicas. */
    public static final String MIN_INSYNC_REPLICAS = PREFIX + "min-insync-replicas";
    /** Key of the compression type. */
    public static final String COMPRESSION = PREFIX + "compression";
    /** Key of the producer linger. */
    public static final String LINGER = PREFIX + "linger";
    /** Key of the producer batch size. */
    public static final String BATCH_SIZE = PREFIX + "batch-size";
    /** Key of the publish in-flight bound. */
    public static final String MAX_IN_FLIGHT = PREFIX + "max-in-flight";
    /** Key of the per-subscription pending bound. */
    public static final String MAX_PENDING = PREFIX + "max-pending";
    /** Key of the number of retry topics. */
    public static final String RETRY_TOPICS = PREFIX + "retry-topics";
    /** Key of the commit interval. */
    public static final String COMMIT_INTERVAL = PREFIX + "commit-interval";
    /** Key of the dead-letter ledger topic. */
    public static final String LEDGER_TOPIC = PREFIX + "dead-letter-ledger-topic";
    /** Key of the security protocol. */
    public static final String SECURITY_PROTOCOL = PREFIX + "security-protocol";
    /** Key of the SASL mechanism. */
    public static final String SASL_MECHANISM = PREFIX + "sasl.mechanism";
    /** Key of the SASL user name. */
    public static final String SASL_USERNAME = PREFIX + "sasl.username";
    /** Key of the SASL password. */
    public static final String SASL_PASSWORD = PREFIX + "sasl.password";
    /** TLS keys passed to the clients as they are (without the prefix). */
    public static final List<String> SSL_KEYS = KafkaClientSettings.SSL_KEYS;
    /** Key of the bus-wide publish timeout. */
    public static final String PUBLISH_TIMEOUT = "scaleplane.events.publish-timeout";
    /** Key of the fail-fast switch: building fails when no broker answers. */
    public static final String FAIL_FAST = PREFIX + "fail-fast";
    /** Key of the connect timeout of the start-up check. */
    public static final String CONNECT_TIMEOUT = PREFIX + "connect-timeout";
    /** Key of the bus-wide drain timeout. */
    public static final String DRAIN_TIMEOUT = "scaleplane.events.drain-timeout";

    /** Default client id prefix. */
    public static final String DEFAULT_CLIENT_ID = "scaleplane";
    /** Default partitions of a topic not named in {@code topic-partitions}. */
    public static final int DEFAULT_PARTITIONS = 6;
    /** Default publish in-flight bound. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;
    /** Default per-subscription pending bound. */
    public static final int DEFAULT_MAX_PENDING = 10_000;
    /** Default number of retry topics per group. */
    public static final int DEFAULT_RETRY_TOPICS = 3;
    /** Default ledger topic. */
    public static final String DEFAULT_LEDGER_TOPIC = "scaleplane.dead-letters.ledger";

    private static final String DEFAULT_TOPIC_PARTITIONS = "events=6,commands=3,notifications=3";
    private static final List<String> COMPRESSIONS = List.of("none", "gzip", "snappy", "lz4", "zstd");
    private static final String TOPIC_NAME = "[A-Za-z0-9._-]{1,249}";

    /** Wire format of published events. */
    public enum WireFormat {
        /** CloudEvents Kafka binding, binary content mode: {@code ce_} headers, data as the value. */
        BINARY,
        /** CloudEvents Kafka binding, structured content mode: the JSON event format as the value. */
        STRUCTURED
    }

    private final String bootstrapServers;
    private final String clientId;
    private final WireFormat wireFormat;
    private final int partitions;
    private final Map<String, Integer> topicPartitions;
    private final @Nullable Short replicationFactor;
    private final @Nullable Integer minInsyncReplicas;
    private final String compression;
    private final Duration linger;
    private final int batchSize;
    private final int maxInFlight;
    private final int maxPending;
    private final int retryTopics;
    private final Duration commitInterval;
    private final String ledgerTopic;
    private final Duration publishTimeout;
    private final Duration drainTimeout;
    private final boolean failFast;
    private final KafkaClientSettings client;

    private KafkaBusConfig(Values v) {
        bootstrapServers = v.bootstrapServers;
        clientId = v.clientId;
        wireFormat = v.wireFormat;
        partitions = v.partitions;
        topicPartitions = Collections.unmodifiableMap(new LinkedHashMap<>(v.topicPartitions));
        replicationFactor = v.replicationFactor;
        minInsyncReplicas = v.minInsyncReplicas;
        compression = v.compression;
        linger = v.linger;
        batchSize = v.batchSize;
        maxInFlight = v.maxInFlight;
        maxPending = v.maxPending;
        retryTopics = v.retryTopics;
        commitInterval = v.commitInterval;
        ledgerTopic = v.ledgerTopic;
        publishTimeout = v.publishTimeout;
        drainTimeout = v.drainTimeout;
        failFast = v.failFast;
        client = Objects.requireNonNull(v.client, "client settings");
    }

    /**
     * Reads and validates every setting.
     *
     * @throws ConfigurationException listing every invalid, missing or unknown key under {@value #PREFIX}, secret
     *     values redacted
     */
    public static KafkaBusConfig from(ConfigProperties properties) {
        ConfigReader reader = new ConfigReader(Objects.requireNonNull(properties, "properties"));
        Values v = new Values();
        Optional<String> servers = reader.optional(BOOTSTRAP_SERVERS).map(String::trim);
        if (servers.isEmpty()) {
            reader.check(false, BOOTSTRAP_SERVERS, null, "host:port[,host:port...], e.g. 127.0.0.1:9092");
        } else {
            boolean ok = !servers.get().isEmpty();
            for (String server : servers.get().split(",")) {
                ok &= server.trim().matches("[^:\\s]+:\\d{1,5}");
            }
            reader.check(ok, BOOTSTRAP_SERVERS, servers.get(), "host:port[,host:port...], e.g. 127.0.0.1:9092");
            v.bootstrapServers = servers.get();
        }
        v.clientId = reader.string(CLIENT_ID, DEFAULT_CLIENT_ID).trim();
        reader.check(v.clientId.matches("[A-Za-z0-9._-]{1,100}"), CLIENT_ID, v.clientId, "1-100 of A-Z a-z 0-9 . _ -");
        v.wireFormat = reader.enumValue(WIRE_FORMAT, WireFormat.class, WireFormat.BINARY);
        v.partitions = reader.integer(PARTITIONS, DEFAULT_PARTITIONS, 1, 10_000);
        String topicPartitions =
                reader.string(TOPIC_PARTITIONS, DEFAULT_TOPIC_PARTITIONS).trim();
        for (String entry : topicPartitions.isEmpty() ? new String[0] : topicPartitions.split(",")) {
            String[] kv = entry.trim().split("=", 2);
            boolean ok = kv.length == 2
                    && kv[0].trim().matches(TOPIC_NAME)
                    && kv[1].trim().matches("\\d{1,5}");
            if (ok && Integer.parseInt(kv[1].trim()) >= 1) {
                v.topicPartitions.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
            } else {
                reader.check(false, TOPIC_PARTITIONS, topicPartitions, "topic=partitions[,topic=partitions...]");
                break;
            }
        }
        if (reader.optional(REPLICATION_FACTOR).isPresent()) {
            v.replicationFactor = (short) reader.integer(REPLICATION_FACTOR, 1, 1, Short.MAX_VALUE);
        }
        if (reader.optional(MIN_INSYNC_REPLICAS).isPresent()) {
            v.minInsyncReplicas = reader.integer(MIN_INSYNC_REPLICAS, 1, 1, Short.MAX_VALUE);
        }
        if (v.replicationFactor != null && v.minInsyncReplicas != null) {
            reader.check(
                    v.minInsyncReplicas <= v.replicationFactor,
                    MIN_INSYNC_REPLICAS,
                    String.valueOf(v.minInsyncReplicas),
                    "at most replication-factor (" + v.replicationFactor + ")");
        }
        v.compression = reader.string(COMPRESSION, "lz4").trim().toLowerCase(Locale.ROOT);
        reader.check(COMPRESSIONS.contains(v.compression), COMPRESSION, v.compression, "one of " + COMPRESSIONS);
        v.linger = reader.duration(LINGER, Duration.ofMillis(5), Duration.ZERO, Duration.ofSeconds(10));
        v.batchSize = reader.integer(BATCH_SIZE, 65_536, 0, 64 * 1024 * 1024);
        v.maxInFlight = reader.integer(MAX_IN_FLIGHT, DEFAULT_MAX_IN_FLIGHT, 1, 10_000_000);
        v.maxPending = reader.integer(MAX_PENDING, DEFAULT_MAX_PENDING, 1, 10_000_000);
        v.retryTopics = reader.integer(RETRY_TOPICS, DEFAULT_RETRY_TOPICS, 1, 20);
        v.commitInterval =
                reader.duration(COMMIT_INTERVAL, Duration.ofMillis(200), Duration.ofMillis(1), Duration.ofMinutes(10));
        v.ledgerTopic = reader.string(LEDGER_TOPIC, DEFAULT_LEDGER_TOPIC).trim();
        reader.check(v.ledgerTopic.matches(TOPIC_NAME), LEDGER_TOPIC, v.ledgerTopic, "a Kafka topic name");
        v.publishTimeout = reader.duration(PUBLISH_TIMEOUT, Duration.ofSeconds(5), Duration.ZERO, Duration.ofHours(1));
        v.drainTimeout = reader.duration(DRAIN_TIMEOUT, Duration.ofSeconds(30), Duration.ZERO, Duration.ofHours(1));
        v.failFast = reader.bool(FAIL_FAST, false);

        Set<String> known = new java.util.HashSet<>(Set.of(
                BOOTSTRAP_SERVERS,
                CLIENT_ID,
                WIRE_FORMAT,
                PARTITIONS,
                TOPIC_PARTITIONS,
                REPLICATION_FACTOR,
                MIN_INSYNC_REPLICAS,
                COMPRESSION,
                LINGER,
                BATCH_SIZE,
                MAX_IN_FLIGHT,
                MAX_PENDING,
                RETRY_TOPICS,
                COMMIT_INTERVAL,
                LEDGER_TOPIC,
                FAIL_FAST,
                PREFIX + "producer.*",
                PREFIX + "consumer.*",
                PREFIX + "admin.*"));
        v.client = KafkaClientSettings.read(reader, properties.keys(), PREFIX, known);
        reader.rejectUnknownKeys(PREFIX, known);
        reader.throwIfInvalid();
        return new KafkaBusConfig(v);
    }

    /** {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Prefix of the client ids. */
    public String clientId() {
        return clientId;
    }

    /** How events are written. */
    public WireFormat wireFormat() {
        return wireFormat;
    }

    /** Partitions of a topic the bus creates: {@code topic-partitions} for the name, else {@code partitions}. */
    public int partitionsFor(String topic) {
        return topicPartitions.getOrDefault(topic, partitions);
    }

    /** Replication factor of created topics; empty for the broker's default. */
    public Optional<Short> replicationFactor() {
        return Optional.ofNullable(replicationFactor);
    }

    /** {@code min.insync.replicas} of created topics; empty for the broker's default. */
    public Optional<Integer> minInsyncReplicas() {
        return Optional.ofNullable(minInsyncReplicas);
    }

    /** Publishes waiting for acknowledgement before publish waits. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Records a subscription holds unfinished before it pauses fetching. */
    public int maxPending() {
        return maxPending;
    }

    /** Retry topics per group. */
    public int retryTopics() {
        return retryTopics;
    }

    /** How often finished offsets are committed. */
    public Duration commitInterval() {
        return commitInterval;
    }

    /** The topic recording discarded and redriven dead letters. */
    public String ledgerTopic() {
        return ledgerTopic;
    }

    /** How long publish waits for room. */
    public Duration publishTimeout() {
        return publishTimeout;
    }

    /** How long close waits for in-flight work. */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    /** {@code fail-fast}: whether building fails when no broker answers within {@link #connectTimeout()}. */
    public boolean failFast() {
        return failFast;
    }

    /** {@code connect-timeout}: how long the start-up check waits for a broker. */
    public Duration connectTimeout() {
        return client.connectTimeout();
    }

    /** Settings shared by every client: bootstrap servers, client id and security. */
    public Map<String, Object> commonClientProperties(String role) {
        return client.clientProperties(bootstrapServers, clientId + "-" + role);
    }

    /** Producer settings: idempotent, {@code acks=all}, compression and batching, then {@code producer.*}. */
    public Map<String, Object> producerProperties(String role) {
        Map<String, Object> props = commonClientProperties(role);
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        props.put("compression.type", compression);
        props.put("linger.ms", String.valueOf(linger.toMillis()));
        props.put("batch.size", String.valueOf(batchSize));
        // A publish that cannot even be buffered (no metadata, full buffer) fails within the publish timeout.
        props.put("max.block.ms", String.valueOf(Math.max(1, publishTimeout.toMillis())));
        props.putAll(client.producer());
        return props;
    }

    /** Consumer settings for a group member, then {@code consumer.*}. */
    public Map<String, Object> consumerProperties(String role, @Nullable String group, String offsetReset) {
        Map<String, Object> props = commonClientProperties(role);
        if (group != null) {
            props.put("group.id", group);
        }
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", offsetReset);
        props.put("isolation.level", "read_uncommitted");
        props.putAll(client.consumer());
        return props;
    }

    /** Admin client settings, then {@code admin.*}. */
    public Map<String, Object> adminProperties() {
        Map<String, Object> props = commonClientProperties("admin");
        props.putAll(client.admin());
        return props;
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new TreeMap<>();
        shown.put("bootstrapServers", bootstrapServers);
        shown.put("clientId", clientId);
        shown.put("wireFormat", wireFormat);
        shown.put("partitions", partitions);
        shown.put("topicPartitions", topicPartitions);
        shown.put("replicationFactor", replicationFactor);
        shown.put("minInsyncReplicas", minInsyncReplicas);
        shown.put("compression", compression);
        shown.put("maxInFlight", maxInFlight);
        shown.put("retryTopics", retryTopics);
        shown.put("failFast", failFast);
        client.describeInto(shown);
        return "KafkaBusConfig" + shown;
    }

    private static final class Values {
        String bootstrapServers = "";
        String clientId = DEFAULT_CLIENT_ID;
        WireFormat wireFormat = WireFormat.BINARY;
        int partitions;
        final Map<String, Integer> topicPartitions = new LinkedHashMap<>();

        @Nullable
        Short replicationFactor;

        @Nullable
        Integer minInsyncReplicas;

        String compression = "lz4";
        Duration linger = Duration.ZERO;
        int batchSize;
        int maxInFlight;
        int maxPending;
        int retryTopics;
        Duration commitInterval = Duration.ZERO;
        String ledgerTopic = DEFAULT_LEDGER_TOPIC;
        Duration publishTimeout = Duration.ZERO;
        Duration drainTimeout = Duration.ZERO;
        boolean failFast;

        @Nullable
        KafkaClientSettings client;
    }
}
