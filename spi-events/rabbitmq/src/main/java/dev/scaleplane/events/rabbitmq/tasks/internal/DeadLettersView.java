package dev.scaleplane.events.rabbitmq.tasks.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskDeadLetters;
import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueueClosedException;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.orchestration.support.TaskLifecycle;
import dev.scaleplane.events.rabbitmq.tasks.internal.TaskMessage.UndecodableTaskException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters live in {@code Q.dead}. Reading them means fetching messages unacknowledged on a channel of its own and
 * returning the ones not redriven or discarded, so each call is O(dead letters) and, while it runs, another process
 * sees fewer of them. A message this queue could not decode is listed as {@code NON_RETRYABLE} with its raw bytes as
 * payload.
 *
 * <p>Thread-safe: every call takes the queue's monitor.
 */
final class DeadLettersView implements TaskDeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLettersView.class);

    private final TaskClock clock;
    private final ClassLoader loader;
    private final QueueMonitor monitor;
    private final String deadQueue;
    private final BrokerLink broker;
    private final TaskBook book;

    DeadLettersView(QueueParts parts, BrokerLink broker, TaskBook book) {
        this.clock = parts.clock();
        this.loader = parts.loader();
        this.monitor = parts.monitor();
        this.deadQueue = parts.topology().dead();
        this.broker = broker;
        this.book = book;
    }

    @Override
    public List<TaskDeadLetter> list(int limit) {
        TaskLifecycle.requireLimit(limit);
        List<TaskDeadLetter> out = new ArrayList<>();
        browse(limit, (dl, ack) -> {
            out.add(dl);
            return false;
        });
        return out;
    }

    @Override
    public Optional<TaskDeadLetter> find(String taskId) {
        Objects.requireNonNull(taskId, "taskId");
        List<TaskDeadLetter> found = new ArrayList<>();
        browse(Integer.MAX_VALUE, (dl, ack) -> {
            if (found.isEmpty() && dl.taskId().equals(taskId)) {
                found.add(dl);
            }
            return false;
        });
        return found.stream().findFirst();
    }

    @Override
    public TaskHandle redrive(String taskId) {
        Objects.requireNonNull(taskId, "taskId");
        List<TaskHandle> handles = redriveWhere(dl -> dl.taskId().equals(taskId), 1);
        if (handles.isEmpty()) {
            throw new NoSuchElementException("no dead letter for task " + taskId);
        }
        return handles.get(0);
    }

    @Override
    public int redrive(Predicate<? super TaskDeadLetter> filter) {
        Objects.requireNonNull(filter, "filter");
        return redriveWhere(filter, Integer.MAX_VALUE).size();
    }

    @Override
    public boolean discard(String taskId) {
        Objects.requireNonNull(taskId, "taskId");
        boolean[] done = {false};
        browse(Integer.MAX_VALUE, (dl, msg) -> {
            if (done[0] || !dl.taskId().equals(taskId)) {
                return false;
            }
            done[0] = true;
            Entry e = book.get(taskId);
            if (e != null && e.state == TaskState.DEAD_LETTERED) {
                book.forgetLater(e);
            }
            return true;
        });
        return done[0];
    }

    private List<TaskHandle> redriveWhere(Predicate<? super TaskDeadLetter> filter, int max) {
        List<TaskHandle> handles = new ArrayList<>();
        monitor.run(() -> {
            if (monitor.closed()) {
                throw new TaskQueueClosedException("cannot redrive dead letters");
            }
            browse(Integer.MAX_VALUE, (dl, msg) -> {
                if (handles.size() >= max || msg == null || !filter.test(dl)) {
                    return false;
                }
                handles.add(redriveOne(msg));
                return true;
            });
        });
        return handles;
    }

    /** Publishes a dead-lettered task back to its band, ready now, with a new handle. Monitor held. */
    private TaskHandle redriveOne(TaskMessage dead) {
        Instant now = clock.now();
        // Redrive ignores the capacity: a refused token only means the task is not counted.
        boolean counted = broker.addToken(broker.channel());
        TaskMessage msg = dead.redriven(now, counted);
        try {
            broker.publishTask(msg, now);
        } catch (RuntimeException e) {
            if (counted) {
                broker.takeToken();
            }
            throw e;
        }
        Entry e = book.get(msg.id);
        if (e == null) {
            e = book.remember(msg);
        } else {
            book.renew(e);
        }
        e.attempt = 0;
        e.failures = List.of();
        return e.handle;
    }

    /**
     * Fetches up to {@code limit} dead letters on a channel of its own; those {@code visitor} returns true for are
     * acknowledged (removed), the others go back in their order.
     */
    private void browse(int limit, DeadLetterVisitor visitor) {
        monitor.run(() -> {
            if (monitor.closed()) {
                throw new TaskQueueClosedException("cannot read dead letters");
            }
            Channel ch;
            try {
                ch = broker.newChannel();
            } catch (IOException e) {
                throw broker.sideFailure("open a channel to read " + deadQueue, e);
            }
            List<Long> keep = new ArrayList<>();
            try {
                for (int n = 0; n < limit; n++) {
                    GetResponse r = ch.basicGet(deadQueue, false);
                    if (r == null) {
                        break;
                    }
                    long tag = r.getEnvelope().getDeliveryTag();
                    TaskMessage msg = null;
                    TaskDeadLetter dl;
                    try {
                        msg = TaskMessage.decode(r.getProps(), r.getBody(), loader);
                        dl = deadLetterOf(msg);
                    } catch (UndecodableTaskException e) {
                        dl = undecodableDeadLetter(r, e);
                    }
                    if (visitor.visit(dl, msg)) {
                        ch.basicAck(tag, false);
                    } else {
                        keep.add(tag);
                    }
                }
                for (long tag : keep) {
                    ch.basicNack(tag, false, true);
                }
            } catch (IOException e) {
                throw broker.sideFailure("read " + deadQueue, e);
            } finally {
                try {
                    if (ch.isOpen()) {
                        ch.close();
                    }
                } catch (IOException | TimeoutException e) {
                    LOG.debug("Closing the dead-letter channel failed", e);
                }
            }
        });
    }

    private static TaskDeadLetter deadLetterOf(TaskMessage msg) {
        Task task = new Task(msg.id, msg.request, Math.max(1, msg.attempts), msg.maxAttempts, msg.submittedAt);
        Instant at = msg.deadAt != null ? msg.deadAt : msg.readyAt;
        TaskDeadLetter.Reason reason =
                msg.deadReason != null ? msg.deadReason : TaskDeadLetter.Reason.ATTEMPTS_EXHAUSTED;
        return new TaskDeadLetter(task, reason, msg.failures, at);
    }

    private TaskDeadLetter undecodableDeadLetter(GetResponse r, UndecodableTaskException e) {
        AMQP.BasicProperties p = r.getProps();
        Map<String, Object> h = p.getHeaders() == null ? Map.of() : p.getHeaders();
        String why = Objects.requireNonNullElse(TaskMessage.optional(h, TaskMessage.H_UNDECODABLE), e.getMessage());
        String at = TaskMessage.optional(h, TaskMessage.H_DEAD_AT);
        Instant when = at == null ? clock.now() : Instant.parse(at);
        String id = p.getMessageId() == null ? "unknown" : p.getMessageId();
        Task task = new Task(id, TaskRequest.of("undecodable", r.getBody()), 1, 1, when);
        TaskFailure failure =
                new TaskFailure(1, "rabbitmq-task-queue", UndecodableTaskException.class.getName(), why, when);
        return new TaskDeadLetter(task, TaskDeadLetter.Reason.NON_RETRYABLE, List.of(failure), when);
    }

    /** Visits one dead letter while browsing; returns true to remove it. */
    @FunctionalInterface
    private interface DeadLetterVisitor {
        boolean visit(TaskDeadLetter deadLetter, @Nullable TaskMessage message) throws IOException;
    }
}
