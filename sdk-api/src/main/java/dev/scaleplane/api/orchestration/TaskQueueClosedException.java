package dev.scaleplane.api.orchestration;

import dev.scaleplane.api.ScaleplaneException;

/** The task queue was closed; it accepts no more submissions or leases. */
public final class TaskQueueClosedException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception, saying what was refused. */
    public TaskQueueClosedException(String what) {
        super("the task queue is closed: " + what);
    }
}
