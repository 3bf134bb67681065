package dev.scaleplane.tck;

import dev.scaleplane.api.events.EventType;
import java.util.Objects;

/**
 * A second kit payload type, used to check type filters and events published from inside a handler. Registered under
 * {@value #TYPE_NAME} in {@link TckBusSettings#tckEventTypes()}.
 *
 * @param note free text
 */
public record TckOtherPayload(String note) {

    /** The versioned CloudEvents type name. */
    public static final String TYPE_NAME = "dev.scaleplane.tck.other.v1";

    /** The registered type. */
    public static final EventType<TckOtherPayload> TYPE = EventType.of(TYPE_NAME, TckOtherPayload.class);

    /** Validates the note. */
    public TckOtherPayload {
        Objects.requireNonNull(note, "note");
    }
}
