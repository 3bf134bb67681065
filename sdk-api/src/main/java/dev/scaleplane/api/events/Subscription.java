package dev.scaleplane.api.events;

/**
 * A live subscription of one handler. Closing it removes the member from its group; the group's other members take
 * over its share of the events.
 *
 * <p>Thread-safety: all methods may be called from any thread, including from inside the handler.
 */
public interface Subscription extends AutoCloseable {

    /** The subscribed topic. */
    String topic();

    /** The subscription group. */
    String group();

    /** Whether the subscription still receives events. */
    boolean isActive();

    /**
     * Stops receiving events and waits (up to the bus's drain timeout) for the handler calls already started to
     * finish. Idempotent. When called from inside this subscription's own handler it does not wait for that call.
     */
    @Override
    void close();
}
