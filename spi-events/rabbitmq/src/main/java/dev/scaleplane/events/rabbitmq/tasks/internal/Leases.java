package dev.scaleplane.events.rabbitmq.tasks.internal;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.core.orchestration.TaskQueueMetrics;
import dev.scaleplane.core.orchestration.support.AttemptVerdict;
import dev.scaleplane.core.orchestration.support.TaskLifecycle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Grants leases and carries out how they end. A lease is an unacknowledged delivery ({@link RabbitLease}); ending it
 * acknowledges the message, or first publishes what follows: nothing after a success, a retry, a dead letter.
 *
 * <p>After a failed or lapsed attempt, {@link TaskLifecycle#afterFailedAttempt} decides; the retry is published
 * before the failed attempt is acknowledged, so a crash in between may run the task twice but never loses it.
 *
 * <p>Guarded by the queue's monitor: every method is called with it held.
 */
final class Leases {
    /** A lease ends this long before the broker's consumer timeout would close the channel. */
    private static final Duration CONSUMER_TIMEOUT_MARGIN = Duration.ofSeconds(5);

    private final TaskQueueOptions options;
    private final TaskClock clock;
    private final DoubleSupplier random;
    private final QueueMonitor monitor;
    private final Topology topology;
    private final BrokerLink broker;
    private final TaskBook book;
    private final KeyLocks keyLocks;
    private final TaskEvents events;
    private final TaskQueueMetrics metrics;
    private final Duration leaseBudget;

    Leases(
            QueueParts parts,
            BrokerLink broker,
            TaskBook book,
            KeyLocks keyLocks,
            TaskEvents events,
            TaskQueueMetrics metrics) {
        this.options = parts.options();
        this.clock = parts.clock();
        this.random = parts.random();
        this.monitor = parts.monitor();
        this.topology = parts.topology();
        this.broker = broker;
        this.book = book;
        this.keyLocks = keyLocks;
        this.events = events;
        this.metrics = metrics;
        this.leaseBudget = parts.config().consumerTimeout().minus(CONSUMER_TIMEOUT_MARGIN);
    }

    /** Leases the task of held message {@code h}, which the caller took out of its band. */
    Lease grant(Held h, String workerId, Instant now, Duration visibilityTimeout) {
        Entry e = book.get(h.msg.id);
        if (e == null) {
            e = book.remember(h.msg);
        }
        e.state = TaskState.LEASED;
        e.attempt = h.msg.attempts + 1;
        e.failures = h.msg.failures;
        String key = h.msg.request.key();
        if (key != null) {
            keyLocks.leased(key);
        }
        Task task = new Task(e.id, h.msg.request, e.attempt, h.msg.maxAttempts, h.msg.submittedAt);
        RabbitLease lease = new RabbitLease(this, e, h, task, workerId);
        e.lease = lease;
        book.leaseStarted();
        lease.arm(now, visibilityTimeout);
        events.publish(e.id, TaskState.LEASED, null);
        metrics.waited(Duration.between(h.msg.readyAt, now));
        return lease;
    }

    QueueMonitor monitor() {
        return monitor;
    }

    TaskClock clock() {
        return clock;
    }

    /** The generation of the channel deliveries are held on. */
    long epoch() {
        return broker.epoch();
    }

    /**
     * How long a lease may still last, granted {@code nanosSinceGrant} ago: the broker's consumer timeout less a
     * margin, because RabbitMQ closes a channel that holds a delivery longer than its {@code consumer_timeout}.
     */
    Duration budget(long nanosSinceGrant) {
        return leaseBudget.minusNanos(nanosSinceGrant);
    }

    /** A lease ended: the task is not leased here any more and its key is free. */
    void ended(RabbitLease lease) {
        book.leaseEnded();
        String key = lease.entry.request.key();
        if (key != null) {
            keyLocks.release(key);
        }
    }

    /** The holder completed the task. */
    void complete(RabbitLease lease, @Nullable Object result) {
        Entry entry = lease.entry;
        lease.end(LeaseLostException.Reason.ENDED);
        broker.drop(lease.held);
        book.succeed(entry, result);
        events.publish(entry.id, TaskState.SUCCEEDED, result);
        metrics.succeeded();
    }

    /** The lease lapsed: the attempt is recorded as failed and the task retried (at once) or dead-lettered. */
    void lapsed(RabbitLease lease, TaskFailure failure) {
        metrics.leaseExpired();
        failed(lease, failure, null, LeaseLostException.Reason.EXPIRED);
    }

    /** Records a failed or lapsed attempt and retries, dead-letters or fails the task. */
    Lease.FailureOutcome failed(
            RabbitLease lease, TaskFailure failure, @Nullable Throwable cause, LeaseLostException.Reason reason) {
        Entry e = lease.entry;
        Held h = lease.held;
        Instant now = failure.at();
        List<TaskFailure> failures = new ArrayList<>(h.msg.failures);
        failures.add(failure);
        lease.end(reason);
        int attempt = lease.task().attempt();
        AttemptVerdict verdict = TaskLifecycle.afterFailedAttempt(
                options.retryPolicyFor(e.request.type()),
                attempt,
                h.msg.maxAttempts,
                cause,
                e.request.deadline(),
                now,
                random.getAsDouble());
        metrics.attemptFailed(e.id, e.request.type(), failure, verdict);
        if (verdict instanceof AttemptVerdict.DeadLetter d) {
            TaskMessage dead = h.msg.dead(attempt, failures, d.reason(), now);
            if (!broker.publish(broker.channel(), topology.dead(), dead.properties(), dead.body())) {
                throw new ScaleplaneException("the broker refused the dead letter of task " + e.id);
            }
            e.failures = failures;
            e.deadGeneration = h.msg.generation;
            broker.drop(h);
            book.finish(e, TaskState.DEAD_LETTERED, d.why(), cause);
            metrics.deadLettered(d.reason());
            events.publish(e.id, TaskState.DEAD_LETTERED, null);
            return verdict.outcome();
        }
        if (verdict instanceof AttemptVerdict.Fail f) {
            broker.drop(h);
            book.finish(e, TaskState.FAILED, f.why(), cause);
            metrics.failed();
            events.publish(e.id, TaskState.FAILED, null);
            return verdict.outcome();
        }
        Instant retryAt = ((AttemptVerdict.Retry) verdict).at();
        // Publish the retry before acknowledging the attempt: a crash in between may run it twice, never loses it.
        broker.publishTask(h.msg.retry(attempt, failures, retryAt), now);
        broker.ack(h);
        e.state = TaskState.QUEUED;
        e.failures = failures;
        events.publish(e.id, TaskState.QUEUED, null);
        metrics.retried();
        return verdict.outcome();
    }
}
