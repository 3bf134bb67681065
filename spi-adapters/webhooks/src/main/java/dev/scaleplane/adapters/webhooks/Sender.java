package dev.scaleplane.adapters.webhooks;

import java.util.Locale;

/**
 * The systems whose webhooks the receiver understands, each with its own proof of origin and delivery id. See the
 * package documentation for what each sends and how it is checked.
 */
public enum Sender {
    /** GitHub (github.com, GHES): {@code X-Hub-Signature-256} HMAC-SHA256, {@code X-GitHub-Delivery}. */
    GITHUB,
    /** GitLab: the {@code X-Gitlab-Token} secret token, {@code Idempotency-Key} or {@code X-Gitlab-Event-UUID}. */
    GITLAB,
    /**
     * Jenkins with the Notification plugin: a shared token in the URL ({@code ?token=} or the password of {@code
     * user:token@}); the delivery id is derived from job, build and phase.
     */
    JENKINS,
    /** Jira Cloud or Data Center admin webhooks with a secret: {@code X-Hub-Signature} HMAC-SHA256. */
    JIRA;

    /** The lower-case name used in configuration and event types, e.g. {@code github}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the system runs CI, so that its completions can become {@code CiRunCompleted} events. */
    public boolean runsCi() {
        return this != JIRA;
    }
}
