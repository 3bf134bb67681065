package dev.scaleplane.api.capacity;

import dev.scaleplane.api.ScaleplaneException;
import org.jspecify.annotations.Nullable;

/**
 * An input of capacity planning is invalid: a setting out of range, a history too short for the projection method, a
 * sample with a negative amount. The message names the field, the value given and what would be valid; nothing is
 * recorded or published.
 */
public final class InvalidCapacityInputException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final @Nullable String value;

    /**
     * Creates the exception.
     *
     * @param field the field at fault, e.g. {@code headroom} or {@code history[eu-west/cpu]}
     * @param value the value given
     * @param fix what would be valid, e.g. "a share between 0 and 10, such as 0.30"
     */
    public InvalidCapacityInputException(String field, @Nullable Object value, String fix) {
        super("capacity planning " + field + " '" + value + "' is invalid: " + fix);
        this.field = field;
        this.value = value == null ? null : value.toString();
    }

    /** The field at fault. */
    public String field() {
        return field;
    }

    /** The value given, as text. */
    public @Nullable String value() {
        return value;
    }
}
