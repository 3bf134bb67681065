package dev.scaleplane.api.store;

/**
 * What an append expects of its stream, for optimistic concurrency: the append fails with
 * {@link WrongExpectedVersionException} when the expectation does not hold, and appends nothing.
 *
 * <p>Stream versions count from 0: the first event of a stream has version 0, so a stream with {@code n} events is at
 * version {@code n - 1}.
 */
public sealed interface ExpectedVersion {

    /** No check: append whatever the stream's state. */
    ExpectedVersion ANY = new Any();

    /** The stream must not exist (no event was ever appended, or it was deleted and may be recreated). */
    ExpectedVersion NO_STREAM = new NoStream();

    /** The stream must exist and not be deleted. */
    ExpectedVersion STREAM_EXISTS = new StreamExists();

    /**
     * The stream's current version must be exactly {@code version}.
     *
     * @throws IllegalArgumentException if {@code version < 0}
     */
    static ExpectedVersion exactly(long version) {
        return new Exactly(version);
    }

    /** Whether a stream at {@code currentVersion} (-1 when absent) that is or is not deleted meets the expectation. */
    boolean isMetBy(long currentVersion, boolean exists);

    /** See {@link #ANY}. */
    record Any() implements ExpectedVersion {
        @Override
        public boolean isMetBy(long currentVersion, boolean exists) {
            return true;
        }

        @Override
        public String toString() {
            return "ANY";
        }
    }

    /** See {@link #NO_STREAM}. */
    record NoStream() implements ExpectedVersion {
        @Override
        public boolean isMetBy(long currentVersion, boolean exists) {
            return !exists;
        }

        @Override
        public String toString() {
            return "NO_STREAM";
        }
    }

    /** See {@link #STREAM_EXISTS}. */
    record StreamExists() implements ExpectedVersion {
        @Override
        public boolean isMetBy(long currentVersion, boolean exists) {
            return exists;
        }

        @Override
        public String toString() {
            return "STREAM_EXISTS";
        }
    }

    /**
     * See {@link #exactly(long)}.
     *
     * @param version the version the stream must be at
     */
    record Exactly(long version) implements ExpectedVersion {
        /** Validates the version. */
        public Exactly {
            if (version < 0) {
                throw new IllegalArgumentException("expected version must be >= 0, but was " + version
                        + " (use NO_STREAM for a stream that must not exist)");
            }
        }

        @Override
        public boolean isMetBy(long currentVersion, boolean exists) {
            return exists && currentVersion == version;
        }

        @Override
        public String toString() {
            return Long.toString(version);
        }
    }
}
