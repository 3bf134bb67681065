package dev.scaleplane.core.config;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.ConfigurationException.Problem;
import dev.scaleplane.api.spi.ConfigProperties;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Reads typed settings of one component and collects every problem instead of throwing at the first, so that one
 * {@link ConfigurationException} lists all of them:
 *
 * <pre>{@code
 * ConfigReader reader = new ConfigReader(context.config());
 * int bufferSize = reader.integer("scaleplane.events.memory.buffer-size", 1024, 2, 1 << 24);
 * Duration timeout = reader.duration("scaleplane.events.memory.publish-timeout", Duration.ofSeconds(5),
 *         Duration.ZERO, Duration.ofHours(1));
 * reader.rejectUnknownKeys("scaleplane.events.memory.");
 * reader.throwIfInvalid();
 * }</pre>
 *
 * Each accessor returns the default when the key is unset, the parsed value when it is valid, and the default plus a
 * recorded {@link Problem} when it is not. Values are trimmed before parsing. Values of
 * {@linkplain ConfigKeys#isSecret(String) secret keys} are redacted in problems.
 *
 * <p>Not thread-safe: use one reader per component build, on one thread.
 */
public final class ConfigReader {

    private final ConfigProperties properties;
    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> readKeys = new LinkedHashSet<>();

    /** A reader over {@code properties}. */
    public ConfigReader(ConfigProperties properties) {
        this.properties = Objects.requireNonNull(properties, "properties");
    }

    /** The properties read. */
    public ConfigProperties properties() {
        return properties;
    }

    /**
     * An integer in {@code [min, max]}.
     *
     * @throws IllegalArgumentException if {@code min > max} or the default is outside the range (a bug in the
     *     caller, not a configuration problem)
     */
    public int integer(String key, int defaultValue, int min, int max) {
        checkRange(key, defaultValue, min, max);
        String value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Values.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // reported below with the range
        }
        problem(key, value, Values.INTEGER + range(min, max, Integer.MIN_VALUE, Integer.MAX_VALUE));
        return defaultValue;
    }

    /**
     * A long in {@code [min, max]}.
     *
     * @throws IllegalArgumentException if {@code min > max} or the default is outside the range
     */
    public long longValue(String key, long defaultValue, long min, long max) {
        checkRange(key, defaultValue, min, max);
        String value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            long parsed = Values.parseLong(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // reported below with the range
        }
        problem(key, value, Values.INTEGER + range(min, max, Long.MIN_VALUE, Long.MAX_VALUE));
        return defaultValue;
    }

    /**
     * A duration in {@code [min, max]}: ISO-8601 ({@code PT5S}) or a whole number with unit {@code ms}, {@code s},
     * {@code m}, {@code h} or {@code d} ({@code 250ms}).
     *
     * @throws IllegalArgumentException if {@code min > max} or the default is outside the range
     */
    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.compareTo(max) > 0 || defaultValue.compareTo(min) < 0 || defaultValue.compareTo(max) > 0) {
            throw new IllegalArgumentException(
                    "default " + defaultValue + " of " + key + " must be within [" + min + ", " + max + "]");
        }
        String value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            Duration parsed = Values.parseDuration(value);
            if (parsed.compareTo(min) >= 0 && parsed.compareTo(max) <= 0) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // reported below with the range
        }
        problem(key, value, Values.DURATION + " between " + Values.format(min) + " and " + Values.format(max));
        return defaultValue;
    }

    /** The value as given, or {@code defaultValue} when unset. Never a problem. */
    public String string(String key, String defaultValue) {
        Objects.requireNonNull(defaultValue, "defaultValue");
        String value = raw(key);
        return value != null ? value : defaultValue;
    }

    /** The value as given, if set. Never a problem. */
    public Optional<String> optional(String key) {
        return Optional.ofNullable(raw(key));
    }

    /**
     * An enum constant, matched ignoring case and treating {@code -} as {@code _}: {@code round-robin} and
     * {@code ROUND_ROBIN} both select {@code ROUND_ROBIN}.
     */
    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        String value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        String wanted = value.trim().replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(wanted)) {
                return constant;
            }
        }
        problem(
                key,
                value,
                "one of "
                        + Arrays.stream(type.getEnumConstants())
                                .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                                .collect(Collectors.joining(", ")));
        return defaultValue;
    }

    /** A URI (RFC 3986 syntax, absolute or relative). */
    public URI uri(String key, URI defaultValue) {
        Objects.requireNonNull(defaultValue, "defaultValue");
        String value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        String trimmed = value.trim();
        if (!trimmed.isEmpty()) {
            try {
                return new URI(trimmed);
            } catch (URISyntaxException e) {
                // reported below
            }
        }
        problem(key, value, "a URI (RFC 3986), e.g. https://example.com/path");
        return defaultValue;
    }

    /** {@code true} or {@code false}, any case. */
    public boolean bool(String key, boolean defaultValue) {
        String value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Values.parseBoolean(value);
        } catch (IllegalArgumentException e) {
            problem(key, value, Values.BOOLEAN);
            return defaultValue;
        }
    }

    /**
     * Records a problem unless {@code ok}: for rules across settings, e.g.
     * {@code reader.check(max >= min, "x.max", String.valueOf(max), "x.max >= x.min (" + min + ")")}.
     *
     * @return {@code ok}
     */
    public boolean check(boolean ok, String key, @Nullable String value, String expected) {
        if (!ok) {
            problem(key, value, expected);
        }
        return ok;
    }

    /**
     * Records a problem for every set key under {@code prefix} that is not in {@code knownKeys}, suggesting the
     * nearest known key when one is close (a likely typo). A known key ending in {@code .*} allows every key under it,
     * for settings passed through to a client library (e.g. {@code scaleplane.events.kafka.producer.*}).
     *
     * <p>Environment variables are matched to known keys by their variable name, so that
     * {@code SCALEPLANE_EVENTS_MEMORY_BUFFER_SIZE} counts as {@code scaleplane.events.memory.buffer-size}.
     */
    public void rejectUnknownKeys(String prefix, Set<String> knownKeys) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(knownKeys, "knownKeys");
        List<String> exact = new ArrayList<>();
        List<String> wildcards = new ArrayList<>();
        for (String known : knownKeys) {
            if (known.endsWith(".*")) {
                wildcards.add(known.substring(0, known.length() - 1));
            } else {
                exact.add(known);
            }
        }
        Collection<String> present =
                properties instanceof ScaleplaneProperties sp ? sp.keys(exact) : new TreeSet<>(properties.keys());
        for (String key : present) {
            if (!key.startsWith(prefix)
                    || knownKeys.contains(key)
                    || wildcards.stream().anyMatch(key::startsWith)) {
                continue;
            }
            String suggestion = nearest(key, exact);
            String expected = suggestion != null
                    ? "a known key; did you mean " + suggestion + "?"
                    : "a known key under " + prefix
                            + (exact.isEmpty() ? " (there are none)" : ": " + sortedNames(exact));
            // A misspelt secret key ("pasword") does not look secret itself; its nearest known key does.
            String value = properties.get(key).orElse(null);
            boolean secret = ConfigKeys.isSecret(key) || (suggestion != null && ConfigKeys.isSecret(suggestion));
            // A misspelt environment variable is reported as written, with the variable of the key meant.
            Optional<String> variable =
                    properties instanceof ScaleplaneProperties sp ? sp.environmentVariable(key) : Optional.empty();
            String name = key;
            if (variable.isPresent()) {
                name = variable.get();
                expected = suggestion != null
                        ? "a known variable; did you mean " + ConfigKeys.environmentName(suggestion) + " (for "
                                + suggestion + ")?"
                        : "a variable of a known key under " + prefix + " (upper case, . and - as _)";
            }
            problems.add(new Problem(name, secret && value != null ? ConfigKeys.REDACTED : value, expected));
        }
    }

    /**
     * {@link #rejectUnknownKeys(String, Set)} with the keys this reader has been asked for so far as the known keys:
     * call it after reading every setting of the component.
     */
    public void rejectUnknownKeys(String prefix) {
        rejectUnknownKeys(prefix, Set.copyOf(readKeys));
    }

    /** The problems recorded so far, in order. */
    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    /** Whether no problem was recorded. */
    public boolean isValid() {
        return problems.isEmpty();
    }

    /**
     * Throws if any problem was recorded.
     *
     * @throws ConfigurationException listing every recorded problem
     */
    public void throwIfInvalid() {
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    private @Nullable String raw(String key) {
        Objects.requireNonNull(key, "key");
        readKeys.add(key);
        return properties.get(key).orElse(null);
    }

    private void problem(String key, @Nullable String value, String expected) {
        problems.add(new Problem(key, ConfigKeys.redact(key, value), expected));
    }

    private static void checkRange(String key, long defaultValue, long min, long max) {
        if (min > max || defaultValue < min || defaultValue > max) {
            throw new IllegalArgumentException(
                    "default " + defaultValue + " of " + key + " must be within [" + min + ", " + max + "]");
        }
    }

    private static String range(long min, long max, long lowest, long highest) {
        if (min == lowest && max == highest) {
            return "";
        }
        if (max == highest) {
            return " >= " + min;
        }
        if (min == lowest) {
            return " <= " + max;
        }
        return " between " + min + " and " + max;
    }

    private static String sortedNames(Collection<String> names) {
        List<String> sorted = new ArrayList<>(new TreeSet<>(names));
        if (sorted.size() > 12) {
            return String.join(", ", sorted.subList(0, 12)) + ", ... (" + sorted.size() + " in all)";
        }
        return String.join(", ", sorted);
    }

    /**
     * The word of {@code known} nearest to {@code key} by edit distance, if close enough to be a typo of it: up to
     * three edits and a third of its length. The one home of "did you mean" for configuration keys and provider names.
     *
     * @return the nearest word (the first in sort order on a tie), or null if none is close
     */
    public static @Nullable String nearest(String key, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : new TreeSet<>(known)) {
            int distance = editDistance(key, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        // Up to three edits, and not more than a third of the key: beyond that it is a different key, not a typo.
        int limit = Math.min(3, Math.max(1, key.length() / 3));
        return best != null && bestDistance <= limit ? best : null;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
    static int editDistance(String a, String b) {
        int n = a.length();
        int m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= m; j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[n][m];
    }
}
