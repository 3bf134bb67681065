package dev.scaleplane.events.kafka.tasks.internal;

import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueueClosedException;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.events.kafka.tasks.KafkaTaskQueueConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
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
 *
 * <p>Only state transitions need the monitor, not the records that carry them out: the hot writes (a submit, a
 * lease's success) are decided under it and encoded and handed to the producer after releasing it. That keeps each
 * task's records in order because nothing writes a record of a task while a write of it is in flight (a new task is
 * unknown until its write is applied; an ending one is {@link OwnedTask#writing}); records of different tasks need no
 * order. Such a write is counted ({@link #sending()}) under the monitor once it passed its open check, and close waits
 * for the count to drain before it closes the producer.
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
    /** Writes decided under the monitor whose records are being handed to the producer outside it. */
    private final AtomicInteger sending = new AtomicInteger();

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

    /**
     * Counts a write whose records the caller hands to the producer after releasing the monitor; called under it, once
     * the write passed its open check. Each call is paired with {@link #sent()}.
     */
    void sending() {
        sending.incrementAndGet();
    }

    /** The records of a write counted by {@link #sending()} are with the producer (or failed to its callbacks). */
    void sent() {
        sending.decrementAndGet();
    }

    /**
     * Waits, after {@link #markClosed()}, until every write counted by {@link #sending()} handed its records over,
     * so that closing the producer flushes them instead of refusing them (their callers would wait for an
     * acknowledgement nobody applies). A hand-over takes microseconds, at most the producer's blocking time.
     */
    void awaitSending() {
        boolean interrupted = false;
        while (sending.get() > 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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
