package dev.scaleplane.events.postgres;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigKeys;
import dev.scaleplane.core.config.ConfigReader;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Settings of the PostgreSQL event store, read from keys under {@value #PREFIX}.
 *
 * <table>
 *   <caption>Configuration</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code scaleplane.store.postgres.url}</td><td>(required)</td><td>JDBC URL,
 *       {@code jdbc:postgresql://host:port/database}</td></tr>
 *   <tr><td>{@code scaleplane.store.postgres.user}</td><td>(driver default)</td><td>database user</td></tr>
 *   <tr><td>{@code scaleplane.store.postgres.password}</td><td>(none)</td><td>password; never printed</td></tr>
 *   <tr><td>{@code scaleplane.store.postgres.schema}</td><td>{@value #DEFAULT_SCHEMA}</td><td>schema holding the
 *       store's tables: 1-50 lower-case letters, digits or {@code _}, not starting with a digit. Several stores may
 *       share a database, one schema each.</td></tr>
 *   <tr><td>{@code scaleplane.store.postgres.pool-size}</td><td>{@value #DEFAULT_POOL_SIZE}</td><td>connections in
 *       the pool (HikariCP), and threads running appends; with {@code notify} the store holds one more connection,
 *       for {@code LISTEN}</td></tr>
 *   <tr><td>{@code scaleplane.store.postgres.connection-timeout}</td><td>10s</td><td>how long an operation waits
 *       for a free connection before it fails</td></tr>
 *   <tr><td>{@code scaleplane.store.postgres.migrate}</td><td>true</td><td>create or migrate the schema on start;
 *       when false, start fails unless the schema is already at this version</td></tr>
 *   <tr><td>{@code scaleplane.store.postgres.notify}</td><td>true</td><td>announce appends with
 *       {@code NOTIFY} and let catch-up subscriptions {@code LISTEN}; when false they only poll (turn it off behind a
 *       pooler in transaction mode, such as PgBouncer's, where {@code LISTEN} does not work)</td></tr>
 *   <tr><td>{@code scaleplane.store.postgres.poll-interval}</td><td>500ms</td><td>how often a live catch-up
 *       subscription looks for new events when no notification arrives (the fallback when {@code LISTEN} is
 *       off or its connection is down)</td></tr>
 * </table>
 *
 * <p>The password, and a {@code password} parameter in the URL, are redacted in {@link #toString()}, in logs and in
 * configuration problems.
 *
 * <p>Immutable and thread-safe.
 */
public final class PostgresStoreConfig {
    /** Prefix of every key of this backend. */
    public static final String PREFIX = "scaleplane.store.postgres.";
    /** Key of the JDBC URL. */
    public static final String URL = PREFIX + "url";
    /** Key of the database user. */
    public static final String USER = PREFIX + "user";
    /** Key of the password. */
    public static final String PASSWORD = PREFIX + "password";
    /** Key of the schema name. */
    public static final String SCHEMA = PREFIX + "schema";
    /** Key of the pool size. */
    public static final String POOL_SIZE = PREFIX + "pool-size";
    /** Key of the connection timeout. */
    public static final String CONNECTION_TIMEOUT = PREFIX + "connection-timeout";
    /** Key of the migrate switch. */
    public static final String MIGRATE = PREFIX + "migrate";
    /** Key of the notify switch. */
    public static final String NOTIFY = PREFIX + "notify";
    /** Key of the poll interval. */
    public static final String POLL_INTERVAL = PREFIX + "poll-interval";

    /** Default schema. */
    public static final String DEFAULT_SCHEMA = "scaleplane";
    /** Default pool size. */
    public static final int DEFAULT_POOL_SIZE = 10;
    /** Largest pool size. */
    public static final int MAX_POOL_SIZE = 1000;

    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,49}");
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)([?&;]password=)[^&;]*");
    private static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
    // HikariCP refuses connection timeouts below 250 ms.
    private static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);

    private final String url;
    private final @Nullable String user;
    private final @Nullable String password;
    private final String schema;
    private final int poolSize;
    private final Duration connectionTimeout;
    private final boolean migrate;
    private final boolean notify;
    private final Duration pollInterval;

    private PostgresStoreConfig(Builder b) {
        url = Objects.requireNonNull(b.url, "url");
        user = b.user;
        password = b.password;
        schema = b.schema;
        poolSize = b.poolSize;
        connectionTimeout = b.connectionTimeout;
        migrate = b.migrate;
        notify = b.notify;
        pollInterval = b.pollInterval;
    }

    /** A builder with the defaults; the URL must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.url = url;
        b.user = user;
        b.password = password;
        b.schema = schema;
        b.poolSize = poolSize;
        b.connectionTimeout = connectionTimeout;
        b.migrate = migrate;
        b.notify = notify;
        b.pollInterval = pollInterval;
        return b;
    }

    /**
     * Reads the configuration from the platform's properties.
     *
     * @throws ConfigurationException listing every invalid or unknown key under {@value #PREFIX}, and a missing URL
     */
    public static PostgresStoreConfig from(ConfigProperties properties) {
        ConfigReader reader = new ConfigReader(properties);
        PostgresStoreConfig config = from(reader);
        reader.throwIfInvalid();
        return Objects.requireNonNull(config, "config");
    }

    /**
     * Reads the configuration, recording every problem (invalid values, a missing URL, unknown keys under
     * {@value #PREFIX}) in {@code reader} instead of throwing, so that a caller reading more settings reports them
     * all in one {@link ConfigurationException} with {@link ConfigReader#throwIfInvalid()}.
     *
     * @return the configuration, or null if {@code reader} recorded a problem
     */
    public static @Nullable PostgresStoreConfig from(ConfigReader reader) {
        Objects.requireNonNull(reader, "reader");
        int problemsBefore = reader.problems().size();
        Optional<String> url = reader.optional(URL);
        if (url.isEmpty()) {
            reader.check(false, URL, null, "a JDBC URL such as jdbc:postgresql://127.0.0.1:5432/mydb");
        } else {
            reader.check(
                    url.get().trim().startsWith("jdbc:postgresql:"),
                    URL,
                    redactUrl(url.get()),
                    "a PostgreSQL JDBC URL starting with jdbc:postgresql:");
        }
        Optional<String> user = reader.optional(USER);
        Optional<String> password = reader.optional(PASSWORD);
        String schema = reader.string(SCHEMA, DEFAULT_SCHEMA).trim();
        reader.check(
                SCHEMA_NAME.matcher(schema).matches(),
                SCHEMA,
                schema,
                "1-50 lower-case letters, digits or _, not starting with a digit");
        int poolSize = reader.integer(POOL_SIZE, DEFAULT_POOL_SIZE, 1, MAX_POOL_SIZE);
        Duration connectionTimeout = reader.duration(
                CONNECTION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT, MIN_CONNECTION_TIMEOUT, Duration.ofHours(1));
        boolean migrate = reader.bool(MIGRATE, true);
        boolean notify = reader.bool(NOTIFY, true);
        Duration pollInterval =
                reader.duration(POLL_INTERVAL, DEFAULT_POLL_INTERVAL, Duration.ofMillis(1), Duration.ofHours(1));
        Set<String> known = new HashSet<>(
                Set.of(URL, USER, PASSWORD, SCHEMA, POOL_SIZE, CONNECTION_TIMEOUT, MIGRATE, NOTIFY, POLL_INTERVAL));
        // A misspelt password key holds a password too, but the core only redacts keys it recognizes as secret:
        // report those typos here, with the value redacted, before the generic unknown-key check sees them.
        for (String key : new TreeSet<>(reader.properties().keys())) {
            if (key.startsWith(PREFIX)
                    && !known.contains(key)
                    && ConfigKeys.looksLikePassword(key.substring(PREFIX.length()))) {
                reader.check(false, key, ConfigKeys.REDACTED, "a known key; did you mean " + PASSWORD + "?");
                known.add(key);
            }
        }
        reader.rejectUnknownKeys(PREFIX, known);
        if (reader.problems().size() > problemsBefore) {
            return null;
        }
        Builder b = builder()
                .url(url.orElseThrow().trim())
                .schema(schema)
                .poolSize(poolSize)
                .connectionTimeout(connectionTimeout)
                .migrate(migrate)
                .notify(notify)
                .pollInterval(pollInterval);
        user.ifPresent(b::user);
        password.ifPresent(b::password);
        return b.build();
    }

    /** The JDBC URL. */
    public String url() {
        return url;
    }

    /** The database user, if set. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** The password, if set. Never log it. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** The schema holding the store's tables. */
    public String schema() {
        return schema;
    }

    /** Connections in the pool. */
    public int poolSize() {
        return poolSize;
    }

    /** How long an operation waits for a free connection. */
    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    /** Whether the store creates or migrates its schema on start. */
    public boolean migrate() {
        return migrate;
    }

    /** Whether appends send {@code NOTIFY} and subscriptions {@code LISTEN}. */
    public boolean notifyEnabled() {
        return notify;
    }

    /** How often live subscriptions poll when no notification arrives. */
    public Duration pollInterval() {
        return pollInterval;
    }

    /** The URL with a {@code password} parameter, if any, redacted. */
    public static String redactUrl(String url) {
        return URL_PASSWORD.matcher(url).replaceAll("$1" + ConfigKeys.REDACTED);
    }

    @Override
    public String toString() {
        return "PostgresStoreConfig{url=" + redactUrl(url) + ", user=" + user + ", password="
                + (password == null ? "none" : ConfigKeys.REDACTED) + ", schema=" + schema + ", poolSize=" + poolSize
                + ", connectionTimeout=" + connectionTimeout + ", migrate=" + migrate + ", notify=" + notify
                + ", pollInterval=" + pollInterval + '}';
    }

    /** Builds a {@link PostgresStoreConfig}; setters validate their argument. Not thread-safe. */
    public static final class Builder {
        private @Nullable String url;
        private @Nullable String user;
        private @Nullable String password;
        private String schema = DEFAULT_SCHEMA;
        private int poolSize = DEFAULT_POOL_SIZE;
        private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        private boolean migrate = true;
        private boolean notify = true;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;

        private Builder() {}

        /** The JDBC URL, {@code jdbc:postgresql://host:port/database}. */
        public Builder url(String url) {
            Objects.requireNonNull(url, "url");
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("url must start with jdbc:postgresql:, but was " + redactUrl(url));
            }
            this.url = url;
            return this;
        }

        /** The database user. */
        public Builder user(String user) {
            this.user = Objects.requireNonNull(user, "user");
            return this;
        }

        /** The password. */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** The schema: 1-50 lower-case letters, digits or {@code _}, not starting with a digit. */
        public Builder schema(String schema) {
            Objects.requireNonNull(schema, "schema");
            if (!SCHEMA_NAME.matcher(schema).matches()) {
                throw new IllegalArgumentException(
                        "schema must be 1-50 lower-case letters, digits or _, not starting with a digit, but was '"
                                + schema + "'");
            }
            this.schema = schema;
            return this;
        }

        /** Connections in the pool, 1 to {@value #MAX_POOL_SIZE}. */
        public Builder poolSize(int poolSize) {
            if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
                throw new IllegalArgumentException(
                        "poolSize must be in [1, " + MAX_POOL_SIZE + "], but was " + poolSize);
            }
            this.poolSize = poolSize;
            return this;
        }

        /** How long an operation waits for a free connection, at least 250 ms. */
        public Builder connectionTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.compareTo(MIN_CONNECTION_TIMEOUT) < 0) {
                throw new IllegalArgumentException("connectionTimeout must be >= 250ms, but was " + timeout);
            }
            this.connectionTimeout = timeout;
            return this;
        }

        /** Whether to create or migrate the schema on start. */
        public Builder migrate(boolean migrate) {
            this.migrate = migrate;
            return this;
        }

        /** Whether appends send {@code NOTIFY} and subscriptions {@code LISTEN}. */
        public Builder notify(boolean notify) {
            this.notify = notify;
            return this;
        }

        /** How often live subscriptions poll when no notification arrives, {@code > 0}. */
        public Builder pollInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("pollInterval must be > 0, but was " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @throws IllegalStateException if the URL is not set
         */
        public PostgresStoreConfig build() {
            if (url == null) {
                throw new IllegalStateException("url must be set");
            }
            return new PostgresStoreConfig(this);
        }
    }
}
