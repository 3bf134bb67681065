package dev.scaleplane.adapters.jenkins.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The identifiers this adapter hands out and accepts (fixed, shared with the webhook receiver):
 *
 * <ul>
 *   <li>pipeline: the job's full name, {@code folder/sub/job}, at any folder depth (URL {@code
 *       /job/folder/job/sub/job/job});
 *   <li>run id of a build: {@code <full name>#<build number>};
 *   <li>run id of a trigger still waiting in Jenkins' queue: {@code <full name>#queue-<queue item id>}.
 * </ul>
 *
 * Jenkins refuses {@code #} in item names ({@code Jenkins.checkGoodName}; multibranch projects encode it as {@code
 * %23}), so the last {@code #} of a run id always separates the job from the build.
 */
final class Ids {
    private static final Pattern RUN = Pattern.compile("(.+)#(?:(\\d{1,18})|queue-(\\d{1,18}))");

    private Ids() {}

    /** A job by its full name. */
    record Job(List<String> segments) {
        Job {
            segments = List.copyOf(segments);
        }

        /** {@code folder/sub/job}. */
        String fullName() {
            return String.join("/", segments);
        }

        /**
         * A request for {@code method} on the job's URL followed by {@code suffix}, e.g. {@code /buildWithParameters}
         * or {@code /{number}/api/json} (whose placeholders take {@code more}). Each name is one encoded path segment;
         * the template, a metrics tag, holds no names.
         */
        AdapterRequest.Builder request(String method, String suffix, Object... more) {
            StringBuilder template = new StringBuilder();
            for (int i = 0; i < segments.size(); i++) {
                template.append(i == segments.size() - 1 ? "/job/{job}" : "/job/{folder}");
            }
            List<Object> variables = new ArrayList<>(segments);
            variables.addAll(Arrays.asList(more));
            return AdapterRequest.builder(method, template + suffix, variables.toArray());
        }

        /** The job's path below the Jenkins root, encoded as Jenkins writes it: {@code /job/a/job/b%20c}. */
        String urlPath() {
            StringBuilder path = new StringBuilder();
            for (String s : segments) {
                path.append("/job/").append(AdapterRequest.pathSegment(s));
            }
            return path.toString();
        }

        /** The job's path with names as they are, for comparing with a decoded URL path: {@code /job/a/job/b c}. */
        String decodedPath() {
            StringBuilder path = new StringBuilder();
            for (String s : segments) {
                path.append("/job/").append(s);
            }
            return path.toString();
        }

        @Override
        public String toString() {
            return fullName();
        }
    }

    /** A run: a build, or a queue item that has not been resolved to its build yet. */
    sealed interface Run permits Build, Queued {
        Job job();
    }

    /** Build {@code number} of {@code job}. */
    record Build(Job job, long number) implements Run {
        @Override
        public String toString() {
            return job.fullName() + "#" + number;
        }
    }

    /** Queue item {@code id}, created by triggering {@code job}. */
    record Queued(Job job, long id) implements Run {
        @Override
        public String toString() {
            return job.fullName() + "#queue-" + id;
        }
    }

    /**
     * The job named {@code pipeline}.
     *
     * @throws IllegalArgumentException if it is not a full name of non-empty segments
     */
    static Job job(String pipeline) {
        String[] segments = pipeline.split("/", -1);
        for (String s : segments) {
            if (s.isBlank() || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("expected a Jenkins job's full name as folder/sub/job (names"
                        + " separated by /, none empty), e.g. team/platform/deploy, but was '" + pipeline + "'");
            }
        }
        return new Job(Arrays.asList(segments));
    }

    /**
     * The run {@code runId} names.
     *
     * @throws IllegalArgumentException if it is neither {@code <full name>#<number>} nor {@code
     *     <full name>#queue-<id>}
     */
    static Run run(String runId) {
        Matcher m = RUN.matcher(runId);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a Jenkins run id as <job full name>#<build number> or"
                    + " <job full name>#queue-<queue item id>, e.g. team/platform/deploy#42, but was '" + runId + "'");
        }
        Job job = job(m.group(1));
        return m.group(2) != null
                ? new Build(job, Long.parseLong(m.group(2)))
                : new Queued(job, Long.parseLong(m.group(3)));
    }
}
