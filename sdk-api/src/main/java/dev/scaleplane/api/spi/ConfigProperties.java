package dev.scaleplane.api.spi;

import dev.scaleplane.api.ConfigurationException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Flat configuration: keys such as {@code scaleplane.events.provider} mapped to string values, with typed accessors
 * that fail with a {@link ConfigurationException} naming the key, the value and what was expected.
 *
 * <p>Durations accept ISO-8601 ({@code PT5S}) or a number with a unit suffix: {@code ms}, {@code s}, {@code m},
 * {@code h}, {@code d} ({@code 250ms}, {@code 5s}).
 *
 * <p>Immutable and thread-safe.
 */
public interface ConfigProperties {

    /** The raw value of {@code key}, if set. */
    Optional<String> get(String key);

    /** Every key that is set. */
    Set<String> keys();

    /** The value of {@code key}, or {@code defaultValue} when unset. */
    default String string(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /**
     * The integer value of {@code key}, or {@code defaultValue} when unset.
     *
     * @throws ConfigurationException if the value is not an integer
     */
    int integer(String key, int defaultValue);

    /**
     * The long value of {@code key}, or {@code defaultValue} when unset.
     *
     * @throws ConfigurationException if the value is not an integer
     */
    long longValue(String key, long defaultValue);

    /**
     * The boolean value ({@code true} or {@code false}, any case) of {@code key}, or {@code defaultValue} when unset.
     *
     * @throws ConfigurationException for any other value
     */
    boolean bool(String key, boolean defaultValue);

    /**
     * The duration value of {@code key}, or {@code defaultValue} when unset.
     *
     * @throws ConfigurationException if the value is not a duration
     */
    Duration duration(String key, Duration defaultValue);

    /**
     * The keys that start with {@code prefix}, with the prefix removed; e.g. {@code withPrefix("scaleplane.events.kafka.")}
     * for the keys a Kafka backend passes through to its clients.
     */
    Map<String, String> withPrefix(String prefix);
}
