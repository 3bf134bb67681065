package dev.scaleplane.core.internal.store;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.store.AppendResult;
import dev.scaleplane.api.store.AuditPage;
import dev.scaleplane.api.store.AuditQuery;
import dev.scaleplane.api.store.CatchUpOptions;
import dev.scaleplane.api.store.CatchUpSubscription;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventStoreException;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.api.store.RecordedEventHandler;
import dev.scaleplane.core.store.CatchUpSubscriptions;
import dev.scaleplane.core.store.RetentionPolicy;
import dev.scaleplane.core.store.StreamNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * An event store in this process's memory, for tests: appends are serialized by one lock and visible (and "durable")
 * when {@code append} returns, so every future is already complete. Shares the index, retention and catch-up logic
 * with the file log, so it behaves the same except that everything is gone when it closes.
 *
 * <p>Thread-safe.
 */
public final class InMemoryEventStore implements EventStore {
    private final Clock clock;
    private final LogIndex index;
    private final List<Event<?>> events = new ArrayList<>();
    private final CatchUpSubscriptions subscriptions;
    private final Object appendLock = new Object();
    private volatile boolean closed;

    /** A store stamping events with {@code clock}, applying {@code retention}. */
    public InMemoryEventStore(Clock clock, RetentionPolicy retention) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.index = new LogIndex(Objects.requireNonNull(retention, "retention"));
        // Every commit signals, so the poll interval only bounds the damage of a bug.
        this.subscriptions = new CatchUpSubscriptions(this, Duration.ofSeconds(1), "scaleplane-store-memory");
    }

    @Override
    public CompletableFuture<AppendResult> append(
            String stream, ExpectedVersion expected, List<? extends Event<?>> batch) {
        StreamNames.requireValid(stream);
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(batch, "events");
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("events must not be empty");
        }
        batch.forEach(e -> Objects.requireNonNull(e, "event"));
        AppendResult result;
        synchronized (appendLock) {
            if (closed) {
                return CompletableFuture.failedFuture(closedException());
            }
            LogIndex.StreamState s = index.stream(stream);
            long last = s == null ? -1 : s.lastVersion();
            try {
                LogIndex.checkAppend(stream, expected, last, s == null ? -1 : s.deletedThrough);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            long now = clock.millis();
            long first = -1;
            long lastPosition = -1;
            index.writeLock().lock();
            try {
                for (int i = 0; i < batch.size(); i++) {
                    Event<?> e = batch.get(i);
                    events.add(e);
                    lastPosition = index.add(stream, last + 1 + i, now, LogIndex.Meta.of(e), 0, 0);
                    if (i == 0) {
                        first = lastPosition;
                    }
                }
            } finally {
                index.writeLock().unlock();
            }
            result = new AppendResult(stream, last + 1, last + batch.size(), first, lastPosition);
        }
        subscriptions.appended();
        return CompletableFuture.completedFuture(result);
    }

    @Override
    public List<RecordedEvent> readStream(String stream, ReadDirection direction, long fromVersion, int maxCount) {
        StreamNames.requireValid(stream);
        Objects.requireNonNull(direction, "direction");
        requirePositiveCount(maxCount);
        return materialize(index.readStream(stream, direction, fromVersion, maxCount, clock.millis()));
    }

    @Override
    public List<RecordedEvent> readAll(ReadDirection direction, long fromPosition, int maxCount) {
        Objects.requireNonNull(direction, "direction");
        requirePositiveCount(maxCount);
        return materialize(index.readAll(direction, fromPosition, maxCount, clock.millis()));
    }

    @Override
    public OptionalLong streamVersion(String stream) {
        return index.streamVersion(StreamNames.requireValid(stream));
    }

    @Override
    public CompletableFuture<Void> deleteStream(String stream, ExpectedVersion expected) {
        StreamNames.requireValid(stream);
        Objects.requireNonNull(expected, "expected");
        synchronized (appendLock) {
            if (closed) {
                return CompletableFuture.failedFuture(closedException());
            }
            LogIndex.StreamState s = index.stream(stream);
            try {
                if (LogIndex.checkDelete(
                        stream, expected, s == null ? -1 : s.lastVersion(), s == null ? -1 : s.deletedThrough)) {
                    index.writeLock().lock();
                    try {
                        index.delete(stream, s.lastVersion());
                    } finally {
                        index.writeLock().unlock();
                    }
                }
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CatchUpSubscription subscribe(CatchUpOptions options, RecordedEventHandler handler) {
        return subscriptions.subscribe(options, handler);
    }

    @Override
    public OptionalLong checkpoint(String subscriberId) {
        return index.checkpointOf(Objects.requireNonNull(subscriberId, "subscriberId"));
    }

    @Override
    public CompletableFuture<Void> storeCheckpoint(String subscriberId, long position) {
        Objects.requireNonNull(subscriberId, "subscriberId");
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0, but was " + position);
        }
        index.checkpoint(subscriberId, position);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public AuditPage query(AuditQuery query) {
        Objects.requireNonNull(query, "query");
        LogIndex.QueryResult r = index.query(query, clock.millis());
        return new AuditPage(materialize(r.entries()), r.next() < 0 ? OptionalLong.empty() : OptionalLong.of(r.next()));
    }

    @Override
    public void close() {
        subscriptions.close();
        synchronized (appendLock) {
            closed = true;
        }
    }

    private List<RecordedEvent> materialize(List<LogIndex.Entry> entries) {
        List<RecordedEvent> out = new ArrayList<>(entries.size());
        synchronized (appendLock) {
            for (LogIndex.Entry e : entries) {
                out.add(new RecordedEvent(
                        e.stream(),
                        e.version(),
                        e.position(),
                        Instant.ofEpochMilli(e.recordedAtMillis()),
                        events.get((int) e.position())));
            }
        }
        return out;
    }

    private static EventStoreException closedException() {
        return new EventStoreException("the in-memory event store is closed", null);
    }

    static void requirePositiveCount(int maxCount) {
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount must be >= 1, but was " + maxCount);
        }
    }
}
