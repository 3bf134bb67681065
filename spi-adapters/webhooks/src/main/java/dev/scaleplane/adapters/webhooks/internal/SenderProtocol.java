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
 * What the receiver needs to know of one sender: how its deliveries prove their origin, which id a retry of one
 * delivery keeps, what its event is called, what it is about, and whether it reports a CI run that ended. Stateless
 * and thread-safe.
 */
public interface SenderProtocol {

    /** The sender. */
    Sender sender();

    /**
     * Checks the proof of origin.
     *
     * @return null if the delivery is authentic, else why not (never holding the secret, a token or a signature)
     */
    @Nullable
    String reject(WebhookRequest request, Secret secret);

    /** The delivery id, the same for every retry of one delivery; the body's hash when the sender sent none. */
    String deliveryId(WebhookRequest request, JsonNode payload);

    /** The event, as one lower-case segment of an event type name, e.g. {@code workflow_run}. */
    String event(WebhookRequest request, JsonNode payload);

    /** What the event is about (repository, project, issue, job), the events' subject and ordering key; or null. */
    @Nullable
    String subject(JsonNode payload);

    /**
     * The CI run this delivery reports as ended, in the run id format of the system's adapter, or empty when it
     * reports none.
     *
     * @param receivedAt when the delivery arrived, for times the payload lacks
     */
    Optional<CiRun> endedRun(WebhookRequest request, JsonNode payload, Instant receivedAt);

    /** The protocol of {@code sender}. */
    static SenderProtocol of(Sender sender) {
        return switch (sender) {
            case GITHUB -> new GitHubProtocol();
            case GITLAB -> new GitLabProtocol();
            case JENKINS -> new JenkinsProtocol();
            case JIRA -> new JiraProtocol();
        };
    }
}
