package dev.scaleplane.api.orchestration;

import dev.scaleplane.api.ScaleplaneException;

/**
 * A submission found the queue at its capacity of unfinished tasks. The task was not accepted; the caller may retry
 * later, shed load, add workers or raise {@link TaskQueueOptions#capacity()}.
 */
public final class QueueFullException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final String type;
    private final int capacity;

    /** Creates the exception for a rejected task of {@code type}. */
    public QueueFullException(String type, int capacity) {
        super("task queue is full: " + capacity + " unfinished tasks, task of type '" + type
                + "' rejected; workers are slower than submitters (add workers, slow down or raise the capacity)");
        this.type = type;
        this.capacity = capacity;
    }

    /** Type of the rejected task. */
    public String type() {
        return type;
    }

    /** The queue's capacity. */
    public int capacity() {
        return capacity;
    }
}
