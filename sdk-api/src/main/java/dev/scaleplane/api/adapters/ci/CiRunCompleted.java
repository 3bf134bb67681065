package dev.scaleplane.api.adapters.ci;

import java.util.Objects;

/**
 * A CI run ended: the payload of the one event type for it, {@link CiEvents#RUN_COMPLETED} ({@value
 * CiEvents#RUN_COMPLETED_TYPE_NAME}), whether the platform learned it by polling ({@link CiAdapter#awaitCompletion} on
 * an adapter from {@code platform.adapters().ci(name)}) or from the system's webhook (the webhook receiver of {@code
 * scaleplane-adapters-webhooks}).
 *
 * <p>Both observers give the event the same CloudEvents source and id ({@link CiEvents#source}, {@link
 * CiEvents#eventId}), so a completion seen twice is one event to a consumer that de-duplicates by (source, id), such
 * as a subscription with {@code SubscriptionOptions.Builder#deduplicate}. {@link #via()} then tells how the copy that
 * got through was learned.
 *
 * <p>Immutable and thread-safe.
 *
 * @param system the CI system, as {@link CiAdapter#system()}: {@code github}, {@code gitlab}, {@code jenkins}
 * @param instance the adapter instance name, as {@link CiAdapter#name()} ({@code scaleplane.adapters.<instance>.*})
 * @param run the run as it ended; its status is {@linkplain CiStatus#terminal() terminal}, its id in the instance's
 *     run id format (GitHub {@code owner/repo/<runId>}, GitLab {@code <project>/<pipelineId>}, Jenkins {@code <full
 *     name>#<build number>})
 * @param via how the platform learned that the run ended
 */
public record CiRunCompleted(String system, String instance, CiRun run, Via via) {

    /** How the platform learned that a run ended. */
    public enum Via {
        /** The system's webhook told the receiver. */
        WEBHOOK,
        /** {@link CiAdapter#awaitCompletion} saw the run end. */
        POLLING
    }

    /**
     * Validates the fields.
     *
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code system} or {@code instance} is blank, or the run has not ended
     */
    public CiRunCompleted {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(via, "via");
        if (system.isBlank()) {
            throw new IllegalArgumentException("system must not be blank");
        }
        if (instance.isBlank()) {
            throw new IllegalArgumentException("instance must not be blank");
        }
        if (!run.status().terminal()) {
            throw new IllegalArgumentException("run " + run.id() + " has not ended (status " + run.status()
                    + "); a completion needs a terminal" + " status: SUCCEEDED, FAILED or CANCELLED");
        }
    }
}
