package dev.scaleplane.adapters.jenkins;

import dev.scaleplane.api.adapters.ci.CiStatus;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How a Jenkins build's {@code building}, {@code inProgress} and {@code result} map to a {@link CiStatus}. The one home of this mapping: the adapter reads runs with it and the webhook receiver
 * ({@code scaleplane-adapters-webhooks}) maps deliveries with it, so both report one run the same way.
 *
 * <p>Stateless and thread-safe.
 */
public final class JenkinsBuildStatus {
    private JenkinsBuildStatus() {}

    /**
     * A build's state as a {@link CiStatus}:
     *
     * <ul>
     *   <li>{@code building} or {@code inProgress} (the log is still written after the result is set): RUNNING;
     *   <li>result {@code SUCCESS}: SUCCEEDED;
     *   <li>{@code UNSTABLE} (tests failed), {@code FAILURE}, and any result Jenkins may add: FAILED, so nothing
     *       unknown passes as green;
     *   <li>{@code ABORTED} (stopped), {@code NOT_BUILT} (skipped, e.g. a stage or module not run): CANCELLED;
     *   <li>no result yet outside a build (a moment between states): RUNNING.
     * </ul>
     */
    public static CiStatus of(boolean building, boolean inProgress, @Nullable String result) {
        if (building || inProgress || result == null) {
            return CiStatus.RUNNING;
        }
        return switch (result.toUpperCase(Locale.ROOT)) {
            case "SUCCESS" -> CiStatus.SUCCEEDED;
            case "ABORTED", "NOT_BUILT" -> CiStatus.CANCELLED;
            default -> CiStatus.FAILED;
        };
    }
}
