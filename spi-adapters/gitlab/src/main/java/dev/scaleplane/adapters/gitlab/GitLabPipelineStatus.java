package dev.scaleplane.adapters.gitlab;

import dev.scaleplane.api.adapters.ci.CiStatus;
import java.util.Locale;

/**
 * How a GitLab pipeline's {@code status} maps to a {@link CiStatus}. The one home of this mapping: the adapter reads runs with it and the webhook receiver
 * ({@code scaleplane-adapters-webhooks}) maps deliveries with it, so both report one run the same way.
 *
 * <p>Stateless and thread-safe.
 */
public final class GitLabPipelineStatus {
    private GitLabPipelineStatus() {}

    /**
     * GitLab's pipeline status (every value of {@code Ci::HasStatus::AVAILABLE_STATUSES}) as a {@link CiStatus}:
     *
     * <ul>
     *   <li>{@code created}, {@code waiting_for_resource}, {@code preparing}, {@code pending}, {@code scheduled} (a
     *       delayed job waits for its timer): QUEUED;
     *   <li>{@code running}, {@code waiting_for_callback} (a job waits for an outside service it called) and {@code
     *       manual}: RUNNING. A {@code manual} pipeline has stopped at a manual job that gates it ({@code when:
     *       manual}, not allowed to fail): it is under way and has not ended, and only a person playing that job moves
     *       it on, so {@code awaitCompletion} keeps polling until then or its timeout; the conclusion {@code manual}
     *       says why;
     *   <li>{@code success}: SUCCEEDED;
     *   <li>{@code failed}: FAILED;
     *   <li>{@code canceled}, {@code canceling} (cancelled, its jobs still stopping: it can only end cancelled) and
     *       {@code skipped}: CANCELLED;
     *   <li>anything else (a status GitLab adds later): RUNNING while the pipeline has no {@code finished_at}, FAILED
     *       once it has, so nothing unknown passes as green, as for GitHub's unknown conclusions.
     * </ul>
     */
    public static CiStatus of(String status, boolean finished) {
        return switch (status.toLowerCase(Locale.ROOT)) {
            case "created", "waiting_for_resource", "preparing", "pending", "scheduled" -> CiStatus.QUEUED;
            case "running", "waiting_for_callback", "manual" -> CiStatus.RUNNING;
            case "success" -> CiStatus.SUCCEEDED;
            case "failed" -> CiStatus.FAILED;
            case "canceled", "canceling", "skipped" -> CiStatus.CANCELLED;
            default -> finished ? CiStatus.FAILED : CiStatus.RUNNING;
        };
    }
}
