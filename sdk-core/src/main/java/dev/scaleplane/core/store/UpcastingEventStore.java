package dev.scaleplane.core.store;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.store.AppendResult;
import dev.scaleplane.api.store.AuditPage;
import dev.scaleplane.api.store.AuditQuery;
import dev.scaleplane.api.store.CatchUpOptions;
import dev.scaleplane.api.store.CatchUpSubscription;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventUpcaster;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.api.store.RecordedEventHandler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Applies {@link EventUpcaster}s to everything read from a store, so that backends return events exactly as stored
 * and readers see only current versions. Writes pass through unchanged.
 *
 * <p>Thread-safe if the wrapped store is.
 */
public final class UpcastingEventStore implements EventStore {
    /** Longest chain of upcasts applied to one event; a longer one means a cycle among the upcasters. */
    static final int MAX_CHAIN = 32;

    private final EventStore delegate;
    private final Map<String, EventUpcaster> byType;

    private UpcastingEventStore(EventStore delegate, Map<String, EventUpcaster> byType) {
        this.delegate = delegate;
        this.byType = byType;
    }

    /**
     * Wraps a store.
     *
     * @throws IllegalArgumentException if two upcasters read the same type
     */
    public static EventStore wrap(EventStore store, List<EventUpcaster> upcasters) {
        Objects.requireNonNull(store, "store");
        Map<String, EventUpcaster> byType = new HashMap<>();
        for (EventUpcaster u : upcasters) {
            EventUpcaster previous = byType.putIfAbsent(u.fromType(), u);
            if (previous != null) {
                throw new IllegalArgumentException(
                        "two upcasters read type " + u.fromType() + ": " + previous + " and " + u);
            }
        }
        return byType.isEmpty() ? store : new UpcastingEventStore(store, Map.copyOf(byType));
    }

    /** Applies the chain of upcasters to one event. */
    RecordedEvent upcast(RecordedEvent recorded) {
        Event<?> event = recorded.event();
        EventUpcaster upcaster = byType.get(event.type());
        if (upcaster == null) {
            return recorded;
        }
        for (int step = 0; upcaster != null; step++) {
            if (step == MAX_CHAIN) {
                throw new IllegalStateException("upcasting " + recorded.event().type() + " did not end after "
                        + MAX_CHAIN + " steps: the upcasters form a cycle");
            }
            event = upcaster.upcast(event);
            upcaster = byType.get(event.type());
        }
        return new RecordedEvent(
                recorded.stream(), recorded.version(), recorded.position(), recorded.recordedAt(), event);
    }

    private List<RecordedEvent> upcastAll(List<RecordedEvent> events) {
        return events.stream().map(this::upcast).toList();
    }

    @Override
    public CompletableFuture<AppendResult> append(
            String stream, ExpectedVersion expected, List<? extends Event<?>> events) {
        return delegate.append(stream, expected, events);
    }

    @Override
    public List<RecordedEvent> readStream(String stream, ReadDirection direction, long fromVersion, int maxCount) {
        return upcastAll(delegate.readStream(stream, direction, fromVersion, maxCount));
    }

    @Override
    public List<RecordedEvent> readAll(ReadDirection direction, long fromPosition, int maxCount) {
        return upcastAll(delegate.readAll(direction, fromPosition, maxCount));
    }

    @Override
    public OptionalLong streamVersion(String stream) {
        return delegate.streamVersion(stream);
    }

    @Override
    public CompletableFuture<Void> deleteStream(String stream, ExpectedVersion expected) {
        return delegate.deleteStream(stream, expected);
    }

    @Override
    public CatchUpSubscription subscribe(CatchUpOptions options, RecordedEventHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return delegate.subscribe(options, event -> handler.handle(upcast(event)));
    }

    @Override
    public OptionalLong checkpoint(String subscriberId) {
        return delegate.checkpoint(subscriberId);
    }

    @Override
    public CompletableFuture<Void> storeCheckpoint(String subscriberId, long position) {
        return delegate.storeCheckpoint(subscriberId, position);
    }

    /**
     * Runs the query on the stored events. Type criteria therefore match stored type names: to find events now read
     * as {@code x.v2}, include the old {@code x.v1} too.
     */
    @Override
    public AuditPage query(AuditQuery query) {
        AuditPage page = delegate.query(query);
        return new AuditPage(upcastAll(page.events()), page.nextPosition());
    }

    @Override
    public void close() {
        delegate.close();
    }
}
