package dev.scaleplane.events.postgres.internal;

import dev.scaleplane.api.store.CatchUpOptions;
import dev.scaleplane.api.store.CatchUpSubscription;
import dev.scaleplane.api.store.EventStoreException;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.api.store.RecordedEventHandler;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A catch-up subscription on its own thread: one cursor (the next position) walks {@link PostgresEventStore#readPage}
 * for history and for live events alike, so there is no switch-over where an event could be skipped or repeated.
 *
 * <p>After a short page it waits for the store's {@link AppendSignal}, at most a backoff that starts at
 * {@value #MIN_WAIT_MILLIS} ms and doubles up to the poll interval: short at first because an event announced by a
 * notification can still be behind the horizon while an older append finishes (or rolls back, which announces
 * nothing). Read failures (database restart, network) are logged and retried with the same backoff; only the
 * handler's exception stops the subscription.
 *
 * <p>Thread-safe.
 */
final class PostgresCatchUpSubscription implements CatchUpSubscription {
    private static final Logger log = LoggerFactory.getLogger(PostgresCatchUpSubscription.class);
    private static final long MIN_WAIT_MILLIS = 2;

    private final PostgresEventStore store;
    private final RecordedEventHandler handler;
    private final @Nullable String subscriberId;
    private final int batchSize;
    private final int checkpointEvery;
    private final long checkpointIntervalNanos;
    private final long pollMillis;
    private final AppendSignal signal;
    private final Consumer<PostgresCatchUpSubscription> onStop;
    private final Thread thread;

    private long next;
    private long checkpointed = -1;
    private int sinceCheckpoint;
    private long lastCheckpointNanos = System.nanoTime();

    private volatile long lastPosition = -1;
    private volatile boolean live;
    private volatile boolean running = true;
    private volatile boolean closing;
    private volatile @Nullable Throwable failure;

    PostgresCatchUpSubscription(
            PostgresEventStore store,
            CatchUpOptions options,
            RecordedEventHandler handler,
            long start,
            AppendSignal signal,
            Duration pollInterval,
            Consumer<PostgresCatchUpSubscription> onStop) {
        this.store = store;
        this.handler = handler;
        this.subscriberId = options.subscriberId().orElse(null);
        this.batchSize = options.batchSize();
        this.checkpointEvery = options.checkpointEvery();
        this.checkpointIntervalNanos = options.checkpointInterval().toNanos();
        this.pollMillis = Math.max(1, pollInterval.toMillis());
        this.signal = signal;
        this.onStop = onStop;
        this.next = start;
        this.thread =
                new Thread(this::run, "scaleplane-pg-catchup-" + (subscriberId != null ? subscriberId : "anonymous"));
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long waitMillis = MIN_WAIT_MILLIS;
        boolean readFailing = false;
        try {
            while (!closing) {
                long generation = signal.generation();
                List<RecordedEvent> page;
                try {
                    page = store.readPage(next, batchSize);
                    if (readFailing) {
                        log.info("subscription {} reads again", name());
                        readFailing = false;
                    }
                } catch (EventStoreException e) {
                    if (closing) {
                        break;
                    }
                    if (!readFailing) {
                        log.warn("subscription {} cannot read, retrying: {}", name(), e.getMessage());
                        readFailing = true;
                    }
                    signal.awaitMillis(generation, waitMillis);
                    waitMillis = Math.min(waitMillis * 2, pollMillis);
                    continue;
                }
                for (RecordedEvent event : page) {
                    if (closing) {
                        break;
                    }
                    try {
                        handler.handle(event);
                    } catch (Exception | Error e) {
                        failure = e;
                        log.error(
                                "subscription {} stopped: its handler failed at position {}",
                                name(),
                                event.position(),
                                e);
                        return;
                    }
                    lastPosition = event.position();
                    next = event.position() + 1;
                    sinceCheckpoint++;
                    if (sinceCheckpoint >= checkpointEvery || checkpointDue()) {
                        checkpoint();
                    }
                }
                if (page.size() < batchSize && !closing) {
                    live = true;
                    if (page.isEmpty()) {
                        if (checkpointDue()) {
                            checkpoint();
                        }
                        signal.awaitMillis(generation, waitMillis);
                        waitMillis = Math.min(waitMillis * 2, pollMillis);
                    } else {
                        waitMillis = MIN_WAIT_MILLIS;
                    }
                } else {
                    waitMillis = MIN_WAIT_MILLIS;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                checkpoint();
            } finally {
                running = false;
                onStop.accept(this);
            }
        }
    }

    private boolean checkpointDue() {
        return lastPosition > checkpointed && System.nanoTime() - lastCheckpointNanos >= checkpointIntervalNanos;
    }

    /** Stores the last handled position if there is a subscriber id and it moved. Failures are retried later. */
    private void checkpoint() {
        if (subscriberId == null || lastPosition <= checkpointed) {
            return;
        }
        long position = lastPosition;
        try {
            store.storeCheckpointNow(subscriberId, position);
            checkpointed = position;
            sinceCheckpoint = 0;
            lastCheckpointNanos = System.nanoTime();
        } catch (EventStoreException e) {
            log.warn("subscription {} could not store its checkpoint {}: {}", name(), position, e.getMessage());
        }
    }

    private String name() {
        return subscriberId != null ? "'" + subscriberId + "'" : "(anonymous)";
    }

    @Override
    public boolean isLive() {
        return live && running;
    }

    @Override
    public long lastPosition() {
        return lastPosition;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void close() {
        closing = true;
        // Wakes this subscription (and, harmlessly, others) if it waits for appends.
        signal.signal();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.MINUTES.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "PostgresCatchUpSubscription{" + name() + ", next=" + next + ", live=" + live + ", running=" + running
                + '}';
    }
}
