package dev.scaleplane.api.events;

import java.time.Duration;

/**
 * A publish waited the whole publish timeout for room in a full buffer. The event was not accepted; the caller may
 * retry later, shed load, or raise the buffer size or timeout.
 */
public final class PublishTimeoutException extends PublishException {
    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    /** Creates the exception. */
    public PublishTimeoutException(String topic, String eventId, Duration timeout, String what) {
        super(
                topic,
                eventId,
                what + " stayed full for the publish timeout of " + timeout
                        + "; consumers are slower than publishers (raise the buffer size or the timeout, or slow down)",
                null);
        this.timeout = timeout;
    }

    /** The publish timeout that elapsed. */
    public Duration timeout() {
        return timeout;
    }
}
