package dev.scaleplane.adapters.jira.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The identifiers this adapter accepts: a project is its key ({@code OPS}), an issue its key ({@code OPS-123}), as
 * Jira shows them and as the webhook receiver reads them. Jira's default rule for project keys is an uppercase letter
 * followed by uppercase letters, digits or underscores; sites may allow lowercase, so case is not enforced here.
 */
final class JiraKeys {
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,254}");
    private static final Pattern ISSUE = Pattern.compile("([A-Za-z][A-Za-z0-9_]{0,254})-([1-9][0-9]{0,17})");

    private JiraKeys() {}

    /** An issue key and its project. */
    record IssueKey(String project, String key) {
        @Override
        public String toString() {
            return key;
        }
    }

    /**
     * Checks a project key.
     *
     * @throws IllegalArgumentException naming the value and the expected form
     */
    static String project(String project) {
        if (project == null || !PROJECT.matcher(project).matches()) {
            throw new IllegalArgumentException(
                    "expected a Jira project key such as OPS (a letter, then letters, digits or _), but was '" + project
                            + "'");
        }
        return project;
    }

    /**
     * Checks an issue key.
     *
     * @throws IllegalArgumentException naming the value and the expected form
     */
    static IssueKey issue(String id) {
        Matcher m = id == null ? null : ISSUE.matcher(id);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(
                    "expected a Jira issue key such as OPS-123 (project key, '-', number), but was '" + id + "'");
        }
        return new IssueKey(m.group(1), id);
    }
}
