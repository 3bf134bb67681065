package dev.scaleplane.tck;

import dev.scaleplane.api.events.EventType;
import java.util.Objects;

/**
 * The kit's main test payload: which ordering key an event belongs to and its position in the sequence the kit
 * published for that key. Registered under {@value #TYPE_NAME} in {@link TckBusSettings#tckEventTypes()}.
 *
 * <p>A plain record, so every codec that handles the platform catalog handles it too.
 *
 * @param key the ordering key the kit also puts in the event's subject or partition key
 * @param seq position of the event in the kit's plan (0-based)
 */
public record TckPayload(String key, int seq) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.tck.payload.v1";

    /** The registered type. */
    public static final EventType<TckPayload> TYPE = EventType.of(TYPE_NAME, TckPayload.class);

    /** Validates the key. */
    public TckPayload {
        Objects.requireNonNull(key, "key");
    }
}
