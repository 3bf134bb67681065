package dev.scaleplane.adapters.github.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The identifiers this adapter hands out and accepts, all carrying their repository so that no call needs a default
 * repository in the settings:
 *
 * <ul>
 *   <li>project: {@code owner/repo};
 *   <li>pipeline: {@code owner/repo/workflow}, the workflow being its file name ({@code ci.yml}) or numeric id;
 *   <li>run id: {@code owner/repo/runId};
 *   <li>issue id: {@code owner/repo#number}.
 * </ul>
 */
final class Ids {
    private static final String NAME = "[A-Za-z0-9_.-]+";
    private static final Pattern REPO = Pattern.compile("(" + NAME + ")/(" + NAME + ")");
    private static final Pattern PIPELINE = Pattern.compile("(" + NAME + ")/(" + NAME + ")/([^/]+)");
    private static final Pattern RUN = Pattern.compile("(" + NAME + ")/(" + NAME + ")/(\\d+)");
    private static final Pattern ISSUE = Pattern.compile("(" + NAME + ")/(" + NAME + ")#(\\d+)");

    private Ids() {}

    /** A repository. */
    record Repo(String owner, String name) {
        @Override
        public String toString() {
            return owner + "/" + name;
        }
    }

    /** A workflow of a repository. */
    record Workflow(Repo repo, String workflow) {}

    /** A run of a repository. */
    record Run(Repo repo, long runId) {
        @Override
        public String toString() {
            return repo + "/" + runId;
        }
    }

    /** An issue of a repository. */
    record IssueRef(Repo repo, long number) {
        @Override
        public String toString() {
            return repo + "#" + number;
        }
    }

    static Repo repo(String project) {
        Matcher m = match(REPO, project, "a repository as owner/repo, e.g. acme/app");
        return new Repo(m.group(1), m.group(2));
    }

    static Workflow workflow(String pipeline) {
        Matcher m =
                match(PIPELINE, pipeline, "a GitHub workflow as owner/repo/workflow-file-or-id, e.g. acme/app/ci.yml");
        return new Workflow(new Repo(m.group(1), m.group(2)), m.group(3));
    }

    static Run run(String runId) {
        Matcher m = match(RUN, runId, "a GitHub Actions run id as owner/repo/runId, e.g. acme/app/123456");
        return new Run(new Repo(m.group(1), m.group(2)), Long.parseLong(m.group(3)));
    }

    static IssueRef issue(String issueId) {
        Matcher m = match(ISSUE, issueId, "a GitHub issue id as owner/repo#number, e.g. acme/app#42");
        return new IssueRef(new Repo(m.group(1), m.group(2)), Long.parseLong(m.group(3)));
    }

    private static Matcher match(Pattern pattern, String value, String expected) {
        Matcher m = pattern.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected " + expected + ", but was '" + value + "'");
        }
        return m;
    }
}
