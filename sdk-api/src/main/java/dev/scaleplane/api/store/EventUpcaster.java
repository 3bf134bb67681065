package dev.scaleplane.api.store;

import dev.scaleplane.api.events.Event;
import java.util.Objects;
import java.util.function.Function;

/**
 * Turns stored events of an old type version into the current one when they are read, so that readers only handle
 * current versions and the stored bytes never change.
 *
 * <p>The event handed in carries its payload as decoded: an instance of the old type's class if that is still
 * registered, otherwise generic JSON values ({@code Map<String, Object>}, {@code List}, {@code String},
 * {@code Number}, {@code Boolean}). Upcasters chain: the result's type may itself have an upcaster.
 *
 * <p>Implementations must be stateless and thread-safe.
 */
public interface EventUpcaster {

    /** The type name this upcaster reads, e.g. {@code dev.scaleplane.deployment.requested.v1}. */
    String fromType();

    /**
     * Converts one event.
     *
     * @return the event as a newer type; keep id, source, time and extensions unless there is a reason not to
     */
    Event<?> upcast(Event<?> event);

    /**
     * An upcaster that keeps the envelope and converts only the payload.
     *
     * @param fromType the old type name
     * @param toType the new type name
     * @param data converts the old payload to the new one
     */
    static EventUpcaster of(String fromType, String toType, Function<Object, ?> data) {
        Objects.requireNonNull(fromType, "fromType");
        Objects.requireNonNull(toType, "toType");
        Objects.requireNonNull(data, "data");
        return new EventUpcaster() {
            @Override
            public String fromType() {
                return fromType;
            }

            @Override
            public Event<?> upcast(Event<?> event) {
                return retype(event, toType, data.apply(event.data()));
            }

            @Override
            public String toString() {
                return "EventUpcaster[" + fromType + " -> " + toType + "]";
            }
        };
    }

    private static <T> Event<T> retype(Event<?> old, String toType, T data) {
        return new Event<>(
                old.id(),
                old.source(),
                old.specVersion(),
                toType,
                old.subject(),
                old.time(),
                old.dataContentType(),
                data,
                old.tenant(),
                old.cluster(),
                old.correlationId(),
                old.causationId(),
                old.partitionKey(),
                old.traceparent(),
                old.extensions());
    }
}
