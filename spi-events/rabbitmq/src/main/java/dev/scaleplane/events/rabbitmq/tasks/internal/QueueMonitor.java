package dev.scaleplane.events.rabbitmq.tasks.internal;

import dev.scaleplane.core.orchestration.support.DeferredActions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor of one queue instance: the one lock every part of the queue takes, so that broker operations are
 * serialized on one channel and the parts see each other's state consistently. It also holds what hangs on that lock:
 * whether the queue is closed, the actions deferred until the lock is released, and the work that clock actions
 * queued for later.
 *
 * <p>Guarded by this monitor: {@link #closed()} and every field of every part of the queue ({@code TaskBook},
 * {@code HeldMessages}, {@code KeyLocks}, {@code BrokerLink}'s channels, the leases) unless a part says otherwise.
 *
 * <p><b>Timers</b>: a clock action only queues work. Clock actions must be short and may run on a shared timer thread,
 * so broker work runs on this queue's worker thread, or earlier, at the start of the next call on this queue; either
 * way before that call observes anything.
 *
 * <p><b>Deferred actions</b>: future completions recorded under the monitor are run by the same thread once it
 * released it: per thread, so that a caller finds its own outcome completed when its call returns, even while the
 * worker thread is draining completions of its own.
 *
 * <p><b>Background completions</b>: completions recorded by background work ({@link #background}: timer work, on
 * whichever thread, the sweep, another process's events) are listed here, and every thread leaving the monitor runs those
 * still listed; each leaves the list only after it ran. Otherwise a caller could take the monitor between the worker
 * releasing it and running them, and see a task finished (its state, {@code size()}) whose future is not complete
 * yet. An action may so run twice, on two threads: deferred actions must be idempotent (completing a future again
 * does nothing).
 */
final class QueueMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(QueueMonitor.class);

    private final String queue;
    private final DeferredActions afterUnlock = new DeferredActions();
    /** Guarded by itself, not by the monitor: clock actions add to it from any thread. */
    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();

    /**
     * Completions recorded by background work, until one ran each: guarded by itself, not by the monitor, because
     * threads run them after releasing it. A set of identities: each action is added once.
     */
    private final Set<Runnable> background = new LinkedHashSet<>();

    private final ScheduledExecutorService worker;
    private boolean closed;
    /** Whether the thread holding the monitor is doing background work. Monitor held. */
    private boolean inBackground;
    /** Runs on the worker thread right after its timer work released the monitor; tests hold the thread there. */
    private volatile Runnable afterTimerWork = () -> {};

    QueueMonitor(String queue) {
        this.queue = queue;
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scaleplane-rabbit-tasks-" + queue);
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether the queue was closed. Monitor held. */
    boolean closed() {
        return closed;
    }

    /** Marks the queue closed. Monitor held. */
    void close() {
        closed = true;
    }

    /** Drops the queued work. Monitor held. */
    void forgetPending() {
        synchronized (pending) {
            pending.clear();
        }
    }

    /** Stops the worker thread; work it had not started is dropped. */
    void shutdown() {
        worker.shutdownNow();
    }

    /**
     * Runs {@code action} on this thread once it released the monitor (outside every nested call); during
     * {@linkplain #background background work}, on the first thread of any to leave the monitor. Idempotent actions
     * only. Monitor held.
     */
    void defer(Runnable action) {
        if (inBackground) {
            synchronized (background) {
                background.add(action);
            }
        } else {
            afterUnlock.add(action);
        }
    }

    /**
     * Runs this thread's deferred actions and the background completions still listed, unless it still holds the
     * monitor: the outermost call runs them.
     */
    void runDeferred() {
        try {
            afterUnlock.runUnlessHolding(this);
        } finally {
            runBackgroundCompletions();
        }
    }

    private void runBackgroundCompletions() {
        List<Runnable> listed;
        synchronized (background) {
            if (background.isEmpty() || Thread.holdsLock(this)) {
                return;
            }
            listed = new ArrayList<>(background);
        }
        try {
            for (Runnable action : listed) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.warn("RabbitMQ task queue {}: completing a task's future failed: {}", queue, e.toString());
                }
            }
        } finally {
            // Removed only once run: a thread that finds one listed cannot return before it is complete.
            synchronized (background) {
                background.removeAll(listed);
            }
        }
    }

    /**
     * Runs background work (not a caller's call: timer work, the sweep, another process's event) under the monitor,
     * then the deferred actions. Completions it records are {@linkplain #defer listed} for every thread.
     */
    void background(Runnable body) {
        background(body, () -> {});
    }

    private void background(Runnable body, Runnable afterRelease) {
        try {
            synchronized (this) {
                inBackground = true;
                try {
                    body.run();
                } finally {
                    inBackground = false;
                }
            }
        } finally {
            afterRelease.run();
            runDeferred();
        }
    }

    /** Sets what the worker thread runs right after its timer work released the monitor; for tests. */
    void afterTimerWork(Runnable hook) {
        afterTimerWork = hook;
    }

    /** Calls {@code body} under the monitor, then runs the deferred actions. */
    <T> T call(Supplier<T> body) {
        try {
            synchronized (this) {
                return body.get();
            }
        } finally {
            runDeferred();
        }
    }

    /** Runs {@code body} under the monitor, then runs the deferred actions. */
    void run(Runnable body) {
        call(() -> {
            body.run();
            return null;
        });
    }

    /** Runs {@code task} on the worker thread every {@code periodMillis}, the first time after {@code delayMillis}. */
    void every(long delayMillis, long periodMillis, Runnable task) {
        worker.scheduleWithFixedDelay(task, delayMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Queues {@code work} from a clock action: it runs on the worker thread, or at the start of the next call on the
     * queue, under the monitor.
     */
    void later(Runnable work) {
        synchronized (pending) {
            pending.add(work);
        }
        try {
            worker.execute(this::runPendingAsync);
        } catch (RejectedExecutionException e) {
            // closed: nothing more to do
        }
    }

    private void runPendingAsync() {
        background(
                () -> {
                    try {
                        runPendingIfOpen();
                    } catch (RuntimeException e) {
                        LOG.warn("RabbitMQ task queue {}: timer work failed: {}", queue, e.toString());
                    }
                },
                afterTimerWork);
    }

    /** Runs the queued work unless the queue is closed. Monitor held. */
    void runPendingIfOpen() {
        if (!closed) {
            runPending();
        }
    }

    /**
     * Runs the queued work. Monitor held. It is background work whichever thread runs it (a caller runs what the
     * worker has not reached yet), so its completions are listed for every thread, like the worker's.
     */
    void runPending() {
        boolean outer = inBackground;
        inBackground = true;
        try {
            while (true) {
                Runnable next;
                synchronized (pending) {
                    next = pending.poll();
                }
                if (next == null) {
                    return;
                }
                next.run();
            }
        } finally {
            inBackground = outer;
        }
    }
}
