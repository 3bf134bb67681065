package dev.scaleplane.api.adapters.issues;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to search for: issues of a project, optionally open only, with all the labels, and containing a text.
 *
 * @param project where to search
 * @param state only issues in this state, or null for any
 * @param labels issues carrying every one of these labels
 * @param text words the title or body must contain; empty for none
 */
public record IssueQuery(String project, @Nullable IssueState state, List<String> labels, String text) {

    /** Validates and copies. */
    public IssueQuery {
        Objects.requireNonNull(project, "project");
        labels = List.copyOf(labels);
        Objects.requireNonNull(text, "text");
    }

    /** Every issue of {@code project}. */
    public static IssueQuery of(String project) {
        return new IssueQuery(project, null, List.of(), "");
    }

    /** Open issues of {@code project} with every one of {@code labels}. */
    public static IssueQuery open(String project, String... labels) {
        return new IssueQuery(project, IssueState.OPEN, List.of(labels), "");
    }
}
