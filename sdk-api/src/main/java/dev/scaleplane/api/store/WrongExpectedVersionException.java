package dev.scaleplane.api.store;

import dev.scaleplane.api.ScaleplaneException;

/**
 * An append's {@link ExpectedVersion} did not hold: another writer got there first. Nothing of the append was
 * written. The usual reaction is to re-read the stream, re-decide, and append again with the new version.
 */
public final class WrongExpectedVersionException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final String stream;
    private final transient ExpectedVersion expected;
    private final long actualVersion;

    /**
     * Creates the exception.
     *
     * @param actualVersion the stream's version when the append was attempted, -1 when it did not exist
     */
    public WrongExpectedVersionException(String stream, ExpectedVersion expected, long actualVersion) {
        super("append to stream '" + stream + "' expected version " + expected + " but the stream is "
                + (actualVersion < 0 ? "absent" : "at version " + actualVersion));
        this.stream = stream;
        this.expected = expected;
        this.actualVersion = actualVersion;
    }

    /** The stream appended to. */
    public String stream() {
        return stream;
    }

    /** What the append expected. */
    public ExpectedVersion expected() {
        return expected;
    }

    /** The stream's version at the time, -1 when it did not exist. */
    public long actualVersion() {
        return actualVersion;
    }
}
