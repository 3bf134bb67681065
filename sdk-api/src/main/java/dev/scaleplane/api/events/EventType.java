package dev.scaleplane.api.events;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A payload class registered under a versioned CloudEvents type name.
 *
 * <p>Type names are reverse-DNS, dot-separated and end with a version segment, e.g.
 * {@code dev.scaleplane.deployment.requested.v1}. A new incompatible payload shape gets a new name ({@code .v2}); the
 * old name stays readable.
 *
 * @param name the versioned type name
 * @param javaType the payload class; for JSON payloads it must be (de)serializable by the codec, e.g. a record
 * @param <T> payload type
 */
public record EventType<T>(String name, Class<T> javaType) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:[.-][a-zA-Z0-9_]+)*\\.v[0-9]+");

    /**
     * Validates the type.
     *
     * @throws IllegalArgumentException if the name is not dot-separated and ending in a version segment such as
     *     {@code .v1}
     */
    public EventType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(javaType, "javaType");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("event type name must be dot-separated and end with a version segment"
                    + " such as '.v1' (e.g. com.example.order.placed.v1), but was '" + name + "'");
        }
    }

    /** Creates an event type. */
    public static <T> EventType<T> of(String name, Class<T> javaType) {
        return new EventType<>(name, javaType);
    }
}
