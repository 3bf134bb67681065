package dev.scaleplane.api.store;

/**
 * Receives the events of a catch-up subscription, one at a time, in global order, on the subscription's thread.
 */
@FunctionalInterface
public interface RecordedEventHandler {
    /**
     * Handles one event. Throwing stops the subscription (it does not skip the event): the failure is reported
     * through {@link CatchUpSubscription#failure()}, and the checkpoint stays before this event.
     *
     * @throws Exception to stop the subscription
     */
    void handle(RecordedEvent event) throws Exception;
}
