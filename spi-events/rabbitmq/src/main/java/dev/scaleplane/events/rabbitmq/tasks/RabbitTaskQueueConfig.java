package dev.scaleplane.events.rabbitmq.tasks;

import com.rabbitmq.client.ConnectionFactory;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import dev.scaleplane.events.rabbitmq.internal.RabbitClientSettings;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Settings of the RabbitMQ task queue, read from keys under {@value #PREFIX}. The connection keys ({@code uri} to
 * {@code connection-timeout}) are the same, with the same rules, as the event bus's under
 * {@code scaleplane.events.rabbitmq.} ({@code RabbitBusConfig}); only the default host differs.
 *
 * <table>
 *   <caption>Configuration</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code uri}</td><td>(none)</td><td>{@code amqp://user:pass@host:port/vhost} or {@code amqps://...};
 *       when set, {@code host}, {@code port}, {@code virtual-host} and {@code username} must not be; the
 *       {@code password} key, if set, wins over a password in the URI</td></tr>
 *   <tr><td>{@code host}</td><td>127.0.0.1</td><td>broker host</td></tr>
 *   <tr><td>{@code port}</td><td>5672 (5671 with TLS)</td><td>broker port</td></tr>
 *   <tr><td>{@code virtual-host}</td><td>/</td><td>virtual host</td></tr>
 *   <tr><td>{@code username}</td><td>guest</td><td>user</td></tr>
 *   <tr><td>{@code password}</td><td>guest</td><td>password; never printed</td></tr>
 *   <tr><td>{@code tls}</td><td>false</td><td>TLS with host name verification, trusting the JVM's trust store
 *       unless a trust store is given (implied by {@code amqps://})</td></tr>
 *   <tr><td>{@code tls-trust-store}</td><td>(none)</td><td>path of a PKCS12 or JKS trust store; only with
 *       TLS</td></tr>
 *   <tr><td>{@code tls-trust-store-password}</td><td>(none)</td><td>its password; never printed</td></tr>
 *   <tr><td>{@code connection-timeout}</td><td>10s</td><td>TCP connect and AMQP handshake timeout (100ms to
 *       1h)</td></tr>
 *   <tr><td>{@code confirm-timeout}</td><td>10s</td><td>how long a publish waits for the broker's confirm before
 *       the operation fails</td></tr>
 *   <tr><td>{@code queue}</td><td>{@value #DEFAULT_QUEUE}</td><td>base name of the queues (1-200 letters, digits,
 *       {@code . _ -}); every process sharing this name shares the task queue</td></tr>
 *   <tr><td>{@code queue-type}</td><td>quorum</td><td>{@code quorum} (replicated) or {@code classic}</td></tr>
 *   <tr><td>{@code capacity}</td><td>100000</td><td>unfinished tasks before submit fails (the ledger queue's
 *       {@code x-max-length})</td></tr>
 *   <tr><td>{@code dead-letter-capacity}</td><td>100000</td><td>dead letters kept; beyond it the oldest are
 *       dropped by the broker</td></tr>
 *   <tr><td>{@code aging-interval}</td><td>10s</td><td>wait per priority level gained</td></tr>
 *   <tr><td>{@code idempotency-window}</td><td>1h</td><td>how long an idempotency key returns the same task (in
 *       this process)</td></tr>
 *   <tr><td>{@code retention}</td><td>1h</td><td>how long finished tasks can be looked up (in this
 *       process)</td></tr>
 *   <tr><td>{@code priority-bands}</td><td>5</td><td>work queues the five priorities are spread over: 5 keeps
 *       every priority exact; fewer queues make the priorities sharing a band first-in first-out among
 *       themselves</td></tr>
 *   <tr><td>{@code prefetch}</td><td>16</td><td>messages a lease call fetches at most per priority band to pick
 *       the next task by the aging rule, the key mutex and the type filter; those not leased go back at the end of
 *       the call</td></tr>
 *   <tr><td>{@code consumer-timeout}</td><td>30m</td><td>the broker's {@code consumer_timeout}: a lease can be
 *       extended by heartbeats to at most this long after it was granted, less a safety margin</td></tr>
 *   <tr><td>{@code hold-limit}</td><td>5m</td><td>a task ready within this long waits held (unacknowledged) with a
 *       timer on the task clock, and goes back to the broker if still held after this long (real time); must be
 *       below {@code consumer-timeout}</td></tr>
 *   <tr><td>{@code idle-poll-interval}</td><td>100ms</td><td>a queue found empty is not polled again for this
 *       long unless this process published to it: how late a lease call sees tasks another process
 *       submitted</td></tr>
 *   <tr><td>{@code delay-buckets}</td><td>1m,10m,1h,6h</td><td>TTL of the wait queues that carry delays longer
 *       than {@code hold-limit}; the smallest must not exceed {@code hold-limit}</td></tr>
 * </table>
 *
 * <p>The passwords, and a password in the URI, are redacted in {@link #toString()} and in configuration problems.
 *
 * <p>Immutable and thread-safe.
 */
public final class RabbitTaskQueueConfig {
    /** Prefix of every key of this backend. */
    public static final String PREFIX = "scaleplane.tasks.rabbitmq.";
    /** Key of the connection URI. */
    public static final String URI_KEY = PREFIX + "uri";
    /** Key of the host. */
    public static final String HOST = PREFIX + "host";
    /** Key of the port. */
    public static final String PORT = PREFIX + "port";
    /** Key of the virtual host. */
    public static final String VIRTUAL_HOST = PREFIX + "virtual-host";
    /** Key of the user name. */
    public static final String USERNAME = PREFIX + "username";
    /** Key of the password. */
    public static final String PASSWORD = PREFIX + "password";
    /** Key of the TLS switch. */
    public static final String TLS = PREFIX + "tls";
    /** Key of the TLS trust store path. */
    public static final String TLS_TRUST_STORE = PREFIX + "tls-trust-store";
    /** Key of the TLS trust store password. */
    public static final String TLS_TRUST_STORE_PASSWORD = PREFIX + "tls-trust-store-password";
    /** Key of the connection timeout. */
    public static final String CONNECTION_TIMEOUT = PREFIX + "connection-timeout";
    /** Key of the confirm timeout. */
    public static final String CONFIRM_TIMEOUT = PREFIX + "confirm-timeout";
    /** Key of the queue base name. */
    public static final String QUEUE = PREFIX + "queue";
    /** Key of the queue type. */
    public static final String QUEUE_TYPE = PREFIX + "queue-type";
    /** Key of the capacity. */
    public static final String CAPACITY = PREFIX + "capacity";
    /** Key of the dead-letter capacity. */
    public static final String DEAD_LETTER_CAPACITY = PREFIX + "dead-letter-capacity";
    /** Key of the aging interval. */
    public static final String AGING_INTERVAL = PREFIX + "aging-interval";
    /** Key of the idempotency window. */
    public static final String IDEMPOTENCY_WINDOW = PREFIX + "idempotency-window";
    /** Key of the retention. */
    public static final String RETENTION = PREFIX + "retention";
    /** Key of the prefetch per band. */
    public static final String PREFETCH = PREFIX + "prefetch";
    /** Key of the broker's consumer timeout. */
    public static final String CONSUMER_TIMEOUT = PREFIX + "consumer-timeout";
    /** Key of the hold limit. */
    public static final String HOLD_LIMIT = PREFIX + "hold-limit";
    /** Key of the number of priority bands. */
    public static final String PRIORITY_BANDS = PREFIX + "priority-bands";
    /** Key of the idle poll interval. */
    public static final String IDLE_POLL_INTERVAL = PREFIX + "idle-poll-interval";
    /** Key of the delay buckets. */
    public static final String DELAY_BUCKETS = PREFIX + "delay-buckets";

    /** Default queue base name. */
    public static final String DEFAULT_QUEUE = "scaleplane.tasks";
    /** Default host. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");
    private static final Duration MAX_TTL = Duration.ofDays(24); // x-message-ttl is a 32-bit millisecond count

    /** How queues are replicated. */
    public enum QueueType {
        /** Raft-replicated quorum queues, durable; the default. */
        QUORUM,
        /** Classic queues, durable, single node. */
        CLASSIC
    }

    private final RabbitClientSettings client;
    private final Duration confirmTimeout;
    private final String queue;
    private final QueueType queueType;
    private final TaskQueueOptions options;
    private final int prefetch;
    private final Duration consumerTimeout;
    private final Duration holdLimit;
    private final List<Duration> delayBuckets;
    private final Duration idlePollInterval;
    private final int priorityBands;

    private RabbitTaskQueueConfig(
            RabbitClientSettings client,
            Duration confirmTimeout,
            String queue,
            QueueType queueType,
            TaskQueueOptions options,
            int prefetch,
            Duration consumerTimeout,
            Duration holdLimit,
            List<Duration> delayBuckets,
            Duration idlePollInterval,
            int priorityBands) {
        this.client = client;
        this.confirmTimeout = confirmTimeout;
        this.queue = queue;
        this.queueType = queueType;
        this.options = options;
        this.prefetch = prefetch;
        this.consumerTimeout = consumerTimeout;
        this.holdLimit = holdLimit;
        this.delayBuckets = List.copyOf(delayBuckets);
        this.idlePollInterval = idlePollInterval;
        this.priorityBands = priorityBands;
    }

    /**
     * Reads the configuration from the platform's properties.
     *
     * @throws ConfigurationException listing every invalid or unknown key under {@value #PREFIX}
     */
    public static RabbitTaskQueueConfig from(ConfigProperties properties) {
        return from(properties, TaskQueueOptions.defaults());
    }

    /**
     * Reads the configuration on top of {@code base}: the options given to
     * {@code Scaleplane.builder().taskQueueOptions(...)} (per-type retry policies included); the keys of this backend
     * that are set override the base's values.
     *
     * @throws ConfigurationException listing every invalid or unknown key under {@value #PREFIX}
     */
    public static RabbitTaskQueueConfig from(ConfigProperties properties, TaskQueueOptions base) {
        ConfigReader reader = new ConfigReader(properties);
        RabbitTaskQueueConfig config = from(reader, base);
        reader.throwIfInvalid();
        return Objects.requireNonNull(config, "config");
    }

    /**
     * Reads the configuration, recording every problem in {@code reader} instead of throwing.
     *
     * @return the configuration, or null if {@code reader} recorded a problem
     */
    public static @Nullable RabbitTaskQueueConfig from(ConfigReader reader) {
        return from(reader, TaskQueueOptions.defaults());
    }

    /**
     * Reads the configuration on top of {@code base}, recording every problem in {@code reader} instead of throwing.
     *
     * @return the configuration, or null if {@code reader} recorded a problem
     */
    public static @Nullable RabbitTaskQueueConfig from(ConfigReader reader, TaskQueueOptions base) {
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(base, "base");
        int problemsBefore = reader.problems().size();
        Set<String> known = new HashSet<>(Set.of(
                CONFIRM_TIMEOUT,
                QUEUE,
                QUEUE_TYPE,
                CAPACITY,
                DEAD_LETTER_CAPACITY,
                AGING_INTERVAL,
                IDEMPOTENCY_WINDOW,
                RETENTION,
                PREFETCH,
                CONSUMER_TIMEOUT,
                HOLD_LIMIT,
                IDLE_POLL_INTERVAL,
                PRIORITY_BANDS,
                DELAY_BUCKETS));
        RabbitClientSettings client = RabbitClientSettings.read(reader, PREFIX, DEFAULT_HOST, known);
        Duration confirmTimeout =
                reader.duration(CONFIRM_TIMEOUT, Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofHours(1));
        String queue = reader.string(QUEUE, DEFAULT_QUEUE).trim();
        reader.check(QUEUE_NAME.matcher(queue).matches(), QUEUE, queue, "1-200 letters, digits, '.', '_' or '-'");
        QueueType queueType = reader.enumValue(QUEUE_TYPE, QueueType.class, QueueType.QUORUM);
        TaskQueueOptions d = base;
        Duration min = Duration.ofMillis(1);
        Duration max = Duration.ofDays(365);
        int capacity = reader.integer(CAPACITY, d.capacity(), 1, Integer.MAX_VALUE);
        int deadLetterCapacity = reader.integer(DEAD_LETTER_CAPACITY, d.deadLetterCapacity(), 1, Integer.MAX_VALUE);
        Duration aging = reader.duration(AGING_INTERVAL, d.agingInterval(), min, max);
        Duration window = reader.duration(IDEMPOTENCY_WINDOW, d.idempotencyWindow(), min, max);
        Duration retention = reader.duration(RETENTION, d.retention(), min, max);
        int prefetch = reader.integer(PREFETCH, 16, 1, 1000);
        int priorityBands = reader.integer(PRIORITY_BANDS, 5, 1, 5);
        Duration consumerTimeout =
                reader.duration(CONSUMER_TIMEOUT, Duration.ofMinutes(30), Duration.ofSeconds(10), MAX_TTL);
        Duration holdLimit = reader.duration(HOLD_LIMIT, Duration.ofMinutes(5), Duration.ofMillis(100), MAX_TTL);
        reader.check(
                holdLimit.compareTo(consumerTimeout) < 0,
                HOLD_LIMIT,
                reader.properties().get(HOLD_LIMIT).orElse(holdLimit.toString()),
                "a duration below " + CONSUMER_TIMEOUT + " (" + consumerTimeout + ")");
        Duration idlePoll =
                reader.duration(IDLE_POLL_INTERVAL, Duration.ofMillis(100), Duration.ZERO, Duration.ofMinutes(1));
        String bucketsText = reader.string(DELAY_BUCKETS, "1m,10m,1h,6h");
        List<Duration> buckets = parseBuckets(bucketsText);
        if (buckets == null) {
            reader.check(
                    false,
                    DELAY_BUCKETS,
                    bucketsText,
                    "a comma-separated list of distinct durations between 1ms and 24d, e.g. 1m,10m,1h");
        } else {
            reader.check(
                    buckets.get(0).compareTo(holdLimit) <= 0,
                    DELAY_BUCKETS,
                    bucketsText,
                    "a smallest bucket not above " + HOLD_LIMIT + " (" + holdLimit + ")");
        }
        reader.rejectUnknownKeys(PREFIX, known);
        if (reader.problems().size() > problemsBefore || buckets == null) {
            return null;
        }
        TaskQueueOptions options = d.toBuilder()
                .capacity(capacity)
                .deadLetterCapacity(deadLetterCapacity)
                .agingInterval(aging)
                .idempotencyWindow(window)
                .retention(retention)
                .build();
        return new RabbitTaskQueueConfig(
                client,
                confirmTimeout,
                queue,
                queueType,
                options,
                prefetch,
                consumerTimeout,
                holdLimit,
                buckets,
                idlePoll,
                priorityBands);
    }

    /** This configuration with another queue base name (tests and tools use it for unique names). */
    public RabbitTaskQueueConfig withQueue(String queue) {
        if (!QUEUE_NAME.matcher(Objects.requireNonNull(queue, "queue")).matches()) {
            throw new IllegalArgumentException(
                    "queue must be 1-200 letters, digits, '.', '_' or '-', but was '" + queue + "'");
        }
        return new RabbitTaskQueueConfig(
                client,
                confirmTimeout,
                queue,
                queueType,
                options,
                prefetch,
                consumerTimeout,
                holdLimit,
                delayBuckets,
                idlePollInterval,
                priorityBands);
    }

    private static @Nullable List<Duration> parseBuckets(String text) {
        List<Duration> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            Duration d = parseDuration(part.trim());
            if (d == null || d.isNegative() || d.isZero() || d.compareTo(MAX_TTL) > 0 || d.toMillis() < 1) {
                return null;
            }
            out.add(d);
        }
        List<Duration> sorted = new ArrayList<>(new TreeSet<>(out));
        return sorted.size() == out.size() ? sorted : null;
    }

    private static @Nullable Duration parseDuration(String s) {
        Matcher m = SHORT_DURATION.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Broker host (from the URI if one is set). */
    public String host() {
        return client.host();
    }

    /** Broker port. */
    public int port() {
        return client.port();
    }

    /** Virtual host. */
    public String virtualHost() {
        return client.virtualHost();
    }

    /** User name. */
    public String username() {
        return client.username();
    }

    /** The password. Never log it. */
    public String password() {
        return client.password();
    }

    /** Whether the connection uses TLS. */
    public boolean tls() {
        return client.tls();
    }

    /** Path of the TLS trust store, if set. */
    public Optional<String> trustStore() {
        return client.trustStore();
    }

    /** Password of the TLS trust store, if set. Never log it. */
    public Optional<String> trustStorePassword() {
        return client.trustStorePassword();
    }

    /** Connect and handshake timeout. */
    public Duration connectionTimeout() {
        return client.connectionTimeout();
    }

    /**
     * A new connection factory for the configured broker: address, virtual host, credentials, connection timeout and
     * TLS (the trust store's, else the JVM's), built by the same code as the event bus's. The caller adds its
     * recovery policy.
     *
     * @throws dev.scaleplane.api.ScaleplaneException if TLS cannot be set up (the trust store cannot be read, say)
     */
    public ConnectionFactory connectionFactory() {
        return client.connectionFactory();
    }

    /**
     * The error for a connection that could not be opened: it names the broker's address, the user (never the
     * password) and the keys to fix.
     *
     * @param e what {@code ConnectionFactory.newConnection} threw
     */
    public dev.scaleplane.api.BackendUnreachableException connectFailure(Exception e) {
        return client.connectFailure("the RabbitMQ task queue " + queue(), e);
    }

    /** How long a publish waits for its confirm. */
    public Duration confirmTimeout() {
        return confirmTimeout;
    }

    /** Base name of the queues. */
    public String queue() {
        return queue;
    }

    /** Queue type of every queue the backend declares. */
    public QueueType queueType() {
        return queueType;
    }

    /** The task queue options: the base given to {@link #from(ConfigProperties, TaskQueueOptions)} with the keys applied. */
    public TaskQueueOptions options() {
        return options;
    }

    /** Messages held per priority band for selection. */
    public int prefetch() {
        return prefetch;
    }

    /** The broker's consumer timeout, which bounds a lease's total length. */
    public Duration consumerTimeout() {
        return consumerTimeout;
    }

    /** Longest time a waiting (delayed) message stays held unacknowledged. */
    public Duration holdLimit() {
        return holdLimit;
    }

    /** TTLs of the wait queues, ascending. */
    public List<Duration> delayBuckets() {
        return delayBuckets;
    }

    /** Work queues the five priorities are spread over, 1 to 5. */
    public int priorityBands() {
        return priorityBands;
    }

    /** How long a queue found empty is not polled again, unless this process published to it. */
    public Duration idlePollInterval() {
        return idlePollInterval;
    }

    @Override
    public String toString() {
        return "RabbitTaskQueueConfig{" + client + ", confirmTimeout=" + confirmTimeout + ", queue="
                + queue + ", queueType=" + queueType + ", options=" + options + ", prefetch=" + prefetch
                + ", consumerTimeout=" + consumerTimeout + ", holdLimit=" + holdLimit + ", delayBuckets="
                + delayBuckets + ", idlePollInterval=" + idlePollInterval + ", priorityBands=" + priorityBands + '}';
    }
}
