package dev.scaleplane.events.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import dev.scaleplane.events.rabbitmq.internal.RabbitClientSettings;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Settings of the RabbitMQ event bus, read from keys under {@value #PREFIX} plus the bus-wide
 * {@code scaleplane.events.publish-timeout} and {@code scaleplane.events.drain-timeout}. The connection keys
 * ({@code uri} to {@code connection-timeout}) are the same, with the same rules, as the task queue's under
 * {@code scaleplane.tasks.rabbitmq.} ({@code RabbitTaskQueueConfig}); only the default host differs.
 *
 * <table>
 *   <caption>Configuration</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.uri}</td><td>(none)</td><td>{@code amqp://user:pass@host:port/vhost}
 *       or {@code amqps://...} (TLS); when set, {@code host}, {@code port}, {@code virtual-host} and
 *       {@code username} must not be; the password in it is never printed</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.host}</td><td>{@value #DEFAULT_HOST}</td><td>broker host</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.port}</td><td>5672, 5671 with TLS</td><td>AMQP port</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.virtual-host}</td><td>{@code /}</td><td>virtual host</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.username}</td><td>{@code guest}</td><td>user</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.password}</td><td>{@code guest}</td><td>password; never
 *       printed</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.tls}</td><td>false</td><td>connect with TLS (hostname verified);
 *       trusts the JVM's default trust store unless a trust store is given</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.tls-trust-store}</td><td>(none)</td><td>path of a PKCS12 or JKS
 *       trust store; only with TLS</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.tls-trust-store-password}</td><td>(none)</td><td>its password;
 *       never printed</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.queue-type}</td><td>{@code quorum}</td><td>{@code quorum}
 *       (replicated, durable) or {@code classic} for the group queues</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.shards}</td><td>{@value #DEFAULT_SHARDS}</td><td>queues per
 *       subscription group (1-{@value #BUCKETS}); events are spread over them by a hash of their ordering key.
 *       Must stay the same for the life of a group.</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.prefetch}</td><td>{@value #DEFAULT_PREFETCH}</td><td>unacknowledged
 *       deliveries per shard consumer</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.max-in-flight}</td><td>{@value #DEFAULT_MAX_IN_FLIGHT}</td><td>published
 *       events awaiting their confirm; a publish beyond it waits up to the publish timeout</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.name-prefix}</td><td>{@value #DEFAULT_NAME_PREFIX}</td><td>prefix of
 *       every exchange and queue the bus declares</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.connection-timeout}</td><td>10s</td><td>TCP connect and AMQP
 *       handshake timeout (100ms to 1h)</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.recovery-interval}</td><td>1s</td><td>pause between reconnection
 *       attempts after a lost connection</td></tr>
 *   <tr><td>{@code scaleplane.events.rabbitmq.rebalance-interval}</td><td>500ms</td><td>how often a member
 *       checks whether it holds more than its share of a group's shards</td></tr>
 *   <tr><td>{@code scaleplane.events.publish-timeout}</td><td>5s</td><td>how long publish waits for room in the
 *       in-flight window or for a lost connection to come back</td></tr>
 *   <tr><td>{@code scaleplane.events.drain-timeout}</td><td>30s</td><td>how long close waits for handler calls
 *       and confirms in progress</td></tr>
 * </table>
 *
 * <p>Passwords are redacted in {@link #toString()} and in configuration problems. Immutable and thread-safe.
 */
public final class RabbitBusConfig {
    /** Prefix of every key of this backend. */
    public static final String PREFIX = "scaleplane.events.rabbitmq.";

    /** Key of the connection URI. */
    public static final String URI_KEY = PREFIX + "uri";
    /** Key of the broker host. */
    public static final String HOST = PREFIX + "host";
    /** Key of the AMQP port. */
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
    /** Key of the group queue type. */
    public static final String QUEUE_TYPE = PREFIX + "queue-type";
    /** Key of the shard count per group. */
    public static final String SHARDS = PREFIX + "shards";
    /** Key of the prefetch per shard consumer. */
    public static final String PREFETCH = PREFIX + "prefetch";
    /** Key of the unconfirmed publish window. */
    public static final String MAX_IN_FLIGHT = PREFIX + "max-in-flight";
    /** Key of the name prefix. */
    public static final String NAME_PREFIX = PREFIX + "name-prefix";
    /** Key of the connection timeout. */
    public static final String CONNECTION_TIMEOUT = PREFIX + "connection-timeout";
    /** Key of the reconnection interval. */
    public static final String RECOVERY_INTERVAL = PREFIX + "recovery-interval";
    /** Key of the rebalance interval. */
    public static final String REBALANCE_INTERVAL = PREFIX + "rebalance-interval";
    /** The bus-wide publish timeout key. */
    public static final String PUBLISH_TIMEOUT = "scaleplane.events.publish-timeout";
    /** The bus-wide drain timeout key. */
    public static final String DRAIN_TIMEOUT = "scaleplane.events.drain-timeout";

    /** Default host. */
    public static final String DEFAULT_HOST = "localhost";
    /** Default shards per group. */
    public static final int DEFAULT_SHARDS = 4;
    /** Default prefetch. */
    public static final int DEFAULT_PREFETCH = 250;
    /** Default unconfirmed publish window. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1024;
    /** Default name prefix. */
    public static final String DEFAULT_NAME_PREFIX = "scaleplane";
    /**
     * Number of hash buckets in routing keys: the first routing-key word is the bucket, {@code 0} to {@code BUCKETS-1},
     * and each shard queue of a group binds the buckets {@code b} with {@code b % shards == shard}.
     */
    public static final int BUCKETS = 64;

    private static final Pattern NAME_PREFIX_PATTERN = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,49}");

    /** Type of the group queues. */
    public enum QueueType {
        /** Raft-replicated, durable queues (the default). */
        QUORUM,
        /** Classic durable queues: faster on one node, not replicated. */
        CLASSIC
    }

    private final RabbitClientSettings client;
    private final QueueType queueType;
    private final int shards;
    private final int prefetch;
    private final int maxInFlight;
    private final String namePrefix;
    private final Duration recoveryInterval;
    private final Duration rebalanceInterval;
    private final Duration publishTimeout;
    private final Duration drainTimeout;

    private RabbitBusConfig(Builder b) {
        client = new RabbitClientSettings(
                        b.host,
                        b.port,
                        b.virtualHost,
                        b.username,
                        b.password,
                        b.tls,
                        b.trustStore,
                        b.trustStorePassword,
                        b.connectionTimeout)
                .namedAs(b.read);
        queueType = b.queueType;
        shards = b.shards;
        prefetch = b.prefetch;
        maxInFlight = b.maxInFlight;
        namePrefix = b.namePrefix;
        recoveryInterval = b.recoveryInterval;
        rebalanceInterval = b.rebalanceInterval;
        publishTimeout = b.publishTimeout;
        drainTimeout = b.drainTimeout;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.client(client);
        b.queueType = queueType;
        b.shards = shards;
        b.prefetch = prefetch;
        b.maxInFlight = maxInFlight;
        b.namePrefix = namePrefix;
        b.recoveryInterval = recoveryInterval;
        b.rebalanceInterval = rebalanceInterval;
        b.publishTimeout = publishTimeout;
        b.drainTimeout = drainTimeout;
        return b;
    }

    /**
     * Reads the configuration from the platform's properties.
     *
     * @throws ConfigurationException listing every invalid or unknown key under {@value #PREFIX} (passwords
     *     redacted)
     */
    public static RabbitBusConfig from(ConfigProperties properties) {
        ConfigReader reader = new ConfigReader(properties);
        RabbitBusConfig config = from(reader);
        reader.throwIfInvalid();
        return Objects.requireNonNull(config, "config");
    }

    /**
     * Reads the configuration, recording every problem in {@code reader} instead of throwing.
     *
     * @return the configuration, or null if {@code reader} recorded a problem
     */
    public static @Nullable RabbitBusConfig from(ConfigReader reader) {
        Objects.requireNonNull(reader, "reader");
        int before = reader.problems().size();
        Builder b = builder();
        Set<String> known = new HashSet<>(Set.of(
                QUEUE_TYPE, SHARDS, PREFETCH, MAX_IN_FLIGHT, NAME_PREFIX, RECOVERY_INTERVAL, REBALANCE_INTERVAL));
        b.client(RabbitClientSettings.read(reader, PREFIX, DEFAULT_HOST, known));
        b.queueType = reader.enumValue(QUEUE_TYPE, QueueType.class, QueueType.QUORUM);
        b.shards = reader.integer(SHARDS, DEFAULT_SHARDS, 1, BUCKETS);
        b.prefetch = reader.integer(PREFETCH, DEFAULT_PREFETCH, 1, 65535);
        b.maxInFlight = reader.integer(MAX_IN_FLIGHT, DEFAULT_MAX_IN_FLIGHT, 1, 1 << 20);
        String prefix = reader.string(NAME_PREFIX, DEFAULT_NAME_PREFIX).trim();
        reader.check(
                NAME_PREFIX_PATTERN.matcher(prefix).matches(),
                NAME_PREFIX,
                prefix,
                "1-50 characters from letters, digits, '.', '_' and '-', not starting with '.'");
        b.namePrefix = prefix;
        b.recoveryInterval = reader.duration(
                RECOVERY_INTERVAL, Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(10));
        b.rebalanceInterval = reader.duration(
                REBALANCE_INTERVAL, Duration.ofMillis(500), Duration.ofMillis(10), Duration.ofMinutes(10));
        b.publishTimeout = reader.duration(PUBLISH_TIMEOUT, Duration.ofSeconds(5), Duration.ZERO, Duration.ofHours(1));
        b.drainTimeout = reader.duration(DRAIN_TIMEOUT, Duration.ofSeconds(30), Duration.ZERO, Duration.ofHours(1));
        reader.rejectUnknownKeys(PREFIX, known);
        return reader.problems().size() > before ? null : b.build();
    }

    /** Broker host (from the URI if one is set). */
    public String host() {
        return client.host();
    }

    /** AMQP port. */
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

    /** Password. Never log it. */
    public String password() {
        return client.password();
    }

    /** Whether connections use TLS. */
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

    /** Type of the group queues. */
    public QueueType queueType() {
        return queueType;
    }

    /** Shard queues per subscription group. */
    public int shards() {
        return shards;
    }

    /** Unacknowledged deliveries per shard consumer. */
    public int prefetch() {
        return prefetch;
    }

    /** Published events awaiting a confirm at most. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Prefix of every exchange and queue name. */
    public String namePrefix() {
        return namePrefix;
    }

    /** Connect timeout. */
    public Duration connectionTimeout() {
        return client.connectionTimeout();
    }

    /**
     * A new connection factory for the configured broker: address, virtual host, credentials, connection timeout and
     * TLS (the trust store's, else the JVM's), built by the same code as the task queue's. The caller adds its
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
        return client.connectFailure("the event bus", e);
    }

    /** Pause between reconnection attempts. */
    public Duration recoveryInterval() {
        return recoveryInterval;
    }

    /** How often members rebalance shards. */
    public Duration rebalanceInterval() {
        return rebalanceInterval;
    }

    /** How long publish waits for room or for the connection. */
    public Duration publishTimeout() {
        return publishTimeout;
    }

    /** How long close waits for work in progress. */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    /** Every setting, passwords redacted. */
    @Override
    public String toString() {
        return "RabbitBusConfig{" + client + ", queueType=" + queueType.name().toLowerCase(Locale.ROOT) + ", shards="
                + shards + ", prefetch=" + prefetch + ", maxInFlight=" + maxInFlight + ", namePrefix=" + namePrefix
                + ", recoveryInterval=" + recoveryInterval + ", rebalanceInterval="
                + rebalanceInterval + ", publishTimeout=" + publishTimeout + ", drainTimeout=" + drainTimeout + '}';
    }

    /** Builds a {@link RabbitBusConfig}; setters check their argument. Not thread-safe. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port;
        private String virtualHost = "/";
        private String username = "guest";
        private String password = "guest";
        private boolean tls;
        private @Nullable String trustStore;
        private @Nullable String trustStorePassword;
        /** The settings read from keys, if any: errors then name those keys. */
        private @Nullable RabbitClientSettings read;

        private QueueType queueType = QueueType.QUORUM;
        private int shards = DEFAULT_SHARDS;
        private int prefetch = DEFAULT_PREFETCH;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private String namePrefix = DEFAULT_NAME_PREFIX;
        private Duration connectionTimeout = RabbitClientSettings.DEFAULT_CONNECTION_TIMEOUT;
        private Duration recoveryInterval = Duration.ofSeconds(1);
        private Duration rebalanceInterval = Duration.ofMillis(500);
        private Duration publishTimeout = Duration.ofSeconds(5);
        private Duration drainTimeout = Duration.ofSeconds(30);

        private Builder() {}

        private void client(RabbitClientSettings c) {
            read = c;
            host = c.host();
            port = c.port();
            virtualHost = c.virtualHost();
            username = c.username();
            password = c.password();
            tls = c.tls();
            trustStore = c.trustStore().orElse(null);
            trustStorePassword = c.trustStorePassword().orElse(null);
            connectionTimeout = c.connectionTimeout();
        }

        /** Broker host and port. */
        public Builder endpoint(String host, int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be in [1, 65535], but was " + port);
            }
            this.host = Objects.requireNonNull(host, "host");
            this.port = port;
            return this;
        }

        /** Virtual host. */
        public Builder virtualHost(String virtualHost) {
            this.virtualHost = Objects.requireNonNull(virtualHost, "virtualHost");
            return this;
        }

        /** Credentials. */
        public Builder credentials(String username, String password) {
            this.username = Objects.requireNonNull(username, "username");
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** Queue type of the group queues. */
        public Builder queueType(QueueType queueType) {
            this.queueType = Objects.requireNonNull(queueType, "queueType");
            return this;
        }

        /** Shard queues per group, 1-{@value RabbitBusConfig#BUCKETS}. */
        public Builder shards(int shards) {
            if (shards < 1 || shards > BUCKETS) {
                throw new IllegalArgumentException("shards must be in [1, " + BUCKETS + "], but was " + shards);
            }
            this.shards = shards;
            return this;
        }

        /** Published events awaiting their confirm at most, {@code >= 1}. */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be >= 1, but was " + maxInFlight);
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** Prefix of exchange and queue names. */
        public Builder namePrefix(String namePrefix) {
            if (!NAME_PREFIX_PATTERN.matcher(namePrefix).matches()) {
                throw new IllegalArgumentException("namePrefix must be 1-50 characters from letters, digits, '.', '_'"
                        + " and '-', not starting with '.', but was '" + namePrefix + "'");
            }
            this.namePrefix = namePrefix;
            return this;
        }

        /** Publish timeout, {@code >= 0}. */
        public Builder publishTimeout(Duration publishTimeout) {
            if (publishTimeout.isNegative()) {
                throw new IllegalArgumentException("publishTimeout must be >= 0, but was " + publishTimeout);
            }
            this.publishTimeout = publishTimeout;
            return this;
        }

        /** Drain timeout, {@code >= 0}. */
        public Builder drainTimeout(Duration drainTimeout) {
            if (drainTimeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout must be >= 0, but was " + drainTimeout);
            }
            this.drainTimeout = drainTimeout;
            return this;
        }

        /** Pause between reconnection attempts, {@code > 0}. */
        public Builder recoveryInterval(Duration recoveryInterval) {
            if (recoveryInterval.isNegative() || recoveryInterval.isZero()) {
                throw new IllegalArgumentException("recoveryInterval must be > 0, but was " + recoveryInterval);
            }
            this.recoveryInterval = recoveryInterval;
            return this;
        }

        /** Builds the configuration. */
        public RabbitBusConfig build() {
            return new RabbitBusConfig(this);
        }
    }
}
