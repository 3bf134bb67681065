package dev.scaleplane.events.kafka.tasks.internal;

import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskDeadLetters;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.orchestration.support.TaskLifecycle;
import dev.scaleplane.events.kafka.tasks.internal.DeadLetterStore.DeadView;
import dev.scaleplane.events.kafka.tasks.internal.TaskRecords.Snapshot;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Dead letters as read from the dead-letter topic by this process: listed, found, redriven and discarded from any
 * process. A redrive writes the removal of the dead letter, a {@code QUEUED} state and a new task version with its
 * attempts reset, all above the dead letter's version, and the task's owner takes it from the tasks topic.
 * Thread-safe: every method takes the queue's monitor.
 */
final class KafkaDeadLetterView implements TaskDeadLetters {
    private final QueueContext ctx;
    private final DeadLetterStore store;
    private final TaskTopics topics;
    private final StateViews views;
    private final OwnedTasks owned;
    private final PartitionOwner owner;
    private final Function<String, TaskHandle> handles;

    /**
     * Creates the view.
     *
     * @param handles the queue's handle of a task id
     */
    KafkaDeadLetterView(
            QueueContext ctx,
            DeadLetterStore store,
            TaskTopics topics,
            StateViews views,
            OwnedTasks owned,
            PartitionOwner owner,
            Function<String, TaskHandle> handles) {
        this.ctx = ctx;
        this.store = store;
        this.topics = topics;
        this.views = views;
        this.owned = owned;
        this.owner = owner;
        this.handles = handles;
    }

    @Override
    public List<TaskDeadLetter> list(int limit) {
        TaskLifecycle.requireLimit(limit);
        synchronized (ctx.lock) {
            return store.list(limit);
        }
    }

    @Override
    public Optional<TaskDeadLetter> find(String taskId) {
        synchronized (ctx.lock) {
            DeadView dv = store.get(taskId);
            return dv == null ? Optional.empty() : Optional.of(dv.letter());
        }
    }

    @Override
    public TaskHandle redrive(String taskId) {
        TaskHandle h;
        synchronized (ctx.lock) {
            ctx.requireOpen("redrive");
            h = redriveLocked(taskId);
        }
        ctx.drainCompletions();
        return h;
    }

    private TaskHandle redriveLocked(String taskId) {
        DeadView dv = store.get(taskId);
        if (dv == null) {
            throw new NoSuchElementException("no dead letter for task " + taskId);
        }
        Snapshot old = dv.snapshot();
        long version = dv.version() + 2; // above the DEAD_LETTERED state (dead version + 1)
        Instant now = ctx.clock.now();
        Snapshot s =
                new Snapshot(old.id(), old.request(), old.maxAttempts(), 0, old.submittedAt(), now, List.of(), version);
        int partition = topics.partitionOf(dv.routingKey());
        Future<RecordMetadata> r = topics.sendDead(taskId, TaskRecords.deadRemoval(taskId, version));
        StateView sv = new StateView(
                taskId,
                TaskState.QUEUED,
                version,
                old.request().type(),
                0,
                partition,
                dv.routingKey(),
                old.request().idempotencyKey(),
                old.submittedAt(),
                null,
                "",
                ctx.clock.now());
        Future<RecordMetadata> st = topics.sendState(sv);
        RecordMetadata meta = topics.await(topics.sendTask(partition, dv.routingKey(), TaskRecords.task(s)), "redrive");
        topics.await(r, "redrive");
        topics.await(st, "redrive");
        store.apply(taskId, version, null);
        owned.forgetEnd(taskId);
        views.apply(sv);
        views.renew(taskId);
        owner.adoptOwnWrite(meta, s);
        return handles.apply(taskId);
    }

    @Override
    public int redrive(Predicate<? super TaskDeadLetter> filter) {
        Objects.requireNonNull(filter, "filter");
        int n = 0;
        synchronized (ctx.lock) {
            ctx.requireOpen("redrive");
            for (DeadView dv : store.all()) {
                if (filter.test(dv.letter())) {
                    redriveLocked(dv.letter().taskId());
                    n++;
                }
            }
        }
        ctx.drainCompletions();
        return n;
    }

    @Override
    public boolean discard(String taskId) {
        synchronized (ctx.lock) {
            if (store.get(taskId) == null) {
                return false;
            }
            store.remove(taskId);
            return true;
        }
    }
}
