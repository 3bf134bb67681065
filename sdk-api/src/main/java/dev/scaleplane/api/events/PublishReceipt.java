package dev.scaleplane.api.events;

import java.io.Serializable;
import java.util.Objects;

/**
 * Proof that a backend accepted an event.
 *
 * @param topic the topic published to
 * @param eventId the event's id
 * @param position where the backend stored it, in the backend's own terms (e.g. {@code partition-3@offset-1042} for
 *     Kafka, {@code memory} for the in-memory bus); for diagnostics, not for parsing
 */
// Serializable because a PublishBatchException, itself Serializable as every Throwable is, carries receipts.
public record PublishReceipt(String topic, String eventId, String position) implements Serializable {
    public PublishReceipt {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(position, "position");
    }
}
