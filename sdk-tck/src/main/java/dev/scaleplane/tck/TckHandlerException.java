package dev.scaleplane.tck;

/**
 * What the kit's handlers throw to simulate an ordinary (retryable) failure. Dead letters of such failures must name
 * this class in {@link dev.scaleplane.api.events.DeadLetter#exceptionType()}.
 */
public final class TckHandlerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that the dead letter must carry. */
    public TckHandlerException(String message) {
        super(message);
    }
}
