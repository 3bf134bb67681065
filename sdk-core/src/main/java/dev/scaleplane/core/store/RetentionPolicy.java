package dev.scaleplane.core.store;

import dev.scaleplane.core.config.ConfigReader;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Retention rules per stream category: how long events of a category are kept ({@code max-age}, measured from
 * {@link dev.scaleplane.api.store.RecordedEvent#recordedAt()}) and how many of the newest events of each stream are
 * kept ({@code max-count}). An event is retained only while every rule of its category keeps it.
 *
 * <p>Configured with {@code scaleplane.store.retention.<category>.max-age} (a duration, e.g. {@code 30d}) and
 * {@code scaleplane.store.retention.<category>.max-count} (an integer {@code >= 1}); streams of categories without
 * a rule are kept forever. Events beyond retention disappear from every read: stream reads, {@code readAll},
 * catch-up subscriptions and audit queries. Stream versions do not change, so optimistic concurrency is unaffected.
 *
 * <p>Immutable and thread-safe.
 */
public final class RetentionPolicy {
    /** Prefix of the retention keys; shared by every store backend. */
    public static final String PREFIX = "scaleplane.store.retention.";

    private static final String MAX_AGE = ".max-age";
    private static final String MAX_COUNT = ".max-count";
    private static final RetentionPolicy NONE = new RetentionPolicy(Map.of());

    private final Map<String, Rule> rules;

    private RetentionPolicy(Map<String, Rule> rules) {
        this.rules = Map.copyOf(rules);
    }

    /** Keeps everything forever. */
    public static RetentionPolicy none() {
        return NONE;
    }

    /** A policy from rules keyed by category. */
    public static RetentionPolicy of(Map<String, Rule> rules) {
        Objects.requireNonNull(rules, "rules");
        return rules.isEmpty() ? NONE : new RetentionPolicy(rules);
    }

    /**
     * Reads every {@code scaleplane.store.retention.*} key. Invalid values and unknown keys under the prefix are
     * recorded as problems in {@code reader} (call {@link ConfigReader#throwIfInvalid()} after reading the rest).
     */
    public static RetentionPolicy fromConfig(ConfigReader reader) {
        Map<String, String> raw = reader.properties().withPrefix(PREFIX);
        TreeSet<String> categories = new TreeSet<>();
        for (String key : raw.keySet()) {
            // Categories may contain dots, so the setting is recognized by its suffix.
            if (key.endsWith(MAX_AGE) && key.length() > MAX_AGE.length()) {
                categories.add(key.substring(0, key.length() - MAX_AGE.length()));
            } else if (key.endsWith(MAX_COUNT) && key.length() > MAX_COUNT.length()) {
                categories.add(key.substring(0, key.length() - MAX_COUNT.length()));
            }
        }
        Map<String, Rule> rules = new HashMap<>();
        for (String category : categories) {
            String ageKey = PREFIX + category + MAX_AGE;
            String countKey = PREFIX + category + MAX_COUNT;
            Duration age = reader.properties().get(ageKey).isPresent()
                    ? reader.duration(ageKey, Duration.ofDays(1), Duration.ofMillis(1), Duration.ofDays(365L * 1000))
                    : null;
            long count = reader.properties().get(countKey).isPresent()
                    ? reader.longValue(countKey, 1, 1, Long.MAX_VALUE)
                    : 0;
            if (age != null || count > 0) {
                rules.put(category, new Rule(age, count));
            }
        }
        reader.rejectUnknownKeys(PREFIX);
        return of(rules);
    }

    /** Whether no rule is set. */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The rules by category. */
    public Map<String, Rule> rules() {
        return rules;
    }

    /** The rule for a stream's category, if any. */
    public Optional<Rule> ruleFor(String stream) {
        return rules.isEmpty() ? Optional.empty() : Optional.ofNullable(rules.get(StreamNames.category(stream)));
    }

    /**
     * Whether an event is retained.
     *
     * @param rule the rule of the event's category, or null for none
     * @param version the event's stream version
     * @param lastVersion the stream's current (last appended) version
     * @param recordedAtMillis when it was recorded, epoch milliseconds
     * @param nowMillis the store clock's now, epoch milliseconds
     */
    public static boolean retains(
            @Nullable Rule rule, long version, long lastVersion, long recordedAtMillis, long nowMillis) {
        if (rule == null) {
            return true;
        }
        if (rule.maxCount > 0 && lastVersion - version >= rule.maxCount) {
            return false;
        }
        return rule.maxAge == null || recordedAtMillis > nowMillis - rule.maxAge.toMillis();
    }

    @Override
    public String toString() {
        return "RetentionPolicy" + rules;
    }

    /**
     * One category's rule.
     *
     * @param maxAge keep events recorded less than this long ago; null for no age limit
     * @param maxCount keep this many newest events of each stream; 0 for no count limit
     */
    public record Rule(@Nullable Duration maxAge, long maxCount) {
        /** Validates the rule. */
        public Rule {
            if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
                throw new IllegalArgumentException("maxAge must be > 0, but was " + maxAge);
            }
            if (maxCount < 0) {
                throw new IllegalArgumentException("maxCount must be >= 0 (0 = no limit), but was " + maxCount);
            }
            if (maxAge == null && maxCount == 0) {
                throw new IllegalArgumentException("a rule needs maxAge or maxCount");
            }
        }

        /** The age limit, if any. */
        public Optional<Duration> age() {
            return Optional.ofNullable(maxAge);
        }

        /** The count limit, if any. */
        public OptionalLong count() {
            return maxCount > 0 ? OptionalLong.of(maxCount) : OptionalLong.empty();
        }

        /** Whether an event recorded at {@code recordedAt} is past the age limit at {@code now}. */
        public boolean expired(Instant recordedAt, Instant now) {
            return maxAge != null && !recordedAt.isAfter(now.minus(maxAge));
        }
    }
}
