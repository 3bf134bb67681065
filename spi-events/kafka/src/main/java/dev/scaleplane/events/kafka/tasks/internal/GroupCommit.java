package dev.scaleplane.events.kafka.tasks.internal;

import static dev.scaleplane.events.kafka.tasks.internal.QueueContext.log;

import dev.scaleplane.api.BackendUnreachableException;
import dev.scaleplane.api.ScaleplaneException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.jspecify.annotations.Nullable;

/**
 * Group commit of the queue's writes. A caller decides a write under the queue's monitor and sends its records through
 * the one producer, under the monitor or after releasing it (see {@link QueueContext} for why a task's records keep
 * their order either way), then waits outside it. The producer puts the records of every
 * caller that sent meanwhile into the same requests ({@code acks=all}); as the acknowledgements come back, one thread
 * takes every {@link Write} whose records are all acknowledged, applies their effects to memory under one acquisition
 * of the monitor and releases the callers. The result futures a write completes are completed by its caller once
 * released, not on the applying thread (unless the caller stopped waiting), so a callback may call the queue again
 * (submit a follow-up task) without waiting on the thread that would release it. A caller therefore returns only once its own records are acknowledged
 * and the futures they completed ran their callbacks, and a write the broker refuses fails exactly the callers whose
 * records it carried, with an error naming the brokers and their setting.
 *
 * <p>Thread-safe. {@link Write#await} must not be called under the monitor: the applying thread needs it.
 */
final class GroupCommit {
    private final QueueContext ctx;
    private final LinkedBlockingQueue<Write> acknowledged = new LinkedBlockingQueue<>();
    private final Thread thread;
    /** The brokers as configured, for error messages. */
    private final String servers;

    private volatile boolean stopping;
    /** Writes applied, and the groups they were applied in. */
    private final AtomicLong writes = new AtomicLong();

    private final AtomicLong groups = new AtomicLong();

    /**
     * Completes the futures of {@linkplain #beginDetached detached} writes (asynchronous submits and lease ends), in
     * the order their groups were applied. Not the applying thread: a dependent stage that calls the queue and waits (a synchronous
     * submit) would wait for that very thread.
     */
    private final ExecutorService callbacks;

    private final Thread callbackThread;

    GroupCommit(QueueContext ctx) {
        this.ctx = ctx;
        this.servers = String.valueOf(ctx.config.adminProperties().get("bootstrap.servers"));
        thread = new Thread(this::run, "scaleplane-kafka-tasks-acks-" + ctx.config.topicPrefix());
        thread.setDaemon(true);
        Thread[] created = new Thread[1];
        callbacks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "scaleplane-kafka-tasks-callbacks-" + ctx.config.topicPrefix());
            t.setDaemon(true);
            created[0] = t;
            return t;
        });
        // Start the callback thread now, so that close() can tell whether it runs on it.
        try {
            callbacks.submit(() -> {}).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScaleplaneException("interrupted while starting the Kafka task queue", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        callbackThread = created[0];
        thread.start();
    }

    /** A new write; its records are sent with {@link Write#record}, then it is {@linkplain Write#seal sealed}. */
    Write begin(String what) {
        return new Write(what, false);
    }

    /**
     * A new write that nobody will {@linkplain Write#await() await} (an asynchronous submit or lease end): its
     * {@linkplain Write#applied() future} completes on the callback thread once it is applied, after the result-future
     * completions its effects produced ran there, so a caller of {@code completeAsync} sees the task's handle completed
     * first, as a caller of {@code complete} does.
     */
    Write beginDetached(String what) {
        return new Write(what, true);
    }

    private void run() {
        List<Write> batch = new ArrayList<>();
        while (true) {
            Write first;
            try {
                first = acknowledged.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (first == null) {
                if (stopping && acknowledged.isEmpty()) {
                    return;
                }
                continue;
            }
            batch.add(first);
            acknowledged.drainTo(batch);
            synchronized (ctx.lock) {
                for (Write w : batch) {
                    ctx.applying(w);
                    try {
                        w.apply();
                    } finally {
                        ctx.applying(null);
                    }
                }
            }
            writes.addAndGet(batch.size());
            groups.incrementAndGet();
            ctx.drainCompletions();
            List<Write> detached = null;
            for (Write w : batch) {
                if (w.detached) {
                    if (detached == null) {
                        detached = new ArrayList<>();
                    }
                    detached.add(w);
                } else {
                    w.release();
                }
            }
            if (detached != null) {
                // One hand-off per group, not per write; see callbacks.
                List<Write> release = detached;
                callbacks.execute(() -> release.forEach(Write::release));
            }
            batch.clear();
        }
    }

    /** {writes acknowledged, groups they were applied in}: how much the grouping saved. */
    long[] counts() {
        return new long[] {writes.get(), groups.get()};
    }

    /** After the producer closed (every callback has run): applies what is left, then stops. */
    void close() {
        stopping = true;
        if (thread != Thread.currentThread()) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // The applying thread has handed over every detached write it released; their futures complete before close
        // returns, unless close was called from one of their dependent stages.
        callbacks.shutdown();
        if (callbackThread != Thread.currentThread()) {
            try {
                if (!callbacks.awaitTermination(10, TimeUnit.SECONDS)) {
                    log.warn(
                            "Kafka task queue {}: dependent stages of submitAsync futures still running after 10 s",
                            ctx.config.topicPrefix());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The records of one caller (a submit, an end, a retry), in flight until every one is acknowledged. Its effects
     * on memory run under the monitor on the applying thread, before {@link #await} returns.
     */
    final class Write {
        private final String what;
        /** Records not yet acknowledged, plus one until {@link #seal}. */
        private final AtomicInteger outstanding = new AtomicInteger(1);

        private final CompletableFuture<@Nullable Void> done = new CompletableFuture<>();
        private volatile @Nullable RecordMetadata primary;
        private volatile @Nullable Exception failure;
        /** What the caller gets instead of a normal return; set by the applying thread. */
        private @Nullable RuntimeException error;

        /** Whether nobody awaits it: an asynchronous submit or lease end, released on the callback thread. */
        private final boolean detached;

        /** Result-future completions its effects produced, run by the caller; guarded by {@code this}. */
        private @Nullable List<Runnable> owed;
        /** The caller stopped waiting: later completions go to the shared queue; guarded by {@code this}. */
        private boolean callerGone;

        private Runnable onAck = () -> {};
        private Consumer<RuntimeException> onFailure = e -> {};

        private Write(String what, boolean detached) {
            this.what = what;
            this.detached = detached;
        }

        /**
         * The callback of one of its records.
         *
         * @param isPrimary whether {@link #metadata()} is this record's
         */
        Callback record(boolean isPrimary) {
            outstanding.incrementAndGet();
            return (meta, e) -> {
                if (e != null) {
                    failure = e;
                } else if (isPrimary) {
                    primary = meta;
                }
                arrive();
            };
        }

        /**
         * Every record is sent: once all are acknowledged {@code onAck} runs, else {@code onFailure}, both under the
         * monitor on the applying thread, never before this call (under the monitor or not).
         */
        void seal(Runnable onAck, Consumer<RuntimeException> onFailure) {
            this.onAck = onAck;
            this.onFailure = onFailure;
            arrive();
        }

        private void arrive() {
            if (outstanding.decrementAndGet() == 0) {
                acknowledged.add(this);
            }
        }

        /** The metadata of the primary record; valid in {@code onAck}. */
        RecordMetadata metadata() {
            RecordMetadata m = primary;
            if (m == null) {
                throw new IllegalStateException("no primary record acknowledged for the " + what + " write");
            }
            return m;
        }

        private void apply() {
            Exception e = failure;
            try {
                if (e == null) {
                    onAck.run();
                } else {
                    error = refused(e);
                    onFailure.accept(error);
                }
            } catch (RuntimeException ex) {
                log.error("Kafka task queue {}: applying the {} write failed", ctx.config.topicPrefix(), what, ex);
                if (error == null) {
                    error = ex;
                }
            }
        }

        private void release() {
            if (detached) {
                runOwed(); // on the callback thread: the result futures first, as await() does for its caller
            }
            RuntimeException e = error;
            if (e == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(e);
            }
        }

        /** Takes a completion for the caller to run; false if the caller no longer waits. */
        synchronized boolean owe(Runnable completion) {
            if (callerGone) {
                return false;
            }
            if (owed == null) {
                owed = new ArrayList<>(2);
            }
            owed.add(completion);
            return true;
        }

        /** Runs the completions owed to the caller, on the caller's thread, and stops taking more. */
        private void runOwed() {
            List<Runnable> mine;
            synchronized (this) {
                callerGone = true;
                mine = owed;
                owed = null;
            }
            if (mine != null) {
                mine.forEach(ctx::runCompletion);
            }
            ctx.drainCompletions(); // any a late apply handed to the shared queue
        }

        /**
         * The future of a {@linkplain #beginDetached detached} write: completes on the callback thread once it is
         * applied (after its effects' result-future completions ran there), normally or with what {@link #await} would
         * have thrown.
         */
        CompletableFuture<@Nullable Void> applied() {
            if (!detached) {
                throw new IllegalStateException("the " + what + " write is awaited, not detached");
            }
            return done;
        }

        /**
         * Waits until the records are acknowledged and their effects applied, then completes the result futures
         * they ended. Never under the monitor.
         *
         * @throws BackendUnreachableException if the brokers did not acknowledge within the send timeout
         * @throws ScaleplaneException if they refused a record, naming the brokers and their setting either way
         */
        void await() {
            long timeout = ctx.config.sendTimeout().toMillis() + 5_000;
            try {
                done.get(timeout, TimeUnit.MILLISECONDS);
                runOwed();
            } catch (InterruptedException e) {
                runOwed();
                Thread.currentThread().interrupt();
                throw new ScaleplaneException("interrupted while waiting for Kafka (" + what + ")", e);
            } catch (ExecutionException e) {
                runOwed();
                throw e.getCause() instanceof RuntimeException r
                        ? r
                        : new ScaleplaneException(String.valueOf(e.getCause()), e.getCause());
            } catch (TimeoutException e) {
                runOwed();
                throw unreachable("did not acknowledge the " + what + " write within " + ctx.config.sendTimeout(), e);
            }
        }

        private RuntimeException refused(Exception e) {
            if (e instanceof ScaleplaneException s) {
                return s;
            }
            if (e instanceof RetriableException) {
                // Kafka's delivery timeout: the brokers did not take the record in time.
                return unreachable(
                        "did not acknowledge the " + what + " write within " + ctx.config.sendTimeout() + ": " + e, e);
            }
            return new ScaleplaneException(
                    "Kafka brokers " + servers() + " (" + ctx.config.bootstrapSetting() + ") refused the " + what
                            + " write: " + e,
                    e);
        }
    }

    private BackendUnreachableException unreachable(String problem, Exception cause) {
        return new BackendUnreachableException(
                "Kafka brokers", servers(), ctx.config.bootstrapSetting(), problem, cause);
    }

    private String servers() {
        return servers;
    }
}
