package dev.scaleplane.events.kafka.tasks;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import dev.scaleplane.events.kafka.internal.KafkaClientSettings;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Settings of the Kafka task queue, read from keys under {@value #PREFIX}.
 *
 * <table>
 *   <caption>Configuration</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code bootstrap-servers}</td><td>{@code scaleplane.events.kafka.bootstrap-servers}</td><td>{@code
 *       host:port[,host:port...]}; required if the bus's is not set</td></tr>
 *   <tr><td>{@code client-id}</td><td>{@code scaleplane-tasks}</td><td>prefix of the Kafka client ids</td></tr>
 *   <tr><td>{@code topic-prefix}</td><td>{@value #DEFAULT_TOPIC_PREFIX}</td><td>names the topics
 *       {@code <prefix>.tasks}, {@code <prefix>.state}, {@code <prefix>.dead} and the consumer group
 *       {@code <prefix>.workers}</td></tr>
 *   <tr><td>{@code partitions}</td><td>6</td><td>partitions of the tasks topic (the unit of work distribution
 *       between processes) when it is created</td></tr>
 *   <tr><td>{@code replication-factor}, {@code min-insync-replicas}</td><td>(broker default)</td><td>of created
 *       topics</td></tr>
 *   <tr><td>{@code capacity}, {@code dead-letter-capacity}</td><td>100000</td><td>see
 *       {@link TaskQueueOptions}</td></tr>
 *   <tr><td>{@code aging-interval}, {@code idempotency-window}, {@code retention}</td><td>10s, 1h, 1h</td><td>see
 *       {@link TaskQueueOptions}</td></tr>
 *   <tr><td>{@code send-timeout}</td><td>10s</td><td>how long a write waits for the broker's acknowledgement</td></tr>
 *   <tr><td>{@code commit-interval}</td><td>200ms</td><td>how often finished offsets are committed</td></tr>
 *   <tr><td>{@code session-timeout}, {@code heartbeat-interval}</td><td>10s, 1s</td><td>consumer group session;
 *       a process that stops heart-beating loses its partitions (and its leases) after the session timeout</td></tr>
 *   <tr><td>{@code start-timeout}</td><td>30s</td><td>how long creating the queue waits for its first partition
 *       assignment</td></tr>
 *   <tr><td>{@code security-protocol}, {@code sasl.mechanism}, {@code sasl.username}, {@code sasl.password},
 *       {@code ssl.*}</td><td>{@code PLAINTEXT}</td><td>as for the Kafka event bus; secrets are never printed</td></tr>
 *   <tr><td>{@code connect-timeout}</td><td>10s</td><td>how long creating the queue waits for a broker's first
 *       answer before it fails with a {@code BackendUnreachableException} naming the brokers and the
 *       bootstrap-servers key they came from (the queue cannot start without brokers)</td></tr>
 *   <tr><td>{@code producer.*}, {@code consumer.*}, {@code admin.*}</td><td></td><td>any other client setting,
 *       passed through unchecked; every client gets {@code reconnect.backoff.ms=1000} and
 *       {@code reconnect.backoff.max.ms=10000}, and the admin client {@code metadata.recovery.strategy=none},
 *       unless set here (as for the event bus)</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe. {@link #toString()} redacts every secret.
 */
public final class KafkaTaskQueueConfig {
    /** Prefix of every key of this backend. */
    public static final String PREFIX = "scaleplane.tasks.kafka.";
    /** Key of the bootstrap servers. */
    public static final String BOOTSTRAP_SERVERS = PREFIX + "bootstrap-servers";

    /** The event bus's brokers, used when {@value #BOOTSTRAP_SERVERS} is not set. */
    public static final String EVENTS_BOOTSTRAP_SERVERS = "scaleplane.events.kafka.bootstrap-servers";
    /** Key of the client id prefix. */
    public static final String CLIENT_ID = PREFIX + "client-id";
    /** Key of the topic prefix. */
    public static final String TOPIC_PREFIX = PREFIX + "topic-prefix";
    /** Key of the partitions of the tasks topic. */
    public static final String PARTITIONS = PREFIX + "partitions";
    /** Key of the replication factor. */
    public static final String REPLICATION_FACTOR = PREFIX + "replication-factor";
    /** Key of the minimum in-sync replicas. */
    public static final String MIN_INSYNC_REPLICAS = PREFIX + "min-insync-replicas";
    /** Key of the capacity. */
    public static final String CAPACITY = PREFIX + "capacity";
    /** Key of the dead-letter capacity. */
    public static final String DEAD_LETTER_CAPACITY = PREFIX + "dead-letter-capacity";
    /** Key of the aging interval. */
    public static final String AGING_INTERVAL = PREFIX + "aging-interval";
    /** Key of the idempotency window. */
    public static final String IDEMPOTENCY_WINDOW = PREFIX + "idempotency-window";
    /** Key of the retention of finished tasks. */
    public static final String RETENTION = PREFIX + "retention";
    /** Key of the send timeout. */
    public static final String SEND_TIMEOUT = PREFIX + "send-timeout";
    /** Key of the commit interval. */
    public static final String COMMIT_INTERVAL = PREFIX + "commit-interval";
    /** Key of the consumer session timeout. */
    public static final String SESSION_TIMEOUT = PREFIX + "session-timeout";
    /** Key of the consumer heartbeat interval. */
    public static final String HEARTBEAT_INTERVAL = PREFIX + "heartbeat-interval";
    /** Key of the start timeout. */
    public static final String START_TIMEOUT = PREFIX + "start-timeout";
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

    /** Default topic prefix. */
    public static final String DEFAULT_TOPIC_PREFIX = "scaleplane.tasks";

    private final String bootstrapServers;
    private final String bootstrapSetting;
    private final String clientId;
    private final String topicPrefix;
    private final int partitions;
    private final @Nullable Short replicationFactor;
    private final @Nullable Integer minInsyncReplicas;
    private final TaskQueueOptions options;
    private final Duration sendTimeout;
    private final Duration commitInterval;
    private final Duration sessionTimeout;
    private final Duration heartbeatInterval;
    private final Duration startTimeout;
    private final KafkaClientSettings client;

    private KafkaTaskQueueConfig(Values v, String topicPrefix) {
        bootstrapServers = v.bootstrapServers;
        bootstrapSetting = v.bootstrapSetting;
        clientId = v.clientId;
        this.topicPrefix = topicPrefix;
        partitions = v.partitions;
        replicationFactor = v.replicationFactor;
        minInsyncReplicas = v.minInsyncReplicas;
        options = Objects.requireNonNull(v.options);
        sendTimeout = v.sendTimeout;
        commitInterval = v.commitInterval;
        sessionTimeout = v.sessionTimeout;
        heartbeatInterval = v.heartbeatInterval;
        startTimeout = v.startTimeout;
        client = Objects.requireNonNull(v.client, "client settings");
    }

    /**
     * Reads and validates every setting.
     *
     * @throws ConfigurationException listing every invalid, missing or unknown key under {@value #PREFIX}, secret
     *     values redacted
     */
    public static KafkaTaskQueueConfig from(ConfigProperties properties) {
        return from(properties, TaskQueueOptions.defaults());
    }

    /**
     * Reads and validates every setting, on top of {@code base}: the options given to
     * {@code Scaleplane.builder().taskQueueOptions(...)} (per-type retry policies and key concurrency included); the
     * keys of this backend that are set override the base's values.
     *
     * @throws ConfigurationException listing every invalid, missing or unknown key under {@value #PREFIX}, secret
     *     values redacted
     */
    public static KafkaTaskQueueConfig from(ConfigProperties properties, TaskQueueOptions base) {
        Objects.requireNonNull(base, "base");
        ConfigReader reader = new ConfigReader(Objects.requireNonNull(properties, "properties"));
        Values v = new Values();
        // Configured once for both: the queue falls back to the event bus's brokers.
        Optional<String> servers = reader.optional(BOOTSTRAP_SERVERS)
                .or(() -> reader.optional(EVENTS_BOOTSTRAP_SERVERS))
                .map(String::trim);
        String expectServers = "host:port[,host:port...], e.g. 127.0.0.1:9092 (or set " + EVENTS_BOOTSTRAP_SERVERS
                + " for both the bus and the queue)";
        if (servers.isEmpty()) {
            reader.check(false, BOOTSTRAP_SERVERS, null, expectServers);
        } else {
            boolean ok = !servers.get().isEmpty();
            for (String server : servers.get().split(",")) {
                ok &= server.trim().matches("[^:\\s]+:\\d{1,5}");
            }
            reader.check(ok, BOOTSTRAP_SERVERS, servers.get(), expectServers);
            v.bootstrapServers = servers.get();
            v.bootstrapSetting =
                    reader.optional(BOOTSTRAP_SERVERS).isPresent() ? BOOTSTRAP_SERVERS : EVENTS_BOOTSTRAP_SERVERS;
        }
        v.clientId = reader.string(CLIENT_ID, "scaleplane-tasks").trim();
        reader.check(v.clientId.matches("[A-Za-z0-9._-]{1,100}"), CLIENT_ID, v.clientId, "1-100 of A-Z a-z 0-9 . _ -");
        String topicPrefix = reader.string(TOPIC_PREFIX, DEFAULT_TOPIC_PREFIX).trim();
        // The longest derived name is "<prefix>.workers"/".state"; Kafka topic names are at most 249 characters.
        reader.check(
                topicPrefix.matches("[A-Za-z0-9._-]{1,200}"), TOPIC_PREFIX, topicPrefix, "1-200 of A-Z a-z 0-9 . _ -");
        v.partitions = reader.integer(PARTITIONS, 6, 1, 10_000);
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
        TaskQueueOptions d = base;
        Duration min = Duration.ofMillis(1);
        Duration max = Duration.ofDays(365);
        int capacity = reader.integer(CAPACITY, d.capacity(), 1, Integer.MAX_VALUE);
        int deadLetterCapacity = reader.integer(DEAD_LETTER_CAPACITY, d.deadLetterCapacity(), 1, Integer.MAX_VALUE);
        Duration aging = reader.duration(AGING_INTERVAL, d.agingInterval(), min, max);
        Duration window = reader.duration(IDEMPOTENCY_WINDOW, d.idempotencyWindow(), min, max);
        Duration retention = reader.duration(RETENTION, d.retention(), min, max);
        v.sendTimeout =
                reader.duration(SEND_TIMEOUT, Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofHours(1));
        v.commitInterval =
                reader.duration(COMMIT_INTERVAL, Duration.ofMillis(200), Duration.ofMillis(1), Duration.ofMinutes(10));
        v.sessionTimeout =
                reader.duration(SESSION_TIMEOUT, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(30));
        v.heartbeatInterval = reader.duration(
                HEARTBEAT_INTERVAL, Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(10));
        reader.check(
                v.heartbeatInterval.compareTo(v.sessionTimeout) < 0,
                HEARTBEAT_INTERVAL,
                reader.properties().get(HEARTBEAT_INTERVAL).orElse(v.heartbeatInterval.toString()),
                "below " + SESSION_TIMEOUT + " (" + v.sessionTimeout + ")");
        v.startTimeout =
                reader.duration(START_TIMEOUT, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1));

        Set<String> known = new HashSet<>(Set.of(
                BOOTSTRAP_SERVERS,
                CLIENT_ID,
                TOPIC_PREFIX,
                PARTITIONS,
                REPLICATION_FACTOR,
                MIN_INSYNC_REPLICAS,
                CAPACITY,
                DEAD_LETTER_CAPACITY,
                AGING_INTERVAL,
                IDEMPOTENCY_WINDOW,
                RETENTION,
                SEND_TIMEOUT,
                COMMIT_INTERVAL,
                SESSION_TIMEOUT,
                HEARTBEAT_INTERVAL,
                START_TIMEOUT,
                PREFIX + "producer.*",
                PREFIX + "consumer.*",
                PREFIX + "admin.*"));
        v.client = KafkaClientSettings.read(reader, properties.keys(), PREFIX, known);
        reader.rejectUnknownKeys(PREFIX, known);
        reader.throwIfInvalid();
        v.options = d.toBuilder()
                .capacity(capacity)
                .deadLetterCapacity(deadLetterCapacity)
                .agingInterval(aging)
                .idempotencyWindow(window)
                .retention(retention)
                .build();
        return new KafkaTaskQueueConfig(v, topicPrefix);
    }

    /** A copy with another topic prefix (tests use one per queue). */
    public KafkaTaskQueueConfig withTopicPrefix(String prefix) {
        Values v = values();
        return new KafkaTaskQueueConfig(v, Objects.requireNonNull(prefix, "prefix"));
    }

    private Values values() {
        Values v = new Values();
        v.bootstrapServers = bootstrapServers;
        v.bootstrapSetting = bootstrapSetting;
        v.clientId = clientId;
        v.partitions = partitions;
        v.replicationFactor = replicationFactor;
        v.minInsyncReplicas = minInsyncReplicas;
        v.options = options;
        v.sendTimeout = sendTimeout;
        v.commitInterval = commitInterval;
        v.sessionTimeout = sessionTimeout;
        v.heartbeatInterval = heartbeatInterval;
        v.startTimeout = startTimeout;
        v.client = client;
        return v;
    }

    /** The queue options: the base given to {@link #from(ConfigProperties, TaskQueueOptions)} with the keys applied. */
    public TaskQueueOptions options() {
        return options;
    }

    /** The topic prefix. */
    public String topicPrefix() {
        return topicPrefix;
    }

    /** The tasks topic. */
    public String tasksTopic() {
        return topicPrefix + ".tasks";
    }

    /** The compacted state topic. */
    public String stateTopic() {
        return topicPrefix + ".state";
    }

    /** The compacted dead-letter topic. */
    public String deadTopic() {
        return topicPrefix + ".dead";
    }

    /** The consumer group of the workers. */
    public String group() {
        return topicPrefix + ".workers";
    }

    /** Partitions of the tasks topic when it is created. */
    public int partitions() {
        return partitions;
    }

    /** Replication factor of created topics; empty for the broker's default. */
    public Optional<Short> replicationFactor() {
        return Optional.ofNullable(replicationFactor);
    }

    /** {@code min.insync.replicas} of created topics; empty for the broker's default. */
    public Optional<Integer> minInsyncReplicas() {
        return Optional.ofNullable(minInsyncReplicas);
    }

    /** How long a write waits for its acknowledgement. */
    public Duration sendTimeout() {
        return sendTimeout;
    }

    /** How often finished offsets are committed. */
    public Duration commitInterval() {
        return commitInterval;
    }

    /** How long creating the queue waits for its first assignment. */
    public Duration startTimeout() {
        return startTimeout;
    }

    /** {@code connect-timeout}: how long creating the queue waits for a broker's first answer. */
    public Duration connectTimeout() {
        return client.connectTimeout();
    }

    /** The key the bootstrap servers were read from: this queue's own, or the event bus's. */
    public String bootstrapSetting() {
        return bootstrapSetting;
    }

    private Map<String, Object> common(String role) {
        return client.clientProperties(bootstrapServers, clientId + "-" + role);
    }

    /** Producer settings: idempotent, {@code acks=all}, no linger, then {@code producer.*}. */
    public Map<String, Object> producerProperties(String role) {
        Map<String, Object> props = common(role);
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        // Every write is awaited before the call returns, so a linger would add its time to every call. Batching
        // happens anyway: records sent while requests are in flight go out together in the next one (group commit).
        props.put("linger.ms", "0");
        props.put("max.block.ms", String.valueOf(sendTimeout.toMillis()));
        props.put("delivery.timeout.ms", String.valueOf(Math.max(sendTimeout.toMillis(), 1000)));
        props.put("request.timeout.ms", String.valueOf(Math.max(sendTimeout.toMillis() - 1, 500)));
        props.putAll(client.producer());
        return props;
    }

    /** Consumer settings; a member of the workers' group when {@code group} is true, then {@code consumer.*}. */
    public Map<String, Object> consumerProperties(String role, boolean group) {
        Map<String, Object> props = common(role);
        if (group) {
            props.put("group.id", group());
            props.put("session.timeout.ms", String.valueOf(sessionTimeout.toMillis()));
            props.put("heartbeat.interval.ms", String.valueOf(heartbeatInterval.toMillis()));
            // Incremental rebalancing: a member joining or leaving revokes only the partitions that move, so only
            // their leases are lost (the eager default would end every lease of every member).
            props.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        }
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_uncommitted");
        props.putAll(client.consumer());
        return props;
    }

    /** Admin client settings, then {@code admin.*}. */
    public Map<String, Object> adminProperties() {
        Map<String, Object> props = common("admin");
        props.putAll(client.admin());
        return props;
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new TreeMap<>();
        shown.put("bootstrapServers", bootstrapServers);
        shown.put("clientId", clientId);
        shown.put("topicPrefix", topicPrefix);
        shown.put("partitions", partitions);
        shown.put("replicationFactor", replicationFactor);
        shown.put("minInsyncReplicas", minInsyncReplicas);
        shown.put("options", options);
        client.describeInto(shown);
        return "KafkaTaskQueueConfig" + shown;
    }

    private static final class Values {
        String bootstrapServers = "";
        String bootstrapSetting = BOOTSTRAP_SERVERS;
        String clientId = "";
        int partitions;

        @Nullable
        Short replicationFactor;

        @Nullable
        Integer minInsyncReplicas;

        @Nullable
        TaskQueueOptions options;

        Duration sendTimeout = Duration.ZERO;
        Duration commitInterval = Duration.ZERO;
        Duration sessionTimeout = Duration.ZERO;
        Duration heartbeatInterval = Duration.ZERO;
        Duration startTimeout = Duration.ZERO;

        @Nullable
        KafkaClientSettings client;
    }
}
