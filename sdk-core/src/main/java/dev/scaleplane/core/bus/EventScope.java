package dev.scaleplane.core.bus;

import dev.scaleplane.api.events.Event;
import org.jspecify.annotations.Nullable;

/**
 * The event whose handler is running on the current thread, so that events published from inside a handler inherit
 * its correlation id, tenant and trace context and name it as their cause.
 *
 * <p>Backends call {@link #enter(Event)} before invoking a handler and {@link #exit(Event)} after it, in a
 * {@code finally} block. Scopes nest (a handler that synchronously triggers another handler restores the outer event
 * on exit).
 */
public final class EventScope {
    private static final ThreadLocal<@Nullable Event<?>> CURRENT = new ThreadLocal<>();

    private EventScope() {}

    /**
     * Marks {@code event} as being handled on this thread.
     *
     * @return the previously current event, to pass to {@link #exit(Event)}
     */
    public static @Nullable Event<?> enter(Event<?> event) {
        Event<?> previous = CURRENT.get();
        CURRENT.set(event);
        return previous;
    }

    /** Restores the event that was current before the matching {@link #enter(Event)}. */
    public static void exit(@Nullable Event<?> previous) {
        // set(null), not remove(): remove would drop the thread's map entry and the next enter would allocate a new
        // one, on every event of a bus thread.
        CURRENT.set(previous);
    }

    /** The event being handled on this thread, or {@code null} outside a handler. */
    public static @Nullable Event<?> current() {
        return CURRENT.get();
    }
}
