package dev.scaleplane.core.orchestration.support;

import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskState;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TaskHandle} over one result future, asking its queue for the state and for cancelling. A redriven task
 * gets a new handle with a new future, as the contract says. Thread-safe if the queue's functions are.
 */
public final class BasicTaskHandle implements TaskHandle {
    private final String id;
    private final CompletableFuture<@Nullable Object> result;
    private final Predicate<String> cancel;
    private final Supplier<TaskState> state;

    /**
     * Creates a handle.
     *
     * @param id the task id
     * @param result completed by the queue when the task ends
     * @param cancel the queue's {@code cancel(taskId)}
     * @param state the task's state as the queue knows it now
     */
    public BasicTaskHandle(
            String id,
            CompletableFuture<@Nullable Object> result,
            Predicate<String> cancel,
            Supplier<TaskState> state) {
        this.id = Objects.requireNonNull(id, "id");
        this.result = Objects.requireNonNull(result, "result");
        this.cancel = Objects.requireNonNull(cancel, "cancel");
        this.state = Objects.requireNonNull(state, "state");
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public CompletableFuture<@Nullable Object> result() {
        return result;
    }

    @Override
    public boolean cancel() {
        return cancel.test(id);
    }

    @Override
    public TaskState state() {
        return state.get();
    }

    @Override
    public String toString() {
        return "TaskHandle{" + id + ", " + state() + '}';
    }
}
