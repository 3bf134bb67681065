package dev.scaleplane.core.config;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Naming rules for configuration keys: which keys hold secrets, and how keys map to environment variable names.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigKeys {

    /** What a secret value is replaced with wherever it would be printed. */
    public static final String REDACTED = "<redacted>";

    /** Prefix of the environment variables that configure Scaleplane. */
    public static final String ENVIRONMENT_PREFIX = "SCALEPLANE_";

    private static final String[] SECRET_WORDS = {"password", "passwd", "secret", "token", "credential", "jaas"};

    private ConfigKeys() {}

    /**
     * Whether the value of {@code key} is a secret that must never be printed. The key is read segment by segment
     * (segments separated by {@code .}, words within a segment by {@code -} or {@code _}, any case): it is secret if
     * a segment contains {@code password}, {@code passwd}, {@code secret}, {@code token} or {@code credential}, or is
     * {@code jaas} (Kafka's {@code sasl.jaas.config} embeds a password), or if a word is {@code key} or ends with
     * {@code key} ({@code api-key}, {@code apikey}, {@code private_key}).
     *
     * <p>So {@code scaleplane.events.kafka.sasl.password} and {@code scaleplane.adapters.github.token} are secret,
     * {@code scaleplane.events.memory.buffer-size} and {@code ssl.keystore.location} are not. Erring towards
     * redaction is deliberate: a redacted harmless value costs little, a printed password costs a rotation.
     */
    public static boolean isSecret(String key) {
        Objects.requireNonNull(key, "key");
        String lower = key.toLowerCase(Locale.ROOT);
        for (String segment : lower.split("\\.")) {
            for (String word : SECRET_WORDS) {
                if (segment.contains(word)) {
                    return true;
                }
            }
            for (String word : segment.split("[-_]")) {
                if (word.endsWith("key")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether the last part of a key, such as {@code pasword} in {@code scaleplane.store.postgres.pasword}, names a
     * password or is a likely typo of {@code password} (it mentions {@code pass}, {@code pwd} or {@code secret}, or is
     * at most three edits away). A backend uses it to report a misspelt password key with its value redacted before
     * the generic unknown-key check, which cannot know the value is secret, would print it.
     */
    public static boolean looksLikePassword(String name) {
        String n = Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
        return n.contains("pass")
                || n.contains("pwd")
                || n.contains("secret")
                || ConfigReader.editDistance(n, "password") <= 3;
    }

    /** {@code value}, or {@value #REDACTED} when {@code key} {@linkplain #isSecret(String) is secret}; null stays null. */
    public static @Nullable String redact(String key, @Nullable String value) {
        return value != null && isSecret(key) ? REDACTED : value;
    }

    /**
     * The environment variable that sets {@code key}: upper case, {@code .} and {@code -} replaced by {@code _}; e.g.
     * {@code scaleplane.events.memory.buffer-size} is {@code SCALEPLANE_EVENTS_MEMORY_BUFFER_SIZE}.
     */
    public static String environmentName(String key) {
        Objects.requireNonNull(key, "key");
        char[] chars = key.toUpperCase(Locale.ROOT).toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == '.' || chars[i] == '-') {
                chars[i] = '_';
            }
        }
        return new String(chars);
    }

    /**
     * The key an environment variable stands for when no declared key tells whether an {@code _} was a {@code .} or
     * a {@code -}: lower case, every {@code _} read as {@code .}; e.g. {@code SCALEPLANE_EVENTS_PROVIDER} is
     * {@code scaleplane.events.provider}.
     */
    public static String defaultKeyFor(String environmentName) {
        Objects.requireNonNull(environmentName, "environmentName");
        return environmentName.toLowerCase(Locale.ROOT).replace('_', '.');
    }
}
