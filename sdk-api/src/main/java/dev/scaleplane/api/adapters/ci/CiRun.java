package dev.scaleplane.api.adapters.ci;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One run of a pipeline, as the system last reported it.
 *
 * @param id the system's run id (GitHub run id, GitLab pipeline id, Jenkins {@code job#build} or a queue item id
 *     while queued)
 * @param pipeline the pipeline, as in {@link CiTrigger#pipeline()}
 * @param ref the ref it runs on
 * @param url where a person sees it
 * @param status the mapped status
 * @param conclusion the system's own state or conclusion, e.g. {@code timed_out}, {@code UNSTABLE}
 * @param createdAt when it was accepted
 * @param updatedAt when it last changed, or null if unknown
 */
public record CiRun(
        String id,
        String pipeline,
        String ref,
        URI url,
        CiStatus status,
        String conclusion,
        Instant createdAt,
        @Nullable Instant updatedAt) {

    /** Validates the fields. */
    public CiRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(conclusion, "conclusion");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
