package dev.scaleplane.api.orchestration;

import dev.scaleplane.api.ScaleplaneException;
import org.jspecify.annotations.Nullable;

/**
 * The final failure of a task, with which its {@linkplain TaskHandle#result() result future} completes when it ends
 * {@link TaskState#DEAD_LETTERED} or {@link TaskState#FAILED}. The cause is the last attempt's exception, if the
 * backend still has it in this JVM.
 */
public final class TaskFailedException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final String taskId;
    private final String type;
    private final TaskState state;
    private final int attempts;

    /** Creates the exception. */
    public TaskFailedException(
            String taskId, String type, TaskState state, int attempts, String why, @Nullable Throwable cause) {
        super(
                "task " + taskId + " of type '" + type + "' ended " + state + " after " + attempts + " attempt(s): "
                        + why,
                cause);
        this.taskId = taskId;
        this.type = type;
        this.state = state;
        this.attempts = attempts;
    }

    /** The task id. */
    public String taskId() {
        return taskId;
    }

    /** The task type. */
    public String type() {
        return type;
    }

    /** {@link TaskState#DEAD_LETTERED} or {@link TaskState#FAILED}. */
    public TaskState state() {
        return state;
    }

    /** Attempts made. */
    public int attempts() {
        return attempts;
    }
}
