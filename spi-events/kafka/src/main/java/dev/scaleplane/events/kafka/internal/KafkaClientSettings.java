package dev.scaleplane.events.kafka.internal;

import dev.scaleplane.core.config.ConfigKeys;
import dev.scaleplane.core.config.ConfigReader;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The client settings every Kafka configuration of this module takes, read the same way under the bus's and the
 * task queue's key prefix: security ({@code security-protocol}, {@code sasl.mechanism}, {@code sasl.username},
 * {@code sasl.password}, the {@code ssl.*} store settings), turned into kafka-clients properties (SASL credentials
 * become a {@code sasl.jaas.config} line), and the {@code producer.*}, {@code consumer.*} and {@code admin.*}
 * settings passed through to one kind of client each; and how unreachable brokers are handled ({@code connect-timeout}
 * and reconnect back-off defaults that keep kafka-clients' connection warnings to a few
 * lines). Not API: the configuration classes document the keys. Immutable; thread-safe.
 */
public final class KafkaClientSettings {
    /** The {@code ssl.*} settings passed through to the clients, by their kafka-clients names. */
    public static final List<String> SSL_KEYS = List.of(
            "ssl.truststore.location",
            "ssl.truststore.password",
            "ssl.truststore.type",
            "ssl.keystore.location",
            "ssl.keystore.password",
            "ssl.keystore.type",
            "ssl.key.password",
            "ssl.endpoint.identification.algorithm");

    private static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
    private static final List<String> SECTIONS = List.of("producer.", "consumer.", "admin.");

    /**
     * kafka-clients' {@code reconnect.backoff.ms} as our default (theirs is 50 ms): with brokers down, each client
     * retries, and logs a warning, at most once a second at first.
     */
    public static final String RECONNECT_BACKOFF_MS = "1000";

    /**
     * kafka-clients' {@code reconnect.backoff.max.ms} as our default (theirs is 1 s): the back-off doubles up to
     * 10 s, so a long outage costs a line per client every 10 s rather than every second, and a broker that comes
     * back is found again within 10 s (a longer cap would quieten the log further but delay recovery as much).
     */
    public static final String RECONNECT_BACKOFF_MAX_MS = "10000";

    /** Default of {@code connect-timeout}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, String> security;
    private final Map<String, String> producer;
    private final Map<String, String> consumer;
    private final Map<String, String> admin;
    private final Duration connectTimeout;

    private KafkaClientSettings(
            Map<String, String> security,
            Map<String, String> producer,
            Map<String, String> consumer,
            Map<String, String> admin,
            Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
        this.security = Collections.unmodifiableMap(new LinkedHashMap<>(security));
        this.producer = Map.copyOf(producer);
        this.consumer = Map.copyOf(consumer);
        this.admin = Map.copyOf(admin);
    }

    /**
     * Reads the client settings under {@code prefix}. Call it once {@code known} holds the configuration's own keys:
     * it adds the keys it reads, then reports on {@code reader} every problem (an unknown protocol or mechanism, SASL
     * without credentials, credentials without SASL, and an unknown key that looks like a password, with its value
     * redacted, so the caller's unknown-key check never prints it). The caller throws once it has read everything.
     *
     * @param keys every key of the configuration
     */
    public static KafkaClientSettings read(ConfigReader reader, Set<String> keys, String prefix, Set<String> known) {
        known.addAll(keys(prefix));
        Map<String, String> security = readSecurity(reader, prefix);
        List<Map<String, String>> sections = List.of(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
        for (String key : new TreeSet<>(keys)) {
            for (int i = 0; i < SECTIONS.size(); i++) {
                String section = prefix + SECTIONS.get(i);
                if (key.startsWith(section) && key.length() > section.length()) {
                    Map<String, String> into = sections.get(i);
                    reader.optional(key).ifPresent(value -> into.put(key.substring(section.length()), value.trim()));
                    known.add(key);
                }
            }
        }
        Duration connectTimeout = reader.duration(
                prefix + "connect-timeout", DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(1), Duration.ofMinutes(10));
        rejectMisspeltSecrets(reader, keys, prefix, known);
        return new KafkaClientSettings(security, sections.get(0), sections.get(1), sections.get(2), connectTimeout);
    }

    /**
     * Bootstrap servers, client id, reconnect back-off and security: what every client of a configuration starts
     * from. The caller adds the {@code producer.*}, {@code consumer.*} or {@code admin.*} settings afterwards, so
     * they override the back-off defaults.
     */
    public Map<String, Object> clientProperties(String bootstrapServers, String clientId) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("client.id", clientId);
        props.put("reconnect.backoff.ms", RECONNECT_BACKOFF_MS);
        props.put("reconnect.backoff.max.ms", RECONNECT_BACKOFF_MAX_MS);
        props.putAll(security);
        return props;
    }

    /** {@code connect-timeout}: how long the start-up check waits for a broker's answer. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@code producer.*} settings, by their kafka-clients names. */
    public Map<String, String> producer() {
        return producer;
    }

    /** {@code consumer.*} settings, by their kafka-clients names. */
    public Map<String, String> consumer() {
        return consumer;
    }

    /**
     * {@code admin.*} settings, by their kafka-clients names, after our default
     * {@code metadata.recovery.strategy=none}: with every broker unreachable, the admin client of kafka-clients 4.x
     * re-bootstraps in a tight loop and logs "Rebootstrapping with Cluster" hundreds of times a second (the
     * producer and consumers do not, and keep re-bootstrapping). {@code admin.metadata.recovery.strategy=rebootstrap}
     * restores it.
     */
    public Map<String, String> admin() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("metadata.recovery.strategy", "none");
        props.putAll(admin);
        return props;
    }

    /** Adds every setting to a configuration's printed form, secret values redacted. */
    public void describeInto(Map<String, Object> shown) {
        shown.put("connectTimeout", connectTimeout);
        security.forEach((k, v) -> shown.put(k, ConfigKeys.redact(k, v)));
        producer.forEach((k, v) -> shown.put("producer." + k, ConfigKeys.redact(k, v)));
        consumer.forEach((k, v) -> shown.put("consumer." + k, ConfigKeys.redact(k, v)));
        admin.forEach((k, v) -> shown.put("admin." + k, ConfigKeys.redact(k, v)));
    }

    /** The security keys under {@code prefix}. */
    private static Set<String> keys(String prefix) {
        Set<String> keys = new TreeSet<>();
        keys.add(prefix + "security-protocol");
        keys.add(prefix + "sasl.mechanism");
        keys.add(prefix + "sasl.username");
        keys.add(prefix + "sasl.password");
        keys.add(prefix + "connect-timeout");
        SSL_KEYS.forEach(k -> keys.add(prefix + k));
        return keys;
    }

    /** The security settings under {@code prefix} as kafka-clients properties; problems go to {@code reader}. */
    private static Map<String, String> readSecurity(ConfigReader reader, String prefix) {
        Map<String, String> security = new LinkedHashMap<>();
        String protocolKey = prefix + "security-protocol";
        String userKey = prefix + "sasl.username";
        String passwordKey = prefix + "sasl.password";
        String protocol = reader.string(protocolKey, "PLAINTEXT").trim().toUpperCase(Locale.ROOT);
        reader.check(PROTOCOLS.contains(protocol), protocolKey, protocol, "one of " + PROTOCOLS);
        security.put("security.protocol", protocol);
        String mechanism =
                reader.string(prefix + "sasl.mechanism", "PLAIN").trim().toUpperCase(Locale.ROOT);
        reader.check(MECHANISMS.contains(mechanism), prefix + "sasl.mechanism", mechanism, "one of " + MECHANISMS);
        Optional<String> user = reader.optional(userKey);
        Optional<String> password = reader.optional(passwordKey);
        if (protocol.startsWith("SASL_")) {
            reader.check(user.isPresent(), userKey, null, "a user name (security-protocol is " + protocol + ")");
            reader.check(password.isPresent(), passwordKey, null, "a password (security-protocol is " + protocol + ")");
            if (user.isPresent() && password.isPresent()) {
                String module = mechanism.equals("PLAIN")
                        ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                        : "org.apache.kafka.common.security.scram.ScramLoginModule";
                security.put("sasl.mechanism", mechanism);
                security.put(
                        "sasl.jaas.config",
                        module + " required username=\"" + escape(user.get()) + "\" password=\""
                                + escape(password.get()) + "\";");
            }
        } else {
            reader.check(
                    user.isEmpty() && password.isEmpty(),
                    userKey,
                    user.orElse(null),
                    "no SASL credentials unless security-protocol is SASL_PLAINTEXT or SASL_SSL");
        }
        for (String ssl : SSL_KEYS) {
            reader.optional(prefix + ssl).ifPresent(value -> security.put(ssl, value.trim()));
        }
        return security;
    }

    /**
     * Reports every key under {@code prefix} that is not in {@code known} and looks like a password (a misspelt
     * {@code sasl.password}, say) on {@code reader} with its value redacted, and adds it to {@code known}, so the
     * generic unknown-key check, which would print the value, passes over it.
     */
    private static void rejectMisspeltSecrets(
            ConfigReader reader, Iterable<String> keys, String prefix, Set<String> known) {
        for (String key : toSet(keys)) {
            if (key.startsWith(prefix) && !known.contains(key)) {
                String name = key.substring(prefix.length());
                if (ConfigKeys.isSecret(name) || ConfigKeys.looksLikePassword(name)) {
                    reader.check(
                            false, key, ConfigKeys.REDACTED, "a known key; did you mean " + prefix + "sasl.password?");
                    known.add(key);
                }
            }
        }
    }

    private static Set<String> toSet(Iterable<String> keys) {
        Set<String> set = new TreeSet<>();
        keys.forEach(set::add);
        return set;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
