package dev.scaleplane.adapters.webhooks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.webhooks.Sender;
import dev.scaleplane.adapters.webhooks.WebhookRequest;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.secrets.Secret;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Jira admin webhooks with a secret (developer.atlassian.com, Jira Cloud platform "Webhooks", section "Secure admin
 * webhooks"; Jira Data Center "Managing webhooks" documents the same header):
 *
 * <ul>
 *   <li>origin: {@code X-Hub-Signature: sha256=<hex>}, the HMAC-SHA256 of the raw body keyed with the webhook's
 *       secret, in the WebSub {@code method=signature} form. HMAC-SHA256 is Jira's default and the only method
 *       accepted; webhooks registered without a secret (and the JWT-signed webhooks of Connect and OAuth apps) cannot
 *       be verified this way and are refused;
 *   <li>delivery id: {@code X-Atlassian-Webhook-Identifier}, which Jira keeps across its retries (it retries on 408,
 *       409, 425, 429 and 5xx for up to about 30 minutes, adding {@code X-Atlassian-Webhook-Retry});
 *   <li>event: {@code webhookEvent} without a {@code jira:} prefix, e.g. {@code jira:issue_updated} is {@code
 *       issue_updated};
 *   <li>subject: {@code issue.key} ({@code PROJ-123}, the Jira adapter's issue id), else {@code project.key};
 *   <li>no CI runs.
 * </ul>
 */
final class JiraProtocol implements SenderProtocol {

    @Override
    public Sender sender() {
        return Sender.JIRA;
    }

    @Override
    public @Nullable String reject(WebhookRequest request, Secret secret) {
        return Signatures.checkSha256Header(
                "X-Hub-Signature", request.header("X-Hub-Signature"), secret, request.body());
    }

    @Override
    public String deliveryId(WebhookRequest request, JsonNode payload) {
        String id = request.header("X-Atlassian-Webhook-Identifier");
        return id != null && !id.isBlank() ? id.trim() : Signatures.bodyId(request.body());
    }

    @Override
    public String event(WebhookRequest request, JsonNode payload) {
        String name = Payloads.text(payload.path("webhookEvent"));
        if (name != null && name.startsWith("jira:")) {
            name = name.substring("jira:".length());
        }
        return Payloads.segment(name);
    }

    @Override
    public @Nullable String subject(JsonNode payload) {
        return Payloads.firstText(
                payload.path("issue").path("key"), payload.path("project").path("key"));
    }

    @Override
    public Optional<CiRun> endedRun(WebhookRequest request, JsonNode payload, Instant receivedAt) {
        return Optional.empty();
    }
}
