package dev.scaleplane.core.config;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.spi.ConfigProperties;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Scaleplane's configuration: flat keys such as {@code scaleplane.events.provider}, layered from several sources.
 *
 * <h2>Sources and precedence</h2>
 *
 * A key's value comes from the first source that sets it, in this order:
 *
 * <table>
 *   <caption>Configuration sources, highest precedence first</caption>
 *   <tr><th>precedence</th><th>source</th><th>builder method</th><th>which keys</th></tr>
 *   <tr><td>1 (highest)</td><td>explicit values</td><td>{@link Builder#put(String, String)}</td><td>all</td></tr>
 *   <tr><td>2</td><td>system properties ({@code -Dscaleplane.events.provider=kafka})</td>
 *       <td>{@link Builder#systemProperties(Properties)}</td><td>keys starting with {@code scaleplane.}</td></tr>
 *   <tr><td>3</td><td>environment variables ({@code SCALEPLANE_EVENTS_PROVIDER=kafka})</td>
 *       <td>{@link Builder#environment(Map)}</td><td>variables starting with {@code SCALEPLANE_}</td></tr>
 *   <tr><td>4 (lowest)</td><td>a properties file (UTF-8)</td><td>{@link Builder#load(Path)}</td><td>all</td></tr>
 * </table>
 *
 * <h2>Environment variables</h2>
 *
 * Key {@code scaleplane.events.memory.buffer-size} is set by variable {@code SCALEPLANE_EVENTS_MEMORY_BUFFER_SIZE}
 * (upper case, {@code .} and {@code -} as {@code _}; see {@link ConfigKeys#environmentName(String)}). Looking up a
 * key therefore always finds its variable. Listing keys ({@link #keys()}, {@link #withPrefix(String)}) must turn a
 * variable back into a key, where {@code _} is ambiguous: a variable is named after a key set by another source or
 * declared by the component asking ({@link #keys(Collection)}), and otherwise reads every {@code _} as {@code .}
 * ({@code SCALEPLANE_EVENTS_KAFKA_BOOTSTRAP_SERVERS} lists as {@code scaleplane.events.kafka.bootstrap.servers}).
 *
 * <h2>Values</h2>
 *
 * Integers are decimal; booleans {@code true} or {@code false} in any case; durations ISO-8601 ({@code PT5S}) or a
 * whole number with unit {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 250ms}); surrounding spaces
 * are ignored. A typed accessor throws a {@link ConfigurationException} naming the key, the value and what was
 * expected; use {@link ConfigReader} to collect every problem of a component instead of stopping at the first.
 * Values of {@linkplain ConfigKeys#isSecret(String) secret keys} are redacted in exceptions and in
 * {@link #toString()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ScaleplaneProperties implements ConfigProperties {

    /** System property (or, as {@value #CONFIG_FILE_ENVIRONMENT}, environment variable) naming a properties file. */
    public static final String CONFIG_FILE_KEY = "scaleplane.config.file";

    /** Environment variable naming a properties file, used when {@value #CONFIG_FILE_KEY} is not set. */
    public static final String CONFIG_FILE_ENVIRONMENT = "SCALEPLANE_CONFIG_FILE";

    /** Prefix of the system properties taken into account. */
    public static final String SYSTEM_PROPERTY_PREFIX = "scaleplane.";

    private static final ScaleplaneProperties EMPTY = new Builder().build();

    private final Map<String, String> explicit;
    private final Map<String, String> system;
    /** Variable name to value, only {@code SCALEPLANE_*} variables. */
    private final Map<String, String> environment;

    private final Map<String, String> file;

    private ScaleplaneProperties(Builder b) {
        explicit = Map.copyOf(b.explicit);
        system = Map.copyOf(b.system);
        environment = Map.copyOf(b.environment);
        file = Map.copyOf(b.file);
    }

    /** No settings at all: every accessor returns its default. */
    public static ScaleplaneProperties empty() {
        return EMPTY;
    }

    /** Exactly the given settings, as explicit values. */
    public static ScaleplaneProperties of(Map<String, String> settings) {
        return builder().putAll(settings).build();
    }

    /**
     * The settings of this process: {@link System#getenv()}, {@link System#getProperties()} and, when system property
     * {@value #CONFIG_FILE_KEY} or else environment variable {@value #CONFIG_FILE_ENVIRONMENT} names one, a properties
     * file. Reads them once; later changes to the environment or system properties are not seen.
     *
     * @throws ConfigurationException if the named file cannot be read
     */
    public static ScaleplaneProperties fromEnvironment() {
        Map<String, String> env = System.getenv();
        Properties sys = System.getProperties();
        Builder builder = builder();
        String configFile = sys.getProperty(CONFIG_FILE_KEY);
        if (configFile == null || configFile.isBlank()) {
            configFile = env.get(CONFIG_FILE_ENVIRONMENT);
        }
        if (configFile != null && !configFile.isBlank()) {
            Path path;
            try {
                path = Path.of(configFile.trim());
            } catch (InvalidPathException e) {
                throw ConfigurationException.of(
                        CONFIG_FILE_KEY, configFile, "a valid file path (" + e.getMessage() + ")");
            }
            builder.load(path);
        }
        return builder.environment(env).systemProperties(sys).build();
    }

    /** A builder with no sources. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this instance's sources, to add or override settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.explicit.putAll(explicit);
        b.system.putAll(system);
        b.environment.putAll(environment);
        b.file.putAll(file);
        return b;
    }

    @Override
    public Optional<String> get(String key) {
        Objects.requireNonNull(key, "key");
        String value = explicit.get(key);
        if (value == null) {
            value = system.get(key);
        }
        if (value == null && !environment.isEmpty()) {
            value = environment.get(ConfigKeys.environmentName(key));
        }
        if (value == null) {
            value = file.get(key);
        }
        return Optional.ofNullable(value);
    }

    /**
     * The environment variable that sets {@code key}, when only a variable does (no explicit setting, system property
     * or file entry): messages about the key then name the variable the user wrote, not a key they never typed.
     */
    public Optional<String> environmentVariable(String key) {
        Objects.requireNonNull(key, "key");
        if (explicit.containsKey(key) || system.containsKey(key) || file.containsKey(key)) {
            return Optional.empty();
        }
        String variable = ConfigKeys.environmentName(key);
        return environment.containsKey(variable) ? Optional.of(variable) : Optional.empty();
    }

    /** Every key that is set, sorted; environment variables are named as described in the class description. */
    @Override
    public Set<String> keys() {
        return keys(Set.of());
    }

    /**
     * Every key that is set, sorted, with each environment variable named after the declared key it sets when there
     * is one: with {@code scaleplane.events.memory.buffer-size} declared, {@code SCALEPLANE_EVENTS_MEMORY_BUFFER_SIZE}
     * lists as that key rather than as {@code scaleplane.events.memory.buffer.size}.
     *
     * @param declaredKeys the keys a component knows
     */
    public Set<String> keys(Collection<String> declaredKeys) {
        Objects.requireNonNull(declaredKeys, "declaredKeys");
        Set<String> keys = new TreeSet<>();
        keys.addAll(explicit.keySet());
        keys.addAll(system.keySet());
        keys.addAll(file.keySet());
        if (!environment.isEmpty()) {
            Map<String, String> byEnvironmentName = new HashMap<>();
            for (String key : declaredKeys) {
                byEnvironmentName.putIfAbsent(ConfigKeys.environmentName(key), key);
            }
            for (String key : keys) {
                // A key already set by another source names the variable the same way.
                byEnvironmentName.put(ConfigKeys.environmentName(key), key);
            }
            for (String variable : environment.keySet()) {
                String key = byEnvironmentName.get(variable);
                keys.add(key != null ? key : ConfigKeys.defaultKeyFor(variable));
            }
        }
        return Collections.unmodifiableSet(keys);
    }

    @Override
    public Map<String, String> withPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        Map<String, String> result = new TreeMap<>();
        for (String key : keys()) {
            if (key.startsWith(prefix)) {
                get(key).ifPresent(value -> result.put(key.substring(prefix.length()), value));
            }
        }
        return Collections.unmodifiableMap(result);
    }

    /** Every setting with its effective value, sorted by key. Holds secrets: never log it; log {@link #toString()}. */
    public Map<String, String> asMap() {
        Map<String, String> result = new TreeMap<>();
        for (String key : keys()) {
            get(key).ifPresent(value -> result.put(key, value));
        }
        return Collections.unmodifiableMap(result);
    }

    @Override
    public int integer(String key, int defaultValue) {
        String value = get(key).orElse(null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Values.parseInt(value);
        } catch (IllegalArgumentException e) {
            throw problem(key, value, Values.INTEGER + " between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
        }
    }

    @Override
    public long longValue(String key, long defaultValue) {
        String value = get(key).orElse(null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Values.parseLong(value);
        } catch (IllegalArgumentException e) {
            throw problem(key, value, Values.INTEGER);
        }
    }

    @Override
    public boolean bool(String key, boolean defaultValue) {
        String value = get(key).orElse(null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Values.parseBoolean(value);
        } catch (IllegalArgumentException e) {
            throw problem(key, value, Values.BOOLEAN);
        }
    }

    @Override
    public Duration duration(String key, Duration defaultValue) {
        String value = get(key).orElse(null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Values.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw problem(key, value, Values.DURATION);
        }
    }

    private static ConfigurationException problem(String key, String value, String expected) {
        return ConfigurationException.of(key, ConfigKeys.redact(key, value), expected);
    }

    /** Equal when both resolve every key to the same value, whatever the sources. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ScaleplaneProperties p && asMap().equals(p.asMap());
    }

    @Override
    public int hashCode() {
        return asMap().hashCode();
    }

    /** The effective settings, sorted, with secret values {@linkplain ConfigKeys#REDACTED redacted}. */
    @Override
    public String toString() {
        return asMap().entrySet().stream()
                .map(e -> e.getKey() + "=" + ConfigKeys.redact(e.getKey(), e.getValue()))
                .collect(Collectors.joining(", ", "ScaleplaneProperties{", "}"));
    }

    /**
     * Collects the sources of a {@link ScaleplaneProperties}. Each source method replaces that source (except
     * {@link #load(Path)}, whose files add up, later files winning, and {@link #put(String, String)}); the order of
     * calls does not change precedence. Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, String> explicit = new LinkedHashMap<>();
        private final Map<String, String> system = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Map<String, String> file = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Reads a properties file (UTF-8, {@link Properties#load(Reader)} syntax) now. Its settings have the lowest
         * precedence; a key in a later file overrides the same key in an earlier one.
         *
         * @throws ConfigurationException naming {@value ScaleplaneProperties#CONFIG_FILE_KEY} if the file cannot be
         *     read or parsed
         */
        public Builder load(Path propertiesFile) {
            Objects.requireNonNull(propertiesFile, "propertiesFile");
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                throw ConfigurationException.of(
                        CONFIG_FILE_KEY,
                        propertiesFile.toString(),
                        "a readable UTF-8 properties file (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                                + ")");
            }
            for (String key : properties.stringPropertyNames()) {
                file.put(key, properties.getProperty(key));
            }
            return this;
        }

        /**
         * Sets the environment variables, e.g. {@link System#getenv()}; only those starting with
         * {@value ConfigKeys#ENVIRONMENT_PREFIX} are kept.
         */
        public Builder environment(Map<String, String> variables) {
            Objects.requireNonNull(variables, "variables");
            environment.clear();
            variables.forEach((name, value) -> {
                if (name != null && value != null && name.startsWith(ConfigKeys.ENVIRONMENT_PREFIX)) {
                    environment.put(name, value);
                }
            });
            return this;
        }

        /**
         * Sets the system properties, e.g. {@link System#getProperties()}; only string-valued properties whose key
         * starts with {@value ScaleplaneProperties#SYSTEM_PROPERTY_PREFIX} are kept.
         */
        public Builder systemProperties(Properties properties) {
            Objects.requireNonNull(properties, "properties");
            system.clear();
            for (String key : properties.stringPropertyNames()) {
                if (key.startsWith(SYSTEM_PROPERTY_PREFIX)) {
                    system.put(key, properties.getProperty(key));
                }
            }
            return this;
        }

        /** Sets one value with the highest precedence. */
        public Builder put(String key, String value) {
            explicit.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
            return this;
        }

        /** Sets several values with the highest precedence. */
        public Builder putAll(Map<String, String> settings) {
            Objects.requireNonNull(settings, "settings").forEach(this::put);
            return this;
        }

        /** Removes an explicit value set with {@link #put(String, String)}, if any. */
        public Builder remove(String key) {
            explicit.remove(Objects.requireNonNull(key, "key"));
            return this;
        }

        /** Builds the immutable properties. */
        public ScaleplaneProperties build() {
            return new ScaleplaneProperties(this);
        }
    }
}
