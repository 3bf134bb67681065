package dev.scaleplane.api.store;

import dev.scaleplane.api.events.Event;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Streams of events with optimistic concurrency and one global order: the platform's audit trail and the basis of
 * event-sourced state. Checked by {@code EventStoreCompatibilityKit} in {@code scaleplane-tck}.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>Atomic appends.</b> The events of one {@link #append} are all written or none is; they get consecutive
 *       stream versions. The future completes only after the backend's durability point (for the embedded file log,
 *       its fsync policy; for PostgreSQL, the commit).
 *   <li><b>Optimistic concurrency.</b> An append whose {@link ExpectedVersion} does not hold fails with
 *       {@link WrongExpectedVersionException} and writes nothing.
 *   <li><b>Global order.</b> Every event gets a global position, increasing in commit order. A reader following
 *       {@link #readAll} never misses an event that commits later with a lower position (the backend hides events
 *       until every lower position is settled).
 *   <li><b>Catch-up.</b> A {@link #subscribe catch-up subscription} delivers history, then live events, in position
 *       order, without gaps or duplicates at the switch-over.
 *   <li><b>Upcasting.</b> Reads return events after the registered {@link EventUpcaster}s turned old versions into
 *       current ones; the stored bytes never change.
 * </ul>
 *
 * <p>Stream names are 1-200 characters from letters, digits, {@code . _ - :}. The part before the first {@code -}
 * is the stream's <em>category</em> ({@code deployment-42} is in category {@code deployment}), which retention
 * rules use.
 *
 * <p>Thread-safety: all methods may be called concurrently from any thread.
 */
public interface EventStore extends AutoCloseable {

    /**
     * Appends events to a stream atomically.
     *
     * @param stream the stream name
     * @param expected what the stream's state must be
     * @param events one or more events; ids should be unique (an idempotent producer reuses the id on retry)
     * @return a future with where the events landed, completed at the durability point, or exceptionally with
     *     {@link WrongExpectedVersionException}, {@link StreamDeletedException} (appending to a deleted stream with
     *     other than {@link ExpectedVersion#NO_STREAM} or {@link ExpectedVersion#ANY}), or an {@link
     *     EventStoreException} for I/O failures
     * @throws IllegalArgumentException for an invalid stream name or an empty list
     */
    CompletableFuture<AppendResult> append(String stream, ExpectedVersion expected, List<? extends Event<?>> events);

    /**
     * Reads events of one stream.
     *
     * @param fromVersion the first version to return (inclusive); for {@link ReadDirection#BACKWARD},
     *     {@code Long.MAX_VALUE} starts at the last event
     * @param maxCount at most this many, {@code >= 1}
     * @return the events in the requested direction; empty for an unknown or deleted stream
     */
    List<RecordedEvent> readStream(String stream, ReadDirection direction, long fromVersion, int maxCount);

    /**
     * Reads events of all streams in global order.
     *
     * @param fromPosition the first position to return (inclusive); for {@link ReadDirection#BACKWARD},
     *     {@code Long.MAX_VALUE} starts at the last event
     * @param maxCount at most this many, {@code >= 1}
     */
    List<RecordedEvent> readAll(ReadDirection direction, long fromPosition, int maxCount);

    /** The stream's current version, or empty if it does not exist or was deleted. */
    OptionalLong streamVersion(String stream);

    /**
     * Deletes a stream (a tombstone): reads return nothing, and the name may be reused with
     * {@link ExpectedVersion#NO_STREAM}; the new stream's versions continue after the old ones. Its events stay in
     * {@link #readAll} and audit queries, because the audit trail keeps what happened.
     *
     * @return a future completed at the durability point, or exceptionally with {@link WrongExpectedVersionException}
     */
    CompletableFuture<Void> deleteStream(String stream, ExpectedVersion expected);

    /**
     * Starts a catch-up subscription: events from the subscription's start (its stored checkpoint, or the options'
     * start position) in global order, first history then live, each exactly once to the handler unless the handler
     * fails (see {@link CatchUpOptions}).
     *
     * @return a handle that stops the subscription when closed
     */
    CatchUpSubscription subscribe(CatchUpOptions options, RecordedEventHandler handler);

    /** The position stored for a named subscriber, if any. */
    OptionalLong checkpoint(String subscriberId);

    /**
     * Stores a subscriber's position: where a restarted subscription resumes (after it). Catch-up subscriptions with a
     * subscriber id store their checkpoints themselves.
     *
     * @return a future completed at the durability point
     */
    CompletableFuture<Void> storeCheckpoint(String subscriberId, long position);

    /** Runs an audit query; see {@link AuditQuery}. */
    AuditPage query(AuditQuery query);

    /** Stops subscriptions, waits for pending appends to reach their durability point, and releases resources. */
    @Override
    void close();
}
