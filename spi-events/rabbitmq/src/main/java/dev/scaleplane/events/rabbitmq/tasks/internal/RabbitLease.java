package dev.scaleplane.events.rabbitmq.tasks.internal;

import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskFailure;
import dev.scaleplane.core.orchestration.support.TaskLifecycle;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One lease: an unacknowledged delivery of the task's message, held by this process for a worker. RabbitMQ has no
 * per-message visibility timeout, so the lease timer runs here, on the task clock: when it lapses, the task is
 * republished with the lapsed attempt in its history and the old delivery is acknowledged; a late complete, fail or
 * heartbeat from the old holder throws {@link LeaseLostException}. If this process dies, the broker returns its
 * unacknowledged deliveries to their queues (that attempt is not counted: the history lives in the message).
 *
 * <p>The broker's {@code consumer_timeout} closes a channel holding a delivery longer than it allows, so heartbeats
 * never extend a lease beyond the configured consumer timeout less a margin after it was granted.
 *
 * <p>Thread-safe: every method takes the queue's monitor.
 */
final class RabbitLease implements Lease {
    final Entry entry;
    final Held held;
    private final Leases leases;
    private final Task task;
    private final String workerId;
    private final long grantedNanos;
    private Instant expiresAt = Instant.EPOCH;
    private TaskClock.@Nullable Cancellable expiry;
    private LeaseLostException.@Nullable Reason lostReason;

    RabbitLease(Leases leases, Entry entry, Held held, Task task, String workerId) {
        this.leases = leases;
        this.entry = entry;
        this.held = held;
        this.task = task;
        this.workerId = workerId;
        this.grantedNanos = System.nanoTime();
    }

    /**
     * Sets the expiry to {@code now + timeout}, capped so that the delivery is acknowledged or returned before the
     * broker's consumer timeout would close the channel. Monitor held.
     */
    void arm(Instant now, Duration timeout) {
        disarm();
        Duration budget = leases.budget(System.nanoTime() - grantedNanos);
        Duration effective = timeout.compareTo(budget) <= 0 ? timeout : budget.isNegative() ? Duration.ZERO : budget;
        expiresAt = now.plus(effective);
        Instant due = expiresAt;
        QueueMonitor monitor = leases.monitor();
        expiry = leases.clock().schedule(effective, () -> monitor.later(() -> lapse(due)));
    }

    private void disarm() {
        TaskClock.Cancellable c = expiry;
        expiry = null;
        if (c != null) {
            c.cancel();
        }
    }

    /**
     * Ends this lease, which is its task's current one: the task is no longer leased here, the timer stops and the
     * key is released; a later call on it throws {@link LeaseLostException} with {@code reason}. The caller
     * acknowledges, returns or republishes the message. Monitor held.
     */
    void end(LeaseLostException.Reason reason) {
        if (entry.lease != this) {
            return;
        }
        entry.lease = null;
        lostReason = reason;
        disarm();
        leases.ended(this);
    }

    @Override
    public Task task() {
        return task;
    }

    @Override
    public String workerId() {
        return workerId;
    }

    @Override
    public Instant expiresAt() {
        synchronized (leases.monitor()) {
            return expiresAt;
        }
    }

    @Override
    public Instant heartbeat(Duration extension) {
        Objects.requireNonNull(extension, "extension");
        TaskLifecycle.requirePositive(extension, "extension");
        return leases.monitor().call(() -> {
            Instant now = checkHeld();
            arm(now, extension);
            return expiresAt;
        });
    }

    @Override
    public void complete(@Nullable Object result) {
        leases.monitor().run(() -> {
            checkHeld();
            leases.complete(this, result);
        });
    }

    @Override
    public FailureOutcome fail(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        return leases.monitor().call(() -> {
            Instant now = checkHeld();
            TaskFailure f = TaskLifecycle.failure(task.attempt(), workerId, failure, now);
            return leases.failed(this, f, failure, LeaseLostException.Reason.ENDED);
        });
    }

    /** Throws unless this lease still holds its task; a lease found past its expiry lapses here. Monitor held. */
    private Instant checkHeld() {
        QueueMonitor monitor = leases.monitor();
        if (monitor.closed()) {
            throw lost(LeaseLostException.Reason.CLOSED);
        }
        monitor.runPending();
        LeaseLostException.@Nullable Reason reason = lostReason;
        if (reason != null) {
            throw lost(reason);
        }
        if (held.epoch != leases.epoch()) {
            lostReason = LeaseLostException.Reason.EXPIRED;
            throw lost(LeaseLostException.Reason.EXPIRED);
        }
        Instant now = leases.clock().now();
        if (!now.isBefore(expiresAt)) {
            expire(now);
            throw lost(LeaseLostException.Reason.EXPIRED);
        }
        return now;
    }

    private LeaseLostException lost(LeaseLostException.Reason reason) {
        return new LeaseLostException(entry.id, workerId, task.attempt(), reason, expiresAt);
    }

    private void lapse(Instant due) {
        if (!leases.monitor().closed()
                && entry.lease == this
                && lostReason == null
                && !leases.clock().now().isBefore(expiresAt)) {
            expire(due.isAfter(expiresAt) ? due : expiresAt);
        }
    }

    private void expire(Instant at) {
        leases.lapsed(this, TaskLifecycle.leaseLapsed(task.attempt(), workerId, expiresAt, at));
    }

    @Override
    public String toString() {
        return "Lease{task=" + entry.id + ", attempt=" + task.attempt() + ", worker=" + workerId + '}';
    }
}
