package dev.scaleplane.api.events;

import dev.scaleplane.api.ScaleplaneException;
import org.jspecify.annotations.Nullable;

/** An event could not be accepted by the bus. The message names the topic and event id. */
public class PublishException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String eventId;

    /** Creates the exception. */
    public PublishException(String topic, String eventId, String message, @Nullable Throwable cause) {
        super("publish of event " + eventId + " to topic '" + topic + "' failed: " + message, cause);
        this.topic = topic;
        this.eventId = eventId;
    }

    /**
     * Creates the exception with a complete message, for subclasses whose failure is not about one event.
     *
     * @param eventId the event concerned, or an empty string when none is
     */
    protected PublishException(String topic, String eventId, @Nullable Throwable cause, String message) {
        super(message, cause);
        this.topic = topic;
        this.eventId = eventId;
    }

    /** The topic published to. */
    public String topic() {
        return topic;
    }

    /** The id of the event that was not accepted; empty when the failure concerns no single event. */
    public String eventId() {
        return eventId;
    }
}
