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
    private static final ThreadLocal<Frame> CURRENT = ThreadLocal.withInitial(Frame::new);

    private EventScope() {}

    /**
     * Marks {@code event} as being handled on this thread.
     *
     * @return the previously current event, to pass to {@link #exit(Event)}
     */
    public static @Nullable Event<?> enter(Event<?> event) {
        return CURRENT.get().enter(event);
    }

    /** Restores the event that was current before the matching {@link #enter(Event)}. */
    public static void exit(@Nullable Event<?> previous) {
        CURRENT.get().exit(previous);
    }

    /** The event being handled on this thread, or {@code null} outside a handler. */
    public static @Nullable Event<?> current() {
        return CURRENT.get().event;
    }

    /**
     * The current thread's scope, for a backend thread that handles many events: it looks the thread-local up once
     * and then enters and exits through the frame, where {@link #enter}/{@link #exit} look it up on every call (a
     * thread-local look-up costs about as much as an in-memory hand-off).
     *
     * @return this thread's frame; use it on this thread only (it is not thread-safe)
     */
    public static Frame frame() {
        return CURRENT.get();
    }

    /** One thread's current event; see {@link #frame()}. Confined to its thread. */
    public static final class Frame {
        private @Nullable Event<?> event;

        private Frame() {}

        /**
         * Marks {@code next} as being handled on this frame's thread.
         *
         * @return the previously current event, to pass to {@link #exit(Event)}
         */
        public @Nullable Event<?> enter(Event<?> next) {
            Event<?> previous = event;
            event = next;
            return previous;
        }

        /** Restores the event that was current before the matching {@link #enter(Event)}. */
        public void exit(@Nullable Event<?> previous) {
            event = previous;
        }
    }
}
