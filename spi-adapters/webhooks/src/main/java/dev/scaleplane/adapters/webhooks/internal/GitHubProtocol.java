package dev.scaleplane.adapters.webhooks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.github.GitHubRunStatus;
import dev.scaleplane.adapters.webhooks.Sender;
import dev.scaleplane.adapters.webhooks.WebhookRequest;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.adapters.secrets.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * GitHub webhooks (docs.github.com, "Validating webhook deliveries" and "Webhook events and payloads"):
 *
 * <ul>
 *   <li>origin: {@code X-Hub-Signature-256: sha256=<hex>}, the HMAC-SHA256 of the raw body keyed with the webhook
 *       secret; the legacy SHA-1 {@code X-Hub-Signature} is ignored;
 *   <li>delivery id: {@code X-GitHub-Delivery}, a GUID that a redelivery keeps;
 *   <li>event: {@code X-GitHub-Event}, e.g. {@code workflow_run}, {@code push}, {@code ping};
 *   <li>subject: {@code repository.full_name};
 *   <li>ended run: event {@code workflow_run} with {@code action: completed}. The {@code workflow_run} object is the
 *       REST API's workflow run, so it maps as the GitHub Actions adapter maps {@code GET
 *       /repos/{owner}/{repo}/actions/runs/{id}}: run id {@code owner/repo/<id>}, pipeline {@code
 *       owner/repo/<workflow file>}, completed {@code success} or {@code neutral} SUCCEEDED, {@code cancelled} or
 *       {@code skipped} CANCELLED, anything else FAILED.
 * </ul>
 */
final class GitHubProtocol implements SenderProtocol {

    @Override
    public Sender sender() {
        return Sender.GITHUB;
    }

    @Override
    public @Nullable String reject(WebhookRequest request, Secret secret) {
        return Signatures.checkSha256Header(
                "X-Hub-Signature-256", request.header("X-Hub-Signature-256"), secret, request.body());
    }

    @Override
    public String deliveryId(WebhookRequest request, JsonNode payload) {
        String id = request.header("X-GitHub-Delivery");
        return id != null && !id.isBlank() ? id.trim() : Signatures.bodyId(request.body());
    }

    @Override
    public String event(WebhookRequest request, JsonNode payload) {
        return Payloads.segment(request.header("X-GitHub-Event"));
    }

    @Override
    public @Nullable String subject(JsonNode payload) {
        return Payloads.text(payload.path("repository").path("full_name"));
    }

    @Override
    public Optional<CiRun> endedRun(WebhookRequest request, JsonNode payload, Instant receivedAt) {
        JsonNode run = payload.path("workflow_run");
        if (!"workflow_run".equals(event(request, payload))
                || !"completed".equals(Payloads.text(payload.path("action")))
                || !run.path("id").canConvertToLong()) {
            return Optional.empty();
        }
        String repo = Payloads.firstText(
                run.path("repository").path("full_name"),
                payload.path("repository").path("full_name"));
        if (repo == null) {
            return Optional.empty();
        }
        long id = run.path("id").asLong();
        String status = Payloads.text(run.path("status"));
        String conclusion = Payloads.text(run.path("conclusion"));
        URI url = Payloads.uri(Payloads.text(run.path("html_url")))
                .orElseGet(() -> URI.create("https://github.com/" + repo + "/actions/runs/" + id));
        String ref = Payloads.text(run.path("head_branch"));
        return Optional.of(new CiRun(
                repo + "/" + id,
                repo + "/" + workflowFile(run, payload.path("workflow")),
                ref != null ? ref : "",
                url,
                map(conclusion),
                conclusion != null ? conclusion : status != null ? status : "completed",
                Payloads.instant(run.path("created_at")).orElse(receivedAt),
                Payloads.instant(run.path("updated_at")).orElse(null)));
    }

    /** {@code .github/workflows/ci.yml@main} is {@code ci.yml}; without a path, the workflow id. */
    private static String workflowFile(JsonNode run, JsonNode workflow) {
        String path = Payloads.firstText(run.path("path"), workflow.path("path"));
        if (path != null) {
            int at = path.indexOf('@');
            if (at >= 0) {
                path = path.substring(0, at);
            }
            path = path.substring(path.lastIndexOf('/') + 1);
            if (!path.isEmpty()) {
                return path;
            }
        }
        String id = Payloads.firstText(run.path("workflow_id"), workflow.path("id"));
        return id != null ? id : "unknown";
    }

    /** The conclusion of a completed run, mapped by the GitHub Actions adapter's {@link GitHubRunStatus}. */
    static CiStatus map(@Nullable String conclusion) {
        return GitHubRunStatus.of("completed", conclusion);
    }
}
