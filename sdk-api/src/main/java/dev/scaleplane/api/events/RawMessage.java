package dev.scaleplane.api.events;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A message as it came off the wire, kept when it could not be decoded into an {@link Event} so that nothing is lost.
 *
 * @param headers the transport headers, values as strings
 * @param body the body bytes (a defensive copy is taken and returned)
 */
public record RawMessage(Map<String, String> headers, byte[] body) {
    public RawMessage {
        headers = Map.copyOf(headers);
        body = Objects.requireNonNull(body, "body").clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawMessage m && headers.equals(m.headers) && Arrays.equals(body, m.body);
    }

    @Override
    public int hashCode() {
        return 31 * headers.hashCode() + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "RawMessage{headers=" + headers + ", body=" + body.length + " bytes}";
    }
}
