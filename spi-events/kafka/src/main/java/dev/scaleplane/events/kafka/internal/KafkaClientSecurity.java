package dev.scaleplane.events.kafka.internal;

import dev.scaleplane.core.config.ConfigKeys;
import dev.scaleplane.core.config.ConfigReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The security settings every Kafka client of this module takes, read the same way under the bus's and the task
 * queue's key prefix: {@code security-protocol}, {@code sasl.mechanism}, {@code sasl.username},
 * {@code sasl.password} and the {@code ssl.*} store settings, turned into kafka-clients properties (SASL credentials
 * become a {@code sasl.jaas.config} line). Not API: the configuration classes document the keys. Stateless;
 * thread-safe.
 */
public final class KafkaClientSecurity {
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

    private KafkaClientSecurity() {}

    /** The keys under {@code prefix} that {@link #read} reads, for a configuration's unknown-key check. */
    public static Set<String> keys(String prefix) {
        Set<String> keys = new TreeSet<>();
        keys.add(prefix + "security-protocol");
        keys.add(prefix + "sasl.mechanism");
        keys.add(prefix + "sasl.username");
        keys.add(prefix + "sasl.password");
        SSL_KEYS.forEach(k -> keys.add(prefix + k));
        return keys;
    }

    /**
     * Reads the security settings under {@code prefix} and returns them as kafka-clients properties. Every problem
     * (an unknown protocol or mechanism, SASL without credentials, credentials without SASL) is recorded on
     * {@code reader}, which the caller throws once it has read everything else too.
     */
    public static Map<String, String> read(ConfigReader reader, String prefix) {
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
    public static void rejectMisspeltSecrets(
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
