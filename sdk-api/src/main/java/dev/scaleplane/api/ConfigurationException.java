package dev.scaleplane.api;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Configuration is invalid. One exception lists <em>every</em> problem found, so a user fixes them all in one go
 * rather than one per start-up.
 *
 * <p>Thrown when a platform or a component is built, never later on a hot path.
 */
public final class ConfigurationException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    /**
     * Creates an exception for the given problems.
     *
     * @param problems at least one problem
     * @throws IllegalArgumentException if {@code problems} is empty
     */
    public ConfigurationException(List<Problem> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    /** Creates an exception for a single problem. */
    public static ConfigurationException of(String key, @Nullable String value, String expected) {
        return new ConfigurationException(List.of(new Problem(key, value, expected)));
    }

    /** Every problem found, in the order they were found. */
    public List<Problem> problems() {
        return problems;
    }

    private static String format(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigurationException needs at least one problem");
        }
        return problems.size() + " configuration problem" + (problems.size() == 1 ? "" : "s") + ":\n"
                + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
    }

    /**
     * One invalid setting.
     *
     * @param key the configuration key, e.g. {@code scaleplane.events.buffer-size}
     * @param value the offending value as given, or {@code null} when it was missing; values of secret keys are
     *     redacted by whoever creates the problem
     * @param expected what would have been valid, e.g. "an integer >= 1"
     */
    public record Problem(String key, @Nullable String value, String expected) {
        public Problem {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(expected, "expected");
        }

        @Override
        public String toString() {
            return key + (value == null ? " is missing" : " = '" + value + "'") + ": expected " + expected;
        }
    }
}
