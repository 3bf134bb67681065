package dev.scaleplane.events.rabbitmq.tasks.internal;

import dev.scaleplane.core.orchestration.support.DeferredActions;
import java.util.ArrayDeque;
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
 */
final class QueueMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(QueueMonitor.class);

    private final String queue;
    private final DeferredActions afterUnlock = new DeferredActions();
    /** Guarded by itself, not by the monitor: clock actions add to it from any thread. */
    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();

    private final ScheduledExecutorService worker;
    private boolean closed;

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

    /** Runs {@code action} on this thread once it released the monitor (outside every nested call). */
    void defer(Runnable action) {
        afterUnlock.add(action);
    }

    /** Runs this thread's deferred actions unless it still holds the monitor: the outermost call runs them. */
    void runDeferred() {
        afterUnlock.runUnlessHolding(this);
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
        try {
            synchronized (this) {
                if (!closed) {
                    runPending();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("RabbitMQ task queue {}: timer work failed: {}", queue, e.toString());
        } finally {
            runDeferred();
        }
    }

    /** Runs the queued work unless the queue is closed. Monitor held. */
    void runPendingIfOpen() {
        if (!closed) {
            runPending();
        }
    }

    /** Runs the queued work. Monitor held. */
    void runPending() {
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
    }
}
