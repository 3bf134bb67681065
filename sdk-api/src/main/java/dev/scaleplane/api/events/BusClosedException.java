package dev.scaleplane.api.events;

/** The bus was closed; it accepts no more publishes or subscriptions. */
public final class BusClosedException extends PublishException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception for a publish after close. */
    public BusClosedException(String topic, String eventId) {
        super(topic, eventId, "the event bus is closed", null);
    }

    /** Creates the exception for a subscription after close. */
    public BusClosedException(String topic) {
        super(topic, "", null, "cannot subscribe to topic '" + topic + "': the event bus is closed");
    }
}
