package dev.scaleplane.adapters.github;

import dev.scaleplane.api.adapters.ci.CiStatus;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How a GitHub Actions workflow run's {@code status} and {@code conclusion} map to a {@link CiStatus}. The one home of this mapping: the adapter reads runs with it and the webhook receiver
 * ({@code scaleplane-adapters-webhooks}) maps deliveries with it, so both report one run the same way.
 *
 * <p>Stateless and thread-safe.
 */
public final class GitHubRunStatus {
    private GitHubRunStatus() {}

    /**
     * GitHub's status and conclusion as a {@link CiStatus}:
     *
     * <ul>
     *   <li>{@code queued}, {@code waiting}, {@code requested}, {@code pending}: QUEUED;
     *   <li>{@code in_progress} (and any status GitHub adds later, until it completes): RUNNING;
     *   <li>completed with {@code success}, or {@code neutral} (ended without failing): SUCCEEDED;
     *   <li>completed with {@code failure}, {@code timed_out}, {@code action_required}, {@code startup_failure},
     *       {@code stale} (GitHub gave up on it) or no or an unknown conclusion: FAILED, so nothing unknown passes as
     *       green;
     *   <li>completed with {@code cancelled} or {@code skipped} (it did not run to its end): CANCELLED.
     * </ul>
     */
    public static CiStatus of(String status, @Nullable String conclusion) {
        switch (status.toLowerCase(Locale.ROOT)) {
            case "queued", "waiting", "requested", "pending" -> {
                return CiStatus.QUEUED;
            }
            case "completed" -> {
                String c = conclusion == null ? "" : conclusion.toLowerCase(Locale.ROOT);
                return switch (c) {
                    case "success", "neutral" -> CiStatus.SUCCEEDED;
                    case "cancelled", "skipped" -> CiStatus.CANCELLED;
                    default -> CiStatus.FAILED;
                };
            }
            default -> {
                return CiStatus.RUNNING;
            }
        }
    }
}
