package dev.scaleplane.api.orchestration;

import dev.scaleplane.api.ScaleplaneException;
import java.time.Instant;

/**
 * A worker used a lease it no longer holds. Its work on the task must stop: the task may already run elsewhere.
 */
public final class LeaseLostException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    /** Why the lease is gone. */
    public enum Reason {
        /** The visibility timeout passed without a heartbeat; the task was handed out again or dead-lettered. */
        EXPIRED,
        /** The lease was already completed or failed. */
        ENDED,
        /** The task was cancelled. */
        CANCELLED,
        /** The queue was closed. */
        CLOSED
    }

    private final String taskId;
    private final String workerId;
    private final int attempt;
    private final Reason reason;

    /** Creates the exception. */
    public LeaseLostException(String taskId, String workerId, int attempt, Reason reason, Instant expiresAt) {
        super("lease of task " + taskId + " (attempt " + attempt + ") by worker '" + workerId + "' is lost: "
                + switch (reason) {
                    case EXPIRED -> "it expired at " + expiresAt + " (heartbeat more often or lease for longer)";
                    case ENDED -> "it was already completed or failed";
                    case CANCELLED -> "the task was cancelled";
                    case CLOSED -> "the queue is closed";
                });
        this.taskId = taskId;
        this.workerId = workerId;
        this.attempt = attempt;
        this.reason = reason;
    }

    /** The task id. */
    public String taskId() {
        return taskId;
    }

    /** The worker that held the lease. */
    public String workerId() {
        return workerId;
    }

    /** The attempt the lease was for. */
    public int attempt() {
        return attempt;
    }

    /** Why the lease is gone. */
    public Reason reason() {
        return reason;
    }
}
