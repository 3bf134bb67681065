package dev.scaleplane.adapters.webhooks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.gitlab.GitLabPipelineStatus;
import dev.scaleplane.adapters.webhooks.Sender;
import dev.scaleplane.adapters.webhooks.WebhookRequest;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.adapters.secrets.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * GitLab webhooks (docs.gitlab.com, "Webhooks" and "Webhook events"):
 *
 * <ul>
 *   <li>origin: {@code X-Gitlab-Token}, the webhook's secret token sent as is, compared in constant time;
 *   <li>delivery id: {@code Idempotency-Key} (GitLab 17.4+, "consistent across webhook retries"); before that,
 *       {@code X-Gitlab-Event-UUID} joined with a hash of the body, because GitLab gives every webhook triggered by
 *       one recursive chain the same event UUID and they must not be taken for retries of each other; with neither,
 *       the body's hash;
 *   <li>event: {@code X-Gitlab-Event} without its {@code " Hook"} suffix, e.g. {@code Pipeline Hook} is {@code
 *       pipeline}, {@code Merge Request Hook} {@code merge_request};
 *   <li>subject: {@code project.path_with_namespace};
 *   <li>ended run: a {@code pipeline} event whose {@code object_attributes.status} is {@code success} (SUCCEEDED),
 *       {@code failed} (FAILED), {@code canceled}, {@code canceling} or {@code skipped} (CANCELLED), as the GitLab CI
 *       adapter maps them; run id {@code
 *       <project path>/<pipeline id>}, pipeline the project path.
 * </ul>
 */
final class GitLabProtocol implements SenderProtocol {

    @Override
    public Sender sender() {
        return Sender.GITLAB;
    }

    @Override
    public @Nullable String reject(WebhookRequest request, Secret secret) {
        String token = request.header("X-Gitlab-Token");
        if (token == null) {
            return "missing X-Gitlab-Token header";
        }
        return Signatures.tokenMatches(token, secret) ? null : "X-Gitlab-Token does not match the secret token";
    }

    @Override
    public String deliveryId(WebhookRequest request, JsonNode payload) {
        String key = request.header("Idempotency-Key");
        if (key != null && !key.isBlank()) {
            return key.trim();
        }
        String uuid = request.header("X-Gitlab-Event-UUID");
        if (uuid != null && !uuid.isBlank()) {
            return uuid.trim() + ":" + HexFormat.of().formatHex(Signatures.sha256(request.body()), 0, 8);
        }
        return Signatures.bodyId(request.body());
    }

    @Override
    public String event(WebhookRequest request, JsonNode payload) {
        String header = request.header("X-Gitlab-Event");
        if (header != null) {
            String name = header.trim();
            if (name.endsWith(" Hook")) {
                name = name.substring(0, name.length() - " Hook".length());
            }
            return Payloads.segment(name);
        }
        return Payloads.segment(Payloads.firstText(payload.path("object_kind"), payload.path("event_name")));
    }

    @Override
    public @Nullable String subject(JsonNode payload) {
        return Payloads.text(payload.path("project").path("path_with_namespace"));
    }

    @Override
    public Optional<CiRun> endedRun(WebhookRequest request, JsonNode payload, Instant receivedAt) {
        JsonNode pipeline = payload.path("object_attributes");
        if (!"pipeline".equals(Payloads.text(payload.path("object_kind")))
                || !pipeline.path("id").canConvertToLong()) {
            return Optional.empty();
        }
        String status = Payloads.text(pipeline.path("status"));
        CiStatus mapped = map(status);
        String project = Payloads.firstText(
                payload.path("project").path("path_with_namespace"),
                payload.path("project").path("id"));
        if (mapped == null || project == null) {
            return Optional.empty();
        }
        long id = pipeline.path("id").asLong();
        String webUrl = Payloads.text(payload.path("project").path("web_url"));
        URI url = Payloads.uri(Payloads.text(pipeline.path("url")))
                .or(() -> Payloads.uri(webUrl != null ? webUrl + "/-/pipelines/" + id : null))
                .orElseGet(() -> URI.create("/" + project + "/-/pipelines/" + id));
        String ref = Payloads.text(pipeline.path("ref"));
        return Optional.of(new CiRun(
                project + "/" + id,
                project,
                ref != null ? ref : "",
                url,
                mapped,
                status,
                Payloads.instant(pipeline.path("created_at")).orElse(receivedAt),
                Payloads.instant(pipeline.path("finished_at")).orElse(null)));
    }

    /**
     * A pipeline status that has ended, mapped by the GitLab CI adapter's {@link GitLabPipelineStatus}; null for one
     * still going (a Pipeline Hook is sent on every status change).
     */
    static @Nullable CiStatus map(@Nullable String status) {
        if (status == null) {
            return null;
        }
        CiStatus mapped = GitLabPipelineStatus.of(status, false);
        return mapped.terminal() ? mapped : null;
    }
}
