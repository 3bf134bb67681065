package dev.scaleplane.api.orchestration;

import java.time.Instant;
import java.util.Objects;

/**
 * One failed attempt of a task.
 *
 * @param attempt the attempt's number, 1 for the first
 * @param workerId the worker that held the lease
 * @param exceptionType class name of the failure, or {@code "lease-expired"} when the lease lapsed
 * @param message the failure's message (empty if it had none)
 * @param at when the failure was reported or the lease lapsed
 */
public record TaskFailure(int attempt, String workerId, String exceptionType, String message, Instant at) {

    /** Type given to an attempt whose lease lapsed. */
    public static final String LEASE_EXPIRED = "lease-expired";

    /** Validates the record. */
    public TaskFailure {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(exceptionType, "exceptionType");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(at, "at");
    }
}
