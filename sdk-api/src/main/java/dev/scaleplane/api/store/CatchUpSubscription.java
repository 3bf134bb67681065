package dev.scaleplane.api.store;

import java.util.Optional;

/**
 * A running catch-up subscription.
 *
 * <p>Thread-safety: all methods may be called from any thread, including from inside the handler.
 */
public interface CatchUpSubscription extends AutoCloseable {

    /** Whether it has delivered every event that existed when it started and is now following live appends. */
    boolean isLive();

    /** The position of the last event handled, or -1 if none. */
    long lastPosition();

    /** Whether it still runs (false after close, or after its handler failed). */
    boolean isRunning();

    /** The handler's failure that stopped it, if that is why it stopped. */
    Optional<Throwable> failure();

    /**
     * Stops delivering, waits for the handler call in progress, and stores the final checkpoint if the subscription
     * has a subscriber id. Idempotent.
     */
    @Override
    void close();
}
