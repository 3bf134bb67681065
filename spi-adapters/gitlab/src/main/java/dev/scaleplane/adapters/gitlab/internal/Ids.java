package dev.scaleplane.adapters.gitlab.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The identifiers this adapter hands out and accepts (shared with the webhook receiver), all carrying their project so
 * that no call needs a default project in the settings:
 *
 * <ul>
 *   <li>pipeline (what {@code trigger} and {@code runs} take): the project's full path {@code group/sub/project}, or
 *       its numeric id, kept as given;
 *   <li>run id: {@code <project>/<pipeline id>}, e.g. {@code acme/platform/app/1207} or {@code 4242/1207}: the last
 *       segment is GitLab's numeric pipeline id, everything before it the project as the caller spelt it.
 * </ul>
 *
 * The project travels as GitLab's {@code :id} path parameter, URL-encoded ({@code acme%2Fplatform%2Fapp}), as the API
 * documents for namespaced paths.
 */
final class Ids {
    /** A GitLab path segment: letters, digits, {@code _}, {@code -} and {@code .} (GitLab's own rule for paths). */
    private static final String SEGMENT = "[A-Za-z0-9_.][A-Za-z0-9_.-]*";

    private static final Pattern PROJECT = Pattern.compile("\\d+|" + SEGMENT + "(?:/" + SEGMENT + ")+");
    private static final Pattern RUN = Pattern.compile("(.+)/(\\d+)");

    private Ids() {}

    /** A project as the caller named it: a full path or a numeric id. */
    record Project(String spelling) {
        /** Whether the project was named by its numeric id rather than its path. */
        boolean numeric() {
            return spelling.chars().allMatch(Character::isDigit);
        }

        @Override
        public String toString() {
            return spelling;
        }
    }

    /** A pipeline (one run) of a project. */
    record Run(Project project, long pipelineId) {
        @Override
        public String toString() {
            return project + "/" + pipelineId;
        }
    }

    static Project project(String pipeline) {
        if (!PROJECT.matcher(pipeline).matches()) {
            throw new IllegalArgumentException("expected a GitLab project as its full path group/project or"
                    + " group/sub/project (e.g. acme/platform/app), or its numeric id (e.g. 4242), but was '" + pipeline
                    + "'");
        }
        return new Project(pipeline);
    }

    static Run run(String runId) {
        Matcher m = RUN.matcher(runId);
        if (!m.matches() || !PROJECT.matcher(m.group(1)).matches()) {
            throw new IllegalArgumentException("expected a GitLab pipeline run id as <project>/<pipeline id>, e.g."
                    + " acme/platform/app/1207 or 4242/1207, but was '" + runId + "'");
        }
        try {
            return new Run(new Project(m.group(1)), Long.parseLong(m.group(2)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "the pipeline id of '" + runId + "' is too large for a GitLab pipeline id", e);
        }
    }
}
