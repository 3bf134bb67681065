package dev.scaleplane.adapters.jira;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The part of JQL {@link FakeJira} answers, as Jira parses it: clauses joined by {@code AND} on {@code project} ({@code
 * =}), {@code labels} ({@code =}, {@code !=}), {@code statusCategory} ({@code =}, {@code !=}; by name, key or id),
 * {@code text} and {@code summary} ({@code ~}, every word present), then {@code ORDER BY created|key ASC|DESC}. Values
 * are quoted strings with JQL's escapes or bare words; any other character is refused with Jira's "reserved JQL
 * character" message, and a text value holding a Lucene operator with Jira's "not valid" message, so that a query the
 * adapter failed to quote or clean fails here as it would there.
 */
final class JqlSimulation {
    private static final String LUCENE_OPERATORS = "+-&|!(){}[]^~*?\\:\"/";

    private final Parsed parsed;

    private JqlSimulation(Parsed parsed) {
        this.parsed = parsed;
    }

    /**
     * Parses {@code jql}.
     *
     * @throws JqlException with Jira's message when Jira would refuse it
     */
    static JqlSimulation parse(String jql) {
        return new JqlSimulation(Parsed.parse(jql));
    }

    /** Whether {@code issue}, whose comments hold {@code commentText}, matches. */
    boolean matches(ObjectNode issue, String commentText) {
        return parsed.matches(issue, commentText);
    }

    /** The order asked for; newest first when none was. */
    Comparator<ObjectNode> order() {
        return parsed.order();
    }

    /** Every {@code text} of an ADF tree, space-separated. */
    static String text(JsonNode adf) {
        StringBuilder s = new StringBuilder();
        if (adf.path("text").isTextual()) {
            s.append(adf.path("text").asText()).append(' ');
        }
        adf.path("content").forEach(c -> s.append(text(c)));
        return s.toString();
    }

    /** A JQL query the simulation can answer. */
    private record Parsed(List<Predicate<ObjectNode>> clauses, List<String> textWords, Comparator<ObjectNode> order) {

        boolean matches(ObjectNode issue, String commentText) {
            if (!clauses.stream().allMatch(c -> c.test(issue))) {
                return false;
            }
            if (textWords.isEmpty()) {
                return true;
            }
            JsonNode f = issue.path("fields");
            Set<String> words = words(f.path("summary").asText() + " " + text(f.path("description")) + commentText);
            return words.containsAll(textWords);
        }

        static Set<String> words(String text) {
            Set<String> out = new HashSet<>();
            for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
                if (!w.isEmpty()) {
                    out.add(w);
                }
            }
            return out;
        }

        static Parsed parse(String jql) {
            List<String> tokens = tokenize(jql);
            List<Predicate<ObjectNode>> clauses = new ArrayList<>();
            List<String> textWords = new ArrayList<>();
            Comparator<ObjectNode> order = Comparator.comparing(
                            (ObjectNode i) -> i.path("fields").path("created").asText())
                    .thenComparingLong(i -> i.path("id").asLong())
                    .reversed();
            int i = 0;
            while (i < tokens.size()) {
                if (tokens.get(i).equalsIgnoreCase("ORDER")) {
                    break;
                }
                if (i + 2 >= tokens.size()) {
                    throw new JqlException(
                            "Error in the JQL Query: Expecting operator and value after '" + tokens.get(i) + "'.");
                }
                String field = tokens.get(i);
                String op = tokens.get(i + 1);
                String value = unquote(tokens.get(i + 2));
                i += 3;
                switch (field) {
                    case "project" -> {
                        require(op, "=", field);
                        clauses.add(issue -> issue.path("fields")
                                .path("project")
                                .path("key")
                                .asText()
                                .equalsIgnoreCase(value));
                    }
                    case "labels" -> {
                        boolean negate = op.equals("!=");
                        if (!negate) {
                            require(op, "=", field);
                        }
                        clauses.add(issue -> {
                            boolean has = false;
                            for (JsonNode l : issue.path("fields").path("labels")) {
                                has |= l.asText().equals(value);
                            }
                            return has != negate;
                        });
                    }
                    case "statusCategory" -> {
                        boolean negate = op.equals("!=");
                        if (!negate) {
                            require(op, "=", field);
                        }
                        String key =
                                switch (value.toLowerCase(Locale.ROOT)) {
                                    case "done", "3" -> "done";
                                    case "to do", "new", "2" -> "new";
                                    case "in progress", "indeterminate", "4" -> "indeterminate";
                                    default -> throw new JqlException("Error in the JQL Query: The value '" + value
                                            + "' does not exist for the field 'statusCategory'.");
                                };
                        clauses.add(issue -> key.equals(issue.path("fields")
                                        .path("status")
                                        .path("statusCategory")
                                        .path("key")
                                        .asText())
                                != negate);
                    }
                    case "text", "summary" -> {
                        require(op, "~", field);
                        for (char c : value.toCharArray()) {
                            if (LUCENE_OPERATORS.indexOf(c) >= 0) {
                                throw new JqlException("The text query '" + value + "' for field '" + field
                                        + "' is not valid: probably your use of wildcard characters is incorrect.");
                            }
                        }
                        List<String> words = new ArrayList<>(words(value));
                        if (field.equals("summary")) {
                            clauses.add(issue -> words(
                                            issue.path("fields").path("summary").asText())
                                    .containsAll(words));
                        } else {
                            textWords.addAll(words);
                        }
                    }
                    default -> throw new JqlException(
                            "Field '" + field + "' does not exist or you do not have permission to view it.");
                }
                if (i < tokens.size() && tokens.get(i).equalsIgnoreCase("AND")) {
                    i++;
                    if (i >= tokens.size() || tokens.get(i).equalsIgnoreCase("ORDER")) {
                        throw new JqlException("Error in the JQL Query: Expecting a field name after 'AND'.");
                    }
                } else if (i < tokens.size() && !tokens.get(i).equalsIgnoreCase("ORDER")) {
                    throw new JqlException(
                            "Error in the JQL Query: Expecting either 'OR' or 'AND' but got '" + tokens.get(i) + "'.");
                }
            }
            if (i < tokens.size()) {
                if (i + 2 >= tokens.size() || !tokens.get(i + 1).equalsIgnoreCase("BY")) {
                    throw new JqlException("Error in the JQL Query: Expecting 'BY' after 'ORDER'.");
                }
                String field = tokens.get(i + 2);
                boolean ascending = i + 3 < tokens.size() && tokens.get(i + 3).equalsIgnoreCase("ASC");
                if (i + 3 < tokens.size() && !ascending && !tokens.get(i + 3).equalsIgnoreCase("DESC")) {
                    throw new JqlException("Error in the JQL Query: Expecting ASC or DESC after '" + field + "'.");
                }
                Comparator<ObjectNode> c =
                        switch (field) {
                            case "created" -> Comparator.comparing((ObjectNode n) ->
                                            n.path("fields").path("created").asText())
                                    .thenComparingLong(n -> n.path("id").asLong());
                            case "key" -> Comparator.comparingLong(
                                    (ObjectNode n) -> n.path("id").asLong());
                            default -> throw new JqlException(
                                    "Error in the JQL Query: Field '" + field + "' cannot be ordered by here.");
                        };
                order = ascending ? c : c.reversed();
            }
            return new Parsed(clauses, textWords, order);
        }

        private static void require(String op, String expected, String field) {
            if (!op.equals(expected)) {
                throw new JqlException("Error in the JQL Query: The operator '" + op + "' is not supported by the '"
                        + field + "' field.");
            }
        }

        private static List<String> tokenize(String jql) {
            List<String> out = new ArrayList<>();
            int i = 0;
            while (i < jql.length()) {
                char c = jql.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '"' || c == '\'') {
                    StringBuilder s = new StringBuilder().append(c);
                    i++;
                    while (i < jql.length() && jql.charAt(i) != c) {
                        if (jql.charAt(i) == '\\') {
                            if (i + 1 >= jql.length() || "\"'\\nrt ".indexOf(jql.charAt(i + 1)) < 0) {
                                throw new JqlException(
                                        "Error in the JQL Query: Illegal escape sequence at character " + i + ".");
                            }
                            s.append(jql, i, i + 2);
                            i += 2;
                            continue;
                        }
                        s.append(jql.charAt(i++));
                    }
                    if (i >= jql.length()) {
                        throw new JqlException("Error in the JQL Query: Unterminated string starting at " + s + ".");
                    }
                    out.add(s.append(c).toString());
                    i++;
                } else if (jql.startsWith("!=", i) || jql.startsWith("!~", i)) {
                    out.add(jql.substring(i, i + 2));
                    i += 2;
                } else if (c == '=' || c == '~' || c == ',') {
                    out.add(String.valueOf(c));
                    i++;
                } else if (Character.isLetterOrDigit(c) || c == '_' || c == '.') {
                    int start = i;
                    while (i < jql.length()
                            && (Character.isLetterOrDigit(jql.charAt(i))
                                    || jql.charAt(i) == '_'
                                    || jql.charAt(i) == '.'
                                    || jql.charAt(i) == '-')) {
                        i++;
                    }
                    out.add(jql.substring(start, i));
                } else {
                    throw new JqlException("Error in the JQL Query: The character '" + c
                            + "' is a reserved JQL character. You must enclose it in a string or use the escape"
                            + " '\\u" + String.format("%04x", (int) c) + "' instead. (line 1, character " + (i + 1)
                            + ")");
                }
            }
            return out;
        }

        private static String unquote(String token) {
            if (token.isEmpty() || (token.charAt(0) != '"' && token.charAt(0) != '\'')) {
                return token;
            }
            StringBuilder s = new StringBuilder();
            for (int i = 1; i < token.length() - 1; i++) {
                char c = token.charAt(i);
                if (c == '\\') {
                    char n = token.charAt(++i);
                    s.append(
                            switch (n) {
                                case 'n' -> '\n';
                                case 't' -> '\t';
                                case 'r' -> '\r';
                                default -> n;
                            });
                } else {
                    s.append(c);
                }
            }
            return s.toString();
        }
    }

    /** A JQL query the simulation refuses, with Jira's message. */
    static final class JqlException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JqlException(String message) {
            super(message);
        }
    }
}
