package dev.scaleplane.events.kafka.tasks.internal;

import dev.scaleplane.api.orchestration.TaskState;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The latest known state of a task of any process, as its state record carries it ({@link TaskRecords#state}).
 *
 * @param id the task id
 * @param state its state
 * @param version the task version the state belongs to: a view only replaces an older one
 * @param type the task type
 * @param attempts attempts started so far
 * @param partition the tasks-topic partition of its records, whose owner runs it
 * @param routingKey the key its records are partitioned by
 * @param idempotencyKey its idempotency key, if any
 * @param submittedAt when it was first submitted (the idempotency window starts there)
 * @param result its result once {@code SUCCEEDED}
 * @param message why it ended, when it did not succeed
 * @param updatedAt when this process learnt this state (the retention starts there)
 */
record StateView(
        String id,
        TaskState state,
        long version,
        String type,
        int attempts,
        int partition,
        String routingKey,
        @Nullable String idempotencyKey,
        Instant submittedAt,
        @Nullable Object result,
        String message,
        Instant updatedAt) {}
