package dev.scaleplane.api.store;

/** The stream was deleted; recreate it by appending with {@link ExpectedVersion#NO_STREAM}. */
public final class StreamDeletedException extends EventStoreException {
    private static final long serialVersionUID = 1L;

    private final String stream;

    /** Creates the exception. */
    public StreamDeletedException(String stream) {
        super("stream '" + stream + "' was deleted; append with NO_STREAM to recreate it", null);
        this.stream = stream;
    }

    /** The deleted stream. */
    public String stream() {
        return stream;
    }
}
