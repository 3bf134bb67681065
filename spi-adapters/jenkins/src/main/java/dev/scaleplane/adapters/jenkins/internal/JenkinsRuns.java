package dev.scaleplane.adapters.jenkins.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiStatus;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Jenkins' JSON (Remote Access API, {@code .../api/json}) as {@link CiRun}s: builds ({@code hudson.model.Run} and
 * Pipeline's {@code WorkflowRun}) and queue items ({@code hudson.model.Queue$WaitingItem}, {@code $BlockedItem},
 * {@code $BuildableItem}, {@code $LeftItem}).
 */
final class JenkinsRuns {
    /** What {@code status} asks of a build. */
    static final String BUILD_TREE =
            "number,url,result,building,inProgress,timestamp,duration,actions[parameters[name,value]]";

    /** {@link CiRun#conclusion()} of a build that has not finished: Jenkins' {@code building: true}. */
    static final String BUILDING = "building";

    private JenkinsRuns() {}

    static CiStatus map(boolean building, boolean inProgress, @Nullable String result) {
        return dev.scaleplane.adapters.jenkins.JenkinsBuildStatus.of(building, inProgress, result);
    }

    /**
     * A build as {@code /job/.../<number>/api/json} (or an element of {@code allBuilds}) describes it. The conclusion
     * is Jenkins' result ({@code SUCCESS}, {@code UNSTABLE}, ...) once finished, else {@value #BUILDING}.
     */
    static CiRun build(Ids.Job job, JsonNode build, @Nullable String refParameter, URI base, Clock clock) {
        long number = build.path("number").asLong();
        boolean building = build.path("building").asBoolean(false);
        boolean inProgress = build.path("inProgress").asBoolean(false);
        String result = build.path("result").isTextual() ? build.path("result").asText() : null;
        CiStatus status = map(building, inProgress, result);
        Instant created = millis(build.path("timestamp")).orElse(clock.instant());
        long duration = build.path("duration").asLong(0);
        return new CiRun(
                new Ids.Build(job, number).toString(),
                job.fullName(),
                refParameter == null ? "" : parameter(build, refParameter),
                url(build.path("url"), URI.create(root(base) + job.urlPath() + "/" + number + "/")),
                status,
                status == CiStatus.RUNNING ? BUILDING : result,
                created,
                status.terminal() && duration > 0 ? created.plusMillis(duration) : null);
    }

    /**
     * A queue item as {@code /queue/item/<id>/api/json} describes it, before it has a build: QUEUED, with Jenkins'
     * {@code why} ("Waiting for next available executor", "In the quiet period. Expires in 4.9 sec", "Build #3 is
     * already in progress") as the conclusion, or CANCELLED ({@code cancelled: true}, conclusion {@code cancelled}).
     */
    static CiRun queued(Ids.Queued queued, JsonNode item, @Nullable String refParameter, URI base, Clock clock) {
        boolean cancelled = item.path("cancelled").asBoolean(false);
        String why = item.path("why").isTextual() ? item.path("why").asText().strip() : "";
        return new CiRun(
                queued.toString(),
                queued.job().fullName(),
                refParameter == null ? "" : parameter(item, refParameter),
                jobUrl(base, queued.job()),
                cancelled ? CiStatus.CANCELLED : CiStatus.QUEUED,
                cancelled ? "cancelled" : why.isEmpty() ? "queued" : why,
                millis(item.path("inQueueSince")).orElse(clock.instant()),
                null);
    }

    /** Where a person sees the job (and its queue): {@code <base>/job/a/job/b/}. */
    static URI jobUrl(URI base, Ids.Job job) {
        return URI.create(root(base) + job.urlPath() + "/");
    }

    /** The value of parameter {@code name} in the {@code ParametersAction} among {@code actions}, or empty. */
    static String parameter(JsonNode node, String name) {
        for (JsonNode action : node.path("actions")) {
            for (JsonNode parameter : action.path("parameters")) {
                if (name.equals(parameter.path("name").asText())) {
                    JsonNode value = parameter.path("value");
                    return value.isValueNode() && !value.isNull() ? value.asText() : "";
                }
            }
        }
        return "";
    }

    /** The base URL without its trailing slash. */
    static String root(URI base) {
        String s = base.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static URI url(JsonNode node, URI fallback) {
        if (node.isTextual()) {
            try {
                URI uri = URI.create(node.asText());
                if (uri.isAbsolute()) {
                    return uri;
                }
            } catch (IllegalArgumentException e) {
                // Jenkins wrote no usable URL (root URL unset): ours will do.
            }
        }
        return fallback;
    }

    private static Optional<Instant> millis(JsonNode node) {
        return node.canConvertToLong() && node.asLong() > 0
                ? Optional.of(Instant.ofEpochMilli(node.asLong()))
                : Optional.empty();
    }
}
