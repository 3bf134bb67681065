package dev.scaleplane.adapters.jira.internal;

import dev.scaleplane.api.adapters.issues.IssueQuery;
import dev.scaleplane.api.adapters.issues.IssueState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds the JQL this adapter searches with, from values that are never trusted: every value is a quoted JQL string
 * with {@code \} and {@code "} escaped and control characters turned into spaces, so no project key, label or search
 * text can end the string and add a clause of its own. Text searched with {@code ~} is a Lucene query inside that
 * string as well; its operator characters ({@code + - & | ! ( ) { } [ ] ^ ~ * ? \ : " /}) are replaced by spaces,
 * which is also how Jira's index splits words, so a search matches the words given and nothing the characters would
 * mean as operators.
 *
 * <p>Stateless and thread-safe.
 */
final class Jql {
    /** Lucene's query operators, meaningful inside a {@code text ~ "..."} value. */
    private static final String LUCENE_OPERATORS = "+-&|!(){}[]^~*?\\:\"/";

    private Jql() {}

    /** {@code value} as a JQL string literal. */
    static String quote(String value) {
        Objects.requireNonNull(value, "value");
        StringBuilder s = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '"') {
                s.append('\\').append(c);
            } else if (Character.isISOControl(c)) {
                s.append(' ');
            } else {
                s.append(c);
            }
        }
        return s.append('"').toString();
    }

    /**
     * The words of {@code text} as Jira's text search takes them: operators replaced by spaces, whitespace collapsed.
     *
     * @throws IllegalArgumentException if no word is left
     */
    static String words(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            s.append(LUCENE_OPERATORS.indexOf(c) >= 0 || Character.isISOControl(c) ? ' ' : c);
        }
        String words = s.toString().strip().replaceAll("\\s+", " ");
        if (words.isEmpty()) {
            throw new IllegalArgumentException("search text '" + text + "' has no word Jira can search for: its text"
                    + " search ignores the characters " + LUCENE_OPERATORS + "; give at least one word");
        }
        return words;
    }

    /** {@code query} as JQL: project, state (by status category), every label, the words; newest first. */
    static String search(IssueQuery query) {
        List<String> clauses = new ArrayList<>();
        clauses.add("project = " + quote(query.project()));
        if (query.state() != null) {
            clauses.add("statusCategory " + (query.state() == IssueState.OPEN ? "!=" : "=") + " " + quote("Done"));
        }
        for (String label : query.labels()) {
            clauses.add("labels = " + quote(label));
        }
        if (!query.text().isBlank()) {
            clauses.add("text ~ " + quote(words(query.text())));
        }
        return String.join(" AND ", clauses) + " ORDER BY created DESC";
    }

    /** Open issues of {@code project} carrying {@code label}, oldest first: the issue an upsert comments on. */
    static String openWithLabel(String project, String label) {
        return "project = " + quote(project) + " AND labels = " + quote(label) + " AND statusCategory != "
                + quote("Done") + " ORDER BY created ASC";
    }
}
