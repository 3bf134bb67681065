package dev.scaleplane.events.rabbitmq.tasks.internal;

import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** What this process knows about one task. Guarded by the queue's monitor. */
final class Entry {
    final String id;
    final TaskRequest request;
    final int maxAttempts;
    final Instant submittedAt;
    TaskState state = TaskState.QUEUED;
    int attempt;
    List<TaskFailure> failures = List.of();
    /** Known here only as the first task of an idempotency key submitted elsewhere; forgotten after retention. */
    boolean remote;
    /** The generation of the message this process dead-lettered; -1 if none. */
    int deadGeneration = -1;

    @Nullable
    RabbitLease lease;

    CompletableFuture<@Nullable Object> future = new CompletableFuture<>();
    TaskHandle handle;

    Entry(
            String id,
            TaskRequest request,
            int maxAttempts,
            Instant submittedAt,
            Function<? super Entry, ? extends TaskHandle> handles) {
        this.id = id;
        this.request = request;
        this.maxAttempts = maxAttempts;
        this.submittedAt = submittedAt;
        this.handle = handles.apply(this);
    }
}
