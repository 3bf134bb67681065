package dev.scaleplane.api.store;

/** Another process already writes to this store's directory; one writer process per directory is allowed. */
public final class StoreLockedException extends EventStoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message names the directory and, when known, the process holding the lock. */
    public StoreLockedException(String message) {
        super(message, null);
    }
}
