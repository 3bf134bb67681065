package dev.scaleplane.core.store;

import dev.scaleplane.api.store.CatchUpOptions;
import dev.scaleplane.api.store.CatchUpSubscription;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventStoreException;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.api.store.RecordedEventHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catch-up subscriptions for any {@link EventStore} backend, built only on the store's public operations: each
 * subscription pages {@link EventStore#readAll} forward from its start, hands every event to its handler on its own
 * thread, and when a page comes back short it waits for the store's {@linkplain #appended() append signal} (or the
 * poll interval, for backends that cannot signal every commit) and reads on from the position after the last event
 * it handled.
 *
 * <h2>Why there are no gaps or duplicates at the switch-over</h2>
 *
 * There is no separate "live" channel to merge with history: live events are read with the same {@code readAll}
 * call as history, always from {@code last handled position + 1}. A position is therefore delivered once, and none
 * is skipped as long as {@code readAll} honours the store's contract of never returning a position before every lower
 * position is settled. The signal only shortens the wait; a missed signal costs at most one poll interval.
 *
 * <h2>Checkpoints</h2>
 *
 * With a subscriber id, the start is {@code checkpoint + 1} when the store has a checkpoint, else the options' start
 * position. The subscription stores its last handled position with {@link EventStore#storeCheckpoint} every
 * {@link CatchUpOptions#checkpointEvery()} events, when {@link CatchUpOptions#checkpointInterval()} has passed since
 * the last store while events flow, when it goes idle, when it stops after a handler failure (the position before the
 * failing event) and on close. It waits for each checkpoint's durability point before handling more events, so a
 * stored checkpoint never runs ahead of what was handled.
 *
 * <h2>Store failures</h2>
 *
 * A failed read is retried with exponential backoff (50 ms doubling to 5 s) for as long as the subscription is open,
 * so a restart of the database or a passing I/O error delays delivery but does not end it; a failed checkpoint is
 * logged and tried again when next due. Only a handler failure, or close, stops a subscription.
 *
 * <p>Thread-safe. One instance per store; the store calls {@link #appended()} after each commit becomes visible to
 * {@code readAll} and {@link #close()} when it closes.
 */
public final class CatchUpSubscriptions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CatchUpSubscriptions.class);
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    private static final Duration FIRST_RETRY_BACKOFF = Duration.ofMillis(50);
    private static final Duration MAX_RETRY_BACKOFF = Duration.ofSeconds(5);

    private final EventStore store;
    private final Duration pollInterval;
    private final String threadPrefix;
    private final Set<Runner> running = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicInteger waiters = new AtomicInteger();
    private volatile long appends;
    private volatile boolean closed;

    /**
     * Creates the subscriptions of one store.
     *
     * @param store the store read from; its {@code readAll} must return events as stored (no upcasting: the SDK wraps
     *     the handler) and its checkpoint methods must work
     * @param pollInterval the longest a live subscription waits before reading again without a signal; backends that
     *     signal every commit can pass a long interval, a backend that cannot signal (another process commits)
     *     passes its polling period
     * @param threadPrefix names the subscription threads, e.g. {@code scaleplane-store-file}
     */
    public CatchUpSubscriptions(EventStore store, Duration pollInterval, String threadPrefix) {
        this.store = Objects.requireNonNull(store, "store");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be > 0, but was " + pollInterval);
        }
        this.threadPrefix = Objects.requireNonNull(threadPrefix, "threadPrefix");
    }

    /**
     * Starts a subscription on a new thread.
     *
     * @throws IllegalStateException if {@link #close()} was called
     */
    public CatchUpSubscription subscribe(CatchUpOptions options, RecordedEventHandler handler) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        if (closed) {
            throw new IllegalStateException("the event store is closed");
        }
        Runner runner = new Runner(options, handler);
        running.add(runner);
        runner.thread.start();
        return runner;
    }

    /**
     * Wakes the subscriptions waiting for live events. Cheap when none waits; call it after every commit that
     * {@code readAll} can now see.
     */
    public void appended() {
        appends++; // single writer or benign race: any change of the value wakes readers, lost increments do not matter
        if (waiters.get() > 0) {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** How many subscriptions are running. */
    public int size() {
        return running.size();
    }

    /** Closes every running subscription (each stores its final checkpoint) and refuses new ones. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (Runner r : new ArrayList<>(running)) {
            r.close();
        }
    }

    private void awaitAppend(long seen, Runner runner) throws InterruptedException {
        waiters.incrementAndGet();
        lock.lock();
        try {
            long nanos = pollInterval.toNanos();
            while (appends == seen && runner.open && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
            waiters.decrementAndGet();
        }
    }

    /** Waits up to {@code nanos}, returning early when the runner is closed. */
    private void pause(long nanos, Runner runner) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (runner.open && left > 0) {
                left = changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private final class Runner implements CatchUpSubscription, Runnable {
        private final CatchUpOptions options;
        private final RecordedEventHandler handler;
        private final @Nullable String subscriberId;
        private final Thread thread;
        private volatile boolean open = true;
        private volatile boolean live;
        private volatile long lastPosition = -1;
        private volatile @Nullable Throwable failure;
        private long storedCheckpoint = -1;
        private int sinceCheckpoint;
        private long lastCheckpointNanos = System.nanoTime();

        Runner(CatchUpOptions options, RecordedEventHandler handler) {
            this.options = options;
            this.handler = handler;
            this.subscriberId = options.subscriberId().orElse(null);
            this.thread = new Thread(this, threadPrefix + "-catchup-" + THREAD_IDS.incrementAndGet());
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                long next = options.fromPosition();
                if (subscriberId != null) {
                    var stored = store.checkpoint(subscriberId);
                    if (stored.isPresent()) {
                        storedCheckpoint = stored.getAsLong();
                        next = storedCheckpoint + 1;
                    }
                }
                while (open) {
                    long seen = appends;
                    List<RecordedEvent> page = readPage(next);
                    if (page == null) {
                        break; // closed while waiting to retry
                    }
                    for (RecordedEvent event : page) {
                        if (!open) {
                            break;
                        }
                        try {
                            handler.handle(event);
                        } catch (Throwable t) {
                            failure = t;
                            open = false;
                            log.warn(
                                    "catch-up subscription {} stopped: its handler failed on position {}",
                                    subscriberId != null ? subscriberId : thread.getName(),
                                    event.position(),
                                    t);
                            break;
                        }
                        lastPosition = event.position();
                        next = event.position() + 1;
                        sinceCheckpoint++;
                        maybeCheckpoint(false);
                    }
                    if (open && page.size() < options.batchSize()) {
                        live = true;
                        maybeCheckpoint(true);
                        awaitAppend(seen, this);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                // The store failed (closed under us, I/O): report it like a handler failure rather than dying quietly.
                if (open) {
                    failure = e;
                    log.warn("catch-up subscription {} stopped: reading the store failed", thread.getName(), e);
                }
            } finally {
                open = false;
                try {
                    storeCheckpoint();
                } catch (RuntimeException e) {
                    log.warn("storing the final checkpoint of {} failed", subscriberId, e);
                }
                running.remove(this);
            }
        }

        /**
         * Reads the next page, retrying with exponential backoff while the store fails (a database restart, a full
         * disk): a subscription outlives a passing outage of its store. Returns null if closed meanwhile.
         */
        private @Nullable List<RecordedEvent> readPage(long next) throws InterruptedException {
            long backoffNanos = 0;
            int failures = 0;
            while (open) {
                try {
                    List<RecordedEvent> page = store.readAll(ReadDirection.FORWARD, next, options.batchSize());
                    if (failures > 0) {
                        log.info("catch-up subscription {} reads again after {} failed attempt(s)", name(), failures);
                    }
                    return page;
                } catch (RuntimeException e) {
                    if (!open || closed) {
                        throw e;
                    }
                    failures++;
                    backoffNanos = Math.min(
                            MAX_RETRY_BACKOFF.toNanos(),
                            backoffNanos == 0 ? FIRST_RETRY_BACKOFF.toNanos() : backoffNanos * 2);
                    if (failures == 1 || failures % 10 == 0) {
                        log.warn(
                                "catch-up subscription {}: reading from position {} failed ({} in a row); retrying in {}"
                                        + " ms",
                                name(),
                                next,
                                failures,
                                TimeUnit.NANOSECONDS.toMillis(backoffNanos),
                                e);
                    }
                    pause(backoffNanos, this);
                }
            }
            return null;
        }

        private String name() {
            return subscriberId != null ? subscriberId : thread.getName();
        }

        private void maybeCheckpoint(boolean idle) {
            if (subscriberId == null || sinceCheckpoint == 0) {
                return;
            }
            boolean due = sinceCheckpoint >= options.checkpointEvery()
                    || idle
                    || System.nanoTime() - lastCheckpointNanos
                            >= options.checkpointInterval().toNanos();
            if (due) {
                try {
                    storeCheckpoint();
                } catch (EventStoreException e) {
                    // The checkpoint stays where it was and is tried again when next due; delivery goes on
                    // (at-least-once: a restart replays from the older checkpoint).
                    lastCheckpointNanos = System.nanoTime();
                    log.warn("catch-up subscription {}: storing the checkpoint at {} failed", name(), lastPosition, e);
                }
            }
        }

        private void storeCheckpoint() {
            long position = lastPosition;
            if (subscriberId == null || position < 0 || position == storedCheckpoint) {
                return;
            }
            try {
                store.storeCheckpoint(subscriberId, position).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EventStoreException("interrupted while storing the checkpoint of " + subscriberId, e);
            } catch (ExecutionException | CancellationException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                throw new EventStoreException(
                        "storing the checkpoint of " + subscriberId + " at " + position + " failed", cause);
            }
            storedCheckpoint = position;
            sinceCheckpoint = 0;
            lastCheckpointNanos = System.nanoTime();
        }

        @Override
        public boolean isLive() {
            return live;
        }

        @Override
        public long lastPosition() {
            return lastPosition;
        }

        @Override
        public boolean isRunning() {
            return thread.isAlive() && open;
        }

        @Override
        public Optional<Throwable> failure() {
            return Optional.ofNullable(failure);
        }

        @Override
        public void close() {
            open = false;
            wake();
            if (Thread.currentThread() == thread) {
                return; // called from the handler: the loop ends after it returns and stores the checkpoint then
            }
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            return "CatchUpSubscription[" + (subscriberId != null ? subscriberId : thread.getName()) + ", last="
                    + lastPosition + ", live=" + live + ", running=" + isRunning() + ']';
        }
    }
}
