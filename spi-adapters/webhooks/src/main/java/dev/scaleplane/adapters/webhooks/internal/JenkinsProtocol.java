package dev.scaleplane.adapters.webhooks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.jenkins.JenkinsBuildStatus;
import dev.scaleplane.adapters.webhooks.Sender;
import dev.scaleplane.adapters.webhooks.WebhookRequest;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.adapters.secrets.Secret;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Jenkins with the Notification plugin (plugins.jenkins.io/notification; its JSON format is the plugin's {@code
 * JobState}/{@code BuildState} written with snake_case names: {@code name}, {@code url}, {@code build.full_url},
 * {@code build.number}, {@code build.queue_id}, {@code build.phase} QUEUED/STARTED/COMPLETED/FINALIZED, {@code
 * build.status} SUCCESS/UNSTABLE/FAILURE/NOT_BUILT/ABORTED, {@code build.timestamp}, {@code build.duration}, {@code
 * build.scm}, {@code build.parameters}).
 *
 * <ul>
 *   <li>origin: the plugin can send no header of its own, only the URL: the shared token goes either in the query,
 *       {@code ?token=<secret>}, or as the password of the URL's user info, {@code https://jenkins:<secret>@host/...},
 *       which the plugin sends as {@code Authorization: Basic}. Keep the URL in a Jenkins secret-text credential (the
 *       plugin's "URL from credentials"), so it does not show in job configurations or build logs;
 *   <li>delivery id: Jenkins sends none, so it is derived: {@code <full job name>#<build number>:<PHASE>}. The plugin's
 *       own retries send the same job, build and phase, so they get the same id, while the phases of one build stay
 *       distinct. One endpoint should serve one Jenkins controller, since ids do not name the controller;
 *   <li>event: the phase in lower case, e.g. {@code completed};
 *   <li>subject: the job's full name, {@code folder/sub/job}, read from the job's {@code url} ({@code
 *       job/folder/job/sub/job/job/}), since {@code name} holds only the last segment;
 *   <li>ended run: phase COMPLETED or FINALIZED with a status: SUCCESS is SUCCEEDED; ABORTED and NOT_BUILT CANCELLED;
 *       FAILURE, UNSTABLE and anything else FAILED, as the Jenkins adapter maps Jenkins' result. Run id {@code <full name>#<build number>}, pipeline the full name.
 * </ul>
 *
 * The plugin treats only a failed connection as a failed notification: an HTTP 503 is not retried by Jenkins, so a
 * completion lost to a refusing bus is recovered by polling ({@code awaitCompletion}), not by a redelivery.
 */
final class JenkinsProtocol implements SenderProtocol {

    @Override
    public Sender sender() {
        return Sender.JENKINS;
    }

    @Override
    public @Nullable String reject(WebhookRequest request, Secret secret) {
        String token = request.queryParameter("token");
        String from = "the token query parameter";
        if (token == null) {
            token = basicPassword(request.header("Authorization"));
            from = "the Authorization password";
        }
        if (token == null) {
            return "no token: put ?token=<secret> or user:<secret>@ in the notification URL";
        }
        return Signatures.tokenMatches(token, secret) ? null : from + " does not match the shared token";
    }

    private static @Nullable String basicPassword(@Nullable String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String deliveryId(WebhookRequest request, JsonNode payload) {
        String job = fullName(payload);
        JsonNode build = payload.path("build");
        String phase = Payloads.text(build.path("phase"));
        if (job == null || !build.path("number").canConvertToLong() || phase == null) {
            return Signatures.bodyId(request.body());
        }
        return job + "#" + build.path("number").asLong() + ":" + phase.toUpperCase(Locale.ROOT);
    }

    @Override
    public String event(WebhookRequest request, JsonNode payload) {
        String phase = Payloads.text(payload.path("build").path("phase"));
        return phase == null ? "notification" : Payloads.segment(phase);
    }

    @Override
    public @Nullable String subject(JsonNode payload) {
        return fullName(payload);
    }

    /**
     * The job's full name from its URL: {@code job/folder/job/sub/job/app/} is {@code folder/sub/app}, each segment
     * URL-decoded once (so a multibranch job named {@code feature%2Fx} keeps that name); {@code name} without a URL.
     */
    static @Nullable String fullName(JsonNode payload) {
        String url = Payloads.text(payload.path("url"));
        if (url != null) {
            List<String> names = new ArrayList<>();
            String[] segments = url.split("/");
            for (int i = 0; i + 1 < segments.length; i++) {
                if ("job".equals(segments[i]) && !segments[i + 1].isEmpty()) {
                    try {
                        names.add(URLDecoder.decode(segments[i + 1], StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException e) {
                        names.add(segments[i + 1]);
                    }
                    i++;
                }
            }
            if (!names.isEmpty()) {
                return String.join("/", names);
            }
        }
        return Payloads.text(payload.path("name"));
    }

    @Override
    public Optional<CiRun> endedRun(WebhookRequest request, JsonNode payload, Instant receivedAt) {
        JsonNode build = payload.path("build");
        String phase = Payloads.text(build.path("phase"));
        String status = Payloads.text(build.path("status"));
        String job = fullName(payload);
        CiStatus mapped = map(status);
        if (!("COMPLETED".equalsIgnoreCase(phase) || "FINALIZED".equalsIgnoreCase(phase))
                || mapped == null
                || job == null
                || !build.path("number").canConvertToLong()) {
            return Optional.empty();
        }
        long number = build.path("number").asLong();
        // The plugin's timestamp is when the phase was notified; the run began one duration earlier.
        Instant at = Payloads.instant(build.path("timestamp")).orElse(receivedAt);
        Instant started = build.path("duration").canConvertToLong()
                ? at.minus(Duration.ofMillis(Math.max(0, build.path("duration").asLong())))
                : at;
        String ref = Payloads.text(build.path("scm").path("branch"));
        return Optional.of(new CiRun(
                job + "#" + number,
                job,
                ref != null ? ref : "",
                // full_url needs Jenkins' root URL configured; the relative url is always there
                Payloads.uri(Payloads.firstText(build.path("full_url"), build.path("url")))
                        .orElseGet(() -> URI.create(job)),
                mapped,
                status,
                started,
                at));
    }

    /** A build result, mapped by the Jenkins adapter's {@link JenkinsBuildStatus}; null for none. */
    static @Nullable CiStatus map(@Nullable String result) {
        return result == null ? null : JenkinsBuildStatus.of(false, false, result);
    }
}
