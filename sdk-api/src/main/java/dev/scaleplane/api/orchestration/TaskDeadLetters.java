package dev.scaleplane.api.orchestration;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Inspects and redrives the dead letters of one task queue.
 *
 * <p>Redriving puts a dead-lettered task back in the queue, ready now, with its attempt count reset and its failure
 * history cleared; it keeps its id, payload and priority and gets a new {@link TaskHandle} (the first handle's future
 * already completed with the failure). Redrive ignores the queue's capacity: the task was already counted once.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public interface TaskDeadLetters {

    /**
     * Dead letters, oldest first.
     *
     * @param limit at most this many, {@code >= 1}
     */
    List<TaskDeadLetter> list(int limit);

    /** One dead letter by task id. */
    Optional<TaskDeadLetter> find(String taskId);

    /**
     * Puts one dead-lettered task back in the queue.
     *
     * @return the task's new handle
     * @throws java.util.NoSuchElementException if no dead letter has that task id
     */
    TaskHandle redrive(String taskId);

    /**
     * Puts every dead-lettered task that {@code filter} accepts back in the queue, oldest first.
     *
     * @return the number redriven
     */
    int redrive(Predicate<? super TaskDeadLetter> filter);

    /**
     * Puts every dead-lettered task back in the queue.
     *
     * @return the number redriven
     */
    default int redriveAll() {
        return redrive(deadLetter -> true);
    }

    /**
     * Deletes one dead letter for good; the task's state stays {@link TaskState#DEAD_LETTERED}.
     *
     * @return whether it existed
     */
    boolean discard(String taskId);
}
