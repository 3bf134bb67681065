package dev.scaleplane.core.store;

import java.util.Objects;

/**
 * The stream naming rules of {@link dev.scaleplane.api.store.EventStore}: 1-200 characters from letters, digits and
 * {@code . _ - :}; the part before the first {@code -} is the stream's category, which retention rules use.
 *
 * <p>Stateless and thread-safe.
 */
public final class StreamNames {
    /** Longest allowed stream name. */
    public static final int MAX_LENGTH = 200;

    private StreamNames() {}

    /**
     * Checks a stream name.
     *
     * @return the name
     * @throws NullPointerException if {@code stream} is null
     * @throws IllegalArgumentException if the name is empty, too long or has a character outside the allowed set
     */
    public static String requireValid(String stream) {
        Objects.requireNonNull(stream, "stream");
        int n = stream.length();
        if (n == 0 || n > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "stream name must be 1-" + MAX_LENGTH + " characters, but was " + n + " long");
        }
        for (int i = 0; i < n; i++) {
            char c = stream.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-'
                    || c == ':';
            if (!ok) {
                throw new IllegalArgumentException("stream name may hold only letters, digits and . _ - :, but '"
                        + stream + "' has '" + c + "' at index " + i);
            }
        }
        return stream;
    }

    /** The category of a stream: the part before the first {@code -}, or the whole name when it has none. */
    public static String category(String stream) {
        int dash = stream.indexOf('-');
        return dash < 0 ? stream : stream.substring(0, dash);
    }
}
