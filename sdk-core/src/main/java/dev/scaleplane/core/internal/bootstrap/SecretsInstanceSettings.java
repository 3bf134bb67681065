package dev.scaleplane.core.internal.bootstrap;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.secrets.SecretEvents;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.adapters.SecretsCache;
import dev.scaleplane.core.config.ConfigReader;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the platform adds around a secrets instance, read from {@code scaleplane.adapters.<instance>.*} when the
 * platform is built: where rotations are published, and whether (and how) reads are cached. Keys after the instance
 * prefix, with defaults:
 *
 * <table>
 *   <caption>Platform keys of a secrets instance</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code rotations.topic}</td><td>{@value SecretEvents#DEFAULT_TOPIC}</td><td>where rotations seen by the
 *       instance's watches are published</td></tr>
 *   <tr><td>{@code rotations.publish}</td><td>true</td><td>false publishes nothing</td></tr>
 *   <tr><td>{@code cache.enabled}</td><td>false</td><td>read through a {@link SecretsCache}</td></tr>
 *   <tr><td>{@code cache.ttl}</td><td>5m</td><td>freshness of the latest version and of stages</td></tr>
 *   <tr><td>{@code cache.refresh-ahead}</td><td>a fifth of the TTL</td><td>a read this close to expiry reloads in the
 *       background; 0 turns it off; shorter than the TTL</td></tr>
 *   <tr><td>{@code cache.stale-if-error}</td><td>0s</td><td>how long past expiry the last version is served while
 *       the system is unavailable or rate-limited</td></tr>
 *   <tr><td>{@code cache.max-entries}</td><td>10000</td><td>the most entries held</td></tr>
 * </table>
 *
 * @param rotationsTopic where rotations go, or null when they are not published
 * @param cache the cache settings, or null when reads are not cached
 */
record SecretsInstanceSettings(@Nullable String rotationsTopic, @Nullable Cache cache) {

    /** Key, after the instance prefix, that turns publishing of rotations off. */
    static final String ROTATIONS_PUBLISH = "rotations.publish";

    static final String CACHE_ENABLED = "cache.enabled";
    static final String CACHE_TTL = "cache.ttl";
    static final String CACHE_REFRESH_AHEAD = "cache.refresh-ahead";
    static final String CACHE_STALE_IF_ERROR = "cache.stale-if-error";
    static final String CACHE_MAX_ENTRIES = "cache.max-entries";

    private static final Duration MAX_DURATION = Duration.ofDays(7);

    /** The cache of an instance, validated. */
    record Cache(Duration ttl, Duration refreshAhead, Duration staleIfError, int maxEntries) {

        /** A cache in front of {@code adapter}, on the platform's clock and meter registry. */
        SecretsCache wrap(SecretsAdapter adapter, Clock clock, MeterRegistry registry) {
            return SecretsCache.builder(adapter)
                    .ttl(ttl)
                    .refreshAhead(refreshAhead)
                    .staleIfError(staleIfError)
                    .maxEntries(maxEntries)
                    .clock(clock)
                    .meterRegistry(registry)
                    .build();
        }
    }

    /** Reads the settings of secrets instance {@code instance}, adding every problem to {@code problems}. */
    static SecretsInstanceSettings read(
            String instance, ConfigProperties config, List<ConfigurationException.Problem> problems) {
        ConfigReader reader = new ConfigReader(config);
        String prefix = DefaultAdapters.PREFIX + instance + ".";
        String topicKey = SecretEvents.rotationsTopicKey(instance);
        String topic = reader.string(topicKey, SecretEvents.DEFAULT_TOPIC).trim();
        try {
            SubscriptionOptions.checkName(topic, "topic");
        } catch (IllegalArgumentException e) {
            reader.check(false, topicKey, topic, "a topic name (" + e.getMessage() + ")");
        }
        boolean publish = reader.bool(prefix + ROTATIONS_PUBLISH, true);
        reader.rejectUnknownKeys(prefix + "rotations.", Set.of(topicKey, prefix + ROTATIONS_PUBLISH));

        boolean enabled = reader.bool(prefix + CACHE_ENABLED, false);
        // Validated whether enabled or not, so turning the cache on later does not reveal old mistakes.
        Duration ttl =
                reader.duration(prefix + CACHE_TTL, SecretsCache.DEFAULT_TTL, Duration.ofMillis(1), MAX_DURATION);
        String aheadKey = prefix + CACHE_REFRESH_AHEAD;
        Duration ahead = reader.duration(aheadKey, ttl.dividedBy(5), Duration.ZERO, ttl);
        reader.check(
                ahead.compareTo(ttl) < 0,
                aheadKey,
                config.get(aheadKey).orElse(null),
                "a duration shorter than " + prefix + CACHE_TTL + " (" + ttl + "), or 0 for no refresh ahead");
        Duration staleIfError =
                reader.duration(prefix + CACHE_STALE_IF_ERROR, Duration.ZERO, Duration.ZERO, MAX_DURATION);
        int maxEntries = reader.integer(prefix + CACHE_MAX_ENTRIES, SecretsCache.DEFAULT_MAX_ENTRIES, 1, 1_000_000);
        reader.rejectUnknownKeys(
                prefix + "cache.",
                Set.of(
                        prefix + CACHE_ENABLED,
                        prefix + CACHE_TTL,
                        aheadKey,
                        prefix + CACHE_STALE_IF_ERROR,
                        prefix + CACHE_MAX_ENTRIES));
        problems.addAll(reader.problems());
        return new SecretsInstanceSettings(
                publish ? topic : null,
                enabled && reader.isValid() ? new Cache(ttl, ahead, staleIfError, maxEntries) : null);
    }
}
