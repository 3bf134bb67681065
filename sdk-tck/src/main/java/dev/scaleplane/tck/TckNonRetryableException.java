package dev.scaleplane.tck;

/**
 * What the kit's handlers throw to simulate a failure that the subscription's
 * {@link dev.scaleplane.api.RetryPolicy.Builder#nonRetryable(Class[]) retry policy} marks as final, so the event is
 * dead-lettered after one attempt with {@link dev.scaleplane.api.events.DeadLetter.Reason#NON_RETRYABLE}.
 */
public final class TckNonRetryableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that the dead letter must carry. */
    public TckNonRetryableException(String message) {
        super(message);
    }
}
