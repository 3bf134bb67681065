package dev.scaleplane.api.orchestration;

import java.time.Instant;
import java.util.Objects;

/**
 * A task as a worker sees it under a lease: the submitted request, the id the queue gave it and which attempt this
 * is.
 *
 * @param id the queue's id of the task, stable across attempts and redrives
 * @param request what was submitted
 * @param attempt this attempt's number, 1 for the first; counts every lease, including ones that lapsed
 * @param maxAttempts attempts allowed in total, resolved from the request or the queue's retry policy
 * @param submittedAt when the queue accepted the task
 */
public record Task(String id, TaskRequest request, int attempt, int maxAttempts, Instant submittedAt) {

    /**
     * Validates the record.
     *
     * @throws IllegalArgumentException if {@code attempt} or {@code maxAttempts} is below 1
     */
    public Task {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(submittedAt, "submittedAt");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, but was " + attempt);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, but was " + maxAttempts);
        }
    }

    /** The task type. */
    public String type() {
        return request.type();
    }

    /**
     * The payload as {@code type}.
     *
     * @throws ClassCastException if the payload is not a {@code type}
     */
    public <T> T payload(Class<T> type) {
        return type.cast(request.payload());
    }

    /** Whether this is the last attempt allowed. */
    public boolean isLastAttempt() {
        return attempt >= maxAttempts;
    }
}
