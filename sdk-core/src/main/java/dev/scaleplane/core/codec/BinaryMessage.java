package dev.scaleplane.core.codec;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An event in binary content mode: the headers to put on the transport message and its body.
 *
 * <p>The headers map is an unmodifiable copy that keeps insertion order. The body array is <em>not</em> copied, so
 * that a large payload is not copied once more on its way to the broker: the message owns it and nobody may modify it
 * after construction. When the event's data is a {@code byte[]}, the body is that same array.
 *
 * @param headers attribute headers and the content type header, values as strings
 * @param body the message body; empty when the event has no data
 */
public record BinaryMessage(Map<String, String> headers, byte[] body) {

    /**
     * Copies the headers.
     *
     * @throws NullPointerException if an argument, a header name or a header value is null
     */
    public BinaryMessage {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        Map<String, String> copy = new LinkedHashMap<>(headers.size() * 2);
        headers.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "header name"), Objects.requireNonNull(v, k)));
        headers = Collections.unmodifiableMap(copy);
    }

    /** Compares headers and body content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryMessage m && headers.equals(m.headers) && Arrays.equals(body, m.body);
    }

    @Override
    public int hashCode() {
        return 31 * headers.hashCode() + Arrays.hashCode(body);
    }

    /** The headers and the body size, never the body itself. */
    @Override
    public String toString() {
        return "BinaryMessage{headers=" + headers + ", body=" + body.length + " bytes}";
    }
}
