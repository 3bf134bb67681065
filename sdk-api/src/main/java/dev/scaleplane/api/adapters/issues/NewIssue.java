package dev.scaleplane.api.adapters.issues;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An issue to open.
 *
 * <p>Immutable. Build with {@link #builder(String, String)}.
 */
public final class NewIssue {
    private final String project;
    private final String title;
    private final String body;
    private final List<String> labels;
    private final @Nullable String assignee;

    private NewIssue(Builder b) {
        project = b.project;
        title = b.title;
        body = b.body;
        labels = List.copyOf(b.labels);
        assignee = b.assignee;
    }

    /**
     * A builder.
     *
     * @param project where: {@code owner/repo} (GitHub), a project key (Jira), a team key (Linear)
     * @param title the title, not blank
     */
    public static Builder builder(String project, String title) {
        return new Builder(project, title);
    }

    /** Where the issue is opened. */
    public String project() {
        return project;
    }

    /** The title. */
    public String title() {
        return title;
    }

    /** The body in Markdown; empty for none. */
    public String body() {
        return body;
    }

    /** Labels. */
    public List<String> labels() {
        return labels;
    }

    /** The assignee in the tracker's own terms (login, account id, user id), if any. */
    public @Nullable String assignee() {
        return assignee;
    }

    @Override
    public String toString() {
        return "NewIssue{project=" + project + ", title=" + title + ", labels=" + labels + ", assignee=" + assignee
                + '}';
    }

    /** Builds a {@link NewIssue}. Not thread-safe. */
    public static final class Builder {
        private final String project;
        private final String title;
        private String body = "";
        private final List<String> labels = new ArrayList<>();
        private @Nullable String assignee;

        private Builder(String project, String title) {
            this.project = notBlank(project, "project");
            this.title = notBlank(title, "title");
        }

        /** The Markdown body. */
        public Builder body(String markdown) {
            this.body = Objects.requireNonNull(markdown, "markdown");
            return this;
        }

        /** Adds labels. */
        public Builder labels(String... labels) {
            for (String l : labels) {
                this.labels.add(notBlank(l, "label"));
            }
            return this;
        }

        /** The assignee. */
        public Builder assignee(@Nullable String assignee) {
            this.assignee = assignee;
            return this;
        }

        /** Builds the issue. */
        public NewIssue build() {
            return new NewIssue(this);
        }

        private static String notBlank(String value, String field) {
            Objects.requireNonNull(value, field);
            if (value.isBlank()) {
                throw new IllegalArgumentException(field + " must not be blank");
            }
            return value;
        }
    }
}
