package dev.scaleplane.api.adapters.issues;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An issue as the tracker reports it.
 *
 * @param id the tracker's id, used by every other call (GitHub {@code owner/repo#number}, a Jira key such as
 *     {@code OPS-12}, a Linear identifier such as {@code ENG-42})
 * @param project where it lives
 * @param title the title
 * @param state open or closed
 * @param status the tracker's own status name, e.g. {@code In Progress}
 * @param labels labels
 * @param assignee the assignee, if any
 * @param url where a person sees it
 */
public record Issue(
        String id,
        String project,
        String title,
        IssueState state,
        String status,
        List<String> labels,
        @Nullable String assignee,
        URI url) {

    /** Validates and copies. */
    public Issue {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(status, "status");
        labels = List.copyOf(labels);
        Objects.requireNonNull(url, "url");
    }
}
