package dev.scaleplane.api.events;

/**
 * Handles one event.
 *
 * <p>Called on a bus thread. For one subscription, calls for events with the same ordering key never overlap and come
 * in publish order; calls for different keys may run concurrently (up to the subscription's concurrency), so shared
 * state must be thread-safe.
 *
 * @param <T> payload type
 */
@FunctionalInterface
public interface EventHandler<T> {

    /**
     * Handles the event. Returning normally acknowledges it. Throwing anything makes the bus retry per the
     * subscription's {@link dev.scaleplane.api.RetryPolicy}, and dead-letter the event after the last attempt. An
     * {@link InterruptedException} during close is not counted as a failure: the event stays unacknowledged and will
     * be redelivered by durable backends.
     *
     * @param event the event
     * @throws Exception to signal failure
     */
    void handle(Event<T> event) throws Exception;
}
