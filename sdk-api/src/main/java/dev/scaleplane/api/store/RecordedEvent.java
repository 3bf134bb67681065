package dev.scaleplane.api.store;

import dev.scaleplane.api.events.Event;
import java.time.Instant;
import java.util.Objects;

/**
 * An event as stored: the envelope plus where it sits.
 *
 * @param stream the stream it belongs to
 * @param version its version within the stream, from 0
 * @param position its global position: strictly increasing in commit order across all streams, from 0; positions
 *     may have gaps (e.g. after a failed transaction), never duplicates
 * @param recordedAt when the store committed it
 * @param event the event (after upcasting, if an upcaster applied)
 */
public record RecordedEvent(String stream, long version, long position, Instant recordedAt, Event<?> event) {
    /** Validates the record. */
    public RecordedEvent {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(recordedAt, "recordedAt");
        Objects.requireNonNull(event, "event");
        if (version < 0 || position < 0) {
            throw new IllegalArgumentException(
                    "version and position must be >= 0, but were " + version + " and " + position);
        }
    }
}
