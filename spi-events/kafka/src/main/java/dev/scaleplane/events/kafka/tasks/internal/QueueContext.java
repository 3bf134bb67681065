package dev.scaleplane.events.kafka.tasks.internal;

import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueueClosedException;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.events.kafka.tasks.KafkaTaskQueueConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every part of one Kafka task queue shares: its settings and time, its monitor, the result futures to complete
 * outside that monitor, whether it is closed, and why its start failed.
 *
 * <p>Locking: the queue has one monitor, {@link #lock}. It guards every mutable field of {@link OwnedTasks}, {@link
 * OwnedTask}, {@link Leases.LeaseImpl}, {@link StateViews} and {@link DeadLetterStore}; no part has a lock of its own,
 * so the parts call each other freely while holding it, and a method that says "under the monitor" expects its caller
 * to hold it. Writes whose acknowledgement must precede the change they record are awaited under it (a submit is the
 * exception, see {@link KafkaTaskQueue}). Result futures are never completed under it: code under the monitor
 * {@link #defer}s their completion, and the public entry points {@link #drainCompletions()} after releasing it.
 */
final class QueueContext {
    /** One log category for the whole queue, whichever part logs. */
    static final Logger log = LoggerFactory.getLogger(KafkaTaskQueue.class);

    /** How long one poll of the worker and view consumers waits for records. */
    static final Duration POLL = Duration.ofMillis(50);

    final KafkaTaskQueueConfig config;
    final TaskQueueOptions options;
    final TaskClock clock;
    final DoubleSupplier random;

    /** The queue's monitor (see the class comment). */
    final Object lock = new Object();

    private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    private volatile @Nullable Throwable startFailure;

    QueueContext(KafkaTaskQueueConfig config, TaskQueueOptions options, TaskClock clock, DoubleSupplier random) {
        this.config = Objects.requireNonNull(config, "config");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The write whose effects {@link GroupCommit} is applying right now; guarded by {@link #lock}. */
    private GroupCommit.@Nullable Write applying;

    /**
     * Runs {@code completion} (of a result future) outside the monitor: by the caller of the write being applied, if
     * any, once that caller is released (so no user callback runs on the group-commit thread, and a caller returns
     * only after the futures its write completed ran their callbacks); else on the next {@link #drainCompletions()}.
     * Under the monitor.
     */
    void defer(Runnable completion) {
        GroupCommit.Write w = applying;
        if (w == null || !w.owe(completion)) {
            completions.add(completion);
        }
    }

    /** Marks the write whose effects are applied next ({@code null} when done); under the monitor. */
    void applying(GroupCommit.@Nullable Write w) {
        applying = w;
    }

    /** Runs the deferred completions; called without holding the monitor. */
    void drainCompletions() {
        Runnable r;
        while ((r = completions.poll()) != null) {
            runCompletion(r);
        }
    }

    /** Runs one deferred completion; a failing dependent stage is logged, not thrown at the queue's caller. */
    void runCompletion(Runnable completion) {
        try {
            completion.run();
        } catch (RuntimeException e) {
            log.warn("a dependent stage of a task result failed: {}", e.toString());
        }
    }

    boolean closed() {
        return closed;
    }

    /** Marks the queue closed, under the monitor; false if it already was. */
    boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    void requireOpen(String what) {
        if (closed) {
            throw new TaskQueueClosedException(
                    "the Kafka task queue " + config.topicPrefix() + " is closed (" + what + ")");
        }
    }

    /** Records why a consumer thread stopped, for the start to report. */
    void failed(Throwable cause) {
        startFailure = cause;
    }

    @Nullable
    Throwable startFailure() {
        return startFailure;
    }
}
