package dev.scaleplane.api.federation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A Kubernetes label selector over cluster labels, evaluated by the fleet itself (not by an API server), with every
 * operator: {@code =} (or {@code ==}), {@code !=}, {@code in}, {@code notin}, exists ({@code key}) and does not exist
 * ({@code !key}). Requirements are ANDed. As in Kubernetes, {@code !=} and {@code notin} also match clusters without
 * the key.
 *
 * <p>Immutable and thread-safe. {@link #toString()} is the canonical text, which {@link #parse(String)} reads back.
 */
public final class LabelSelector {

    private static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    /** A selector operator. */
    public enum Operator {
        /** The label equals the one value. */
        EQUALS,
        /** The label is absent or differs from the one value. */
        NOT_EQUALS,
        /** The label is one of the values. */
        IN,
        /** The label is absent or none of the values. */
        NOT_IN,
        /** The label is present. */
        EXISTS,
        /** The label is absent. */
        DOES_NOT_EXIST
    }

    /**
     * One requirement.
     *
     * @param key the label key
     * @param operator the operator
     * @param values one value for {@code EQUALS}/{@code NOT_EQUALS}, one or more for {@code IN}/{@code NOT_IN}, none
     *     for {@code EXISTS}/{@code DOES_NOT_EXIST}; kept sorted
     */
    public record Requirement(String key, Operator operator, Set<String> values) {
        /** Validates the key, the values and their number for the operator. */
        public Requirement {
            Names.labelKey(key, "selector key");
            Objects.requireNonNull(operator, "operator");
            values.forEach(v -> Names.labelValue(v, "selector value of " + key));
            values = Collections.unmodifiableSortedSet(new TreeSet<>(values));
            int n = values.size();
            boolean ok =
                    switch (operator) {
                        case EQUALS, NOT_EQUALS -> n == 1;
                        case IN, NOT_IN -> n >= 1;
                        case EXISTS, DOES_NOT_EXIST -> n == 0;
                    };
            if (!ok) {
                throw new IllegalArgumentException("operator " + operator + " on '" + key + "' takes "
                        + valuesExpected(operator) + ", but had " + n);
            }
        }

        private static String valuesExpected(Operator op) {
            return switch (op) {
                case EQUALS, NOT_EQUALS -> "exactly one value";
                case IN, NOT_IN -> "one or more values";
                case EXISTS, DOES_NOT_EXIST -> "no value";
            };
        }

        /** Whether {@code labels} meet this requirement. */
        public boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (operator) {
                case EQUALS, IN -> v != null && values.contains(v);
                case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
                case EXISTS -> v != null;
                case DOES_NOT_EXIST -> v == null;
            };
        }

        @Override
        public String toString() {
            return switch (operator) {
                case EQUALS -> key + "=" + values.iterator().next();
                case NOT_EQUALS -> key + "!=" + values.iterator().next();
                case IN -> key + " in (" + String.join(",", values) + ")";
                case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
                case EXISTS -> key;
                case DOES_NOT_EXIST -> "!" + key;
            };
        }
    }

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = requirements.stream()
                .sorted(Comparator.comparing(Requirement::key)
                        .thenComparing(Requirement::operator)
                        .thenComparing(Requirement::toString))
                .toList();
    }

    /** The selector that matches every cluster. */
    public static LabelSelector everything() {
        return EVERYTHING;
    }

    /** A selector of the given requirements (ANDed). */
    public static LabelSelector of(List<Requirement> requirements) {
        return requirements.isEmpty() ? EVERYTHING : new LabelSelector(List.copyOf(requirements));
    }

    /** {@code key=value} for every entry. */
    public static LabelSelector matchLabels(Map<String, String> labels) {
        List<Requirement> r = new ArrayList<>();
        labels.forEach((k, v) -> r.add(new Requirement(k, Operator.EQUALS, Set.of(v))));
        return of(r);
    }

    /**
     * Parses the Kubernetes selector syntax, e.g. {@code "env=prod,tier!=batch,region in (eu-west,eu-central),!legacy"}.
     * An empty string selects everything.
     *
     * @throws InvalidSelectorException naming the position and what was expected there
     */
    public static LabelSelector parse(String selector) {
        Objects.requireNonNull(selector, "selector");
        return new Parser(selector).parse();
    }

    /** The requirements, sorted by key. */
    public List<Requirement> requirements() {
        return requirements;
    }

    /** Whether {@code labels} meet every requirement. */
    public boolean matches(Map<String, String> labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** The first requirement {@code labels} do not meet, for explanations; null if all are met. */
    public @Nullable Requirement firstUnmet(Map<String, String> labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return r;
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSelector s && requirements.equals(s.requirements);
    }

    @Override
    public int hashCode() {
        return requirements.hashCode();
    }

    @Override
    public String toString() {
        return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
    }

    /** A small recursive-descent parser of the selector grammar. */
    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        LabelSelector parse() {
            List<Requirement> out = new ArrayList<>();
            skipSpaces();
            if (i == s.length()) {
                return EVERYTHING;
            }
            while (true) {
                out.add(requirement());
                skipSpaces();
                if (i == s.length()) {
                    return of(out);
                }
                expect(',', "',' or the end");
                skipSpaces();
            }
        }

        private Requirement requirement() {
            boolean not = false;
            if (peek() == '!') {
                not = true;
                i++;
                skipSpaces();
            }
            int keyAt = i;
            String key = token("a label key");
            try {
                Names.labelKey(key, "key");
            } catch (IllegalArgumentException e) {
                throw new InvalidSelectorException(s, keyAt, "a label key such as 'tier' or 'example.com/tier'");
            }
            if (not) {
                return new Requirement(key, Operator.DOES_NOT_EXIST, Set.of());
            }
            skipSpaces();
            if (i == s.length() || peek() == ',') {
                return new Requirement(key, Operator.EXISTS, Set.of());
            }
            if (s.startsWith("==", i)) {
                i += 2;
                return new Requirement(key, Operator.EQUALS, Set.of(value()));
            }
            if (s.startsWith("!=", i)) {
                i += 2;
                return new Requirement(key, Operator.NOT_EQUALS, Set.of(value()));
            }
            if (peek() == '=') {
                i++;
                return new Requirement(key, Operator.EQUALS, Set.of(value()));
            }
            int opAt = i;
            String word = token("an operator (=, ==, !=, in, notin)");
            Operator op =
                    switch (word) {
                        case "in" -> Operator.IN;
                        case "notin" -> Operator.NOT_IN;
                        default -> throw new InvalidSelectorException(s, opAt, "an operator (=, ==, !=, in, notin)");
                    };
            skipSpaces();
            expect('(', "'(' after " + word);
            Set<String> values = new TreeSet<>();
            while (true) {
                skipSpaces();
                values.add(value());
                skipSpaces();
                if (peek() == ')') {
                    i++;
                    break;
                }
                expect(',', "',' or ')' in the value list");
            }
            return new Requirement(key, op, values);
        }

        private String value() {
            skipSpaces();
            int at = i;
            String v = token(null);
            try {
                return Names.labelValue(v, "value");
            } catch (IllegalArgumentException e) {
                throw new InvalidSelectorException(s, at, "a label value (1-63 of A-Z a-z 0-9 - _ .)");
            }
        }

        /** Reads characters up to a delimiter; {@code what} non-null means an empty token is an error. */
        private String token(@Nullable String what) {
            int start = i;
            while (i < s.length() && " ,()=!".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            if (i == start && what != null) {
                throw new InvalidSelectorException(s, start, what);
            }
            return s.substring(start, i);
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void expect(char c, String what) {
            if (peek() != c) {
                throw new InvalidSelectorException(s, i, what);
            }
            i++;
        }

        private void skipSpaces() {
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
            }
        }
    }
}
