package dev.scaleplane.adapters.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.scaleplane.adapters.http.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP response: status, headers (names case-insensitive) and the whole body, read into memory (adapter calls
 * answer with JSON documents of bounded size; streaming downloads are not this type's job).
 *
 * <p>Immutable and thread-safe.
 */
public final class AdapterResponse {
    private final AdapterRequest request;
    private final int status;
    private final Map<String, List<String>> headers;
    private final byte[] body;

    /**
     * Creates a response; used by the transport and by tests of interceptors.
     *
     * @param request the request as sent
     * @param status the HTTP status
     * @param headers the headers; names are matched ignoring case
     * @param body the body, empty for none
     */
    public AdapterResponse(AdapterRequest request, int status, Map<String, List<String>> headers, byte[] body) {
        this.request = Objects.requireNonNull(request, "request");
        this.status = status;
        TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Objects.requireNonNull(headers, "headers").forEach((k, v) -> h.put(k, List.copyOf(v)));
        this.headers = Collections.unmodifiableMap(h);
        this.body = Objects.requireNonNull(body, "body").clone();
    }

    /** The request this answers, as it was sent (credentials included: never log it whole). */
    public AdapterRequest request() {
        return request;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** Whether the status is 2xx. */
    public boolean successful() {
        return status >= 200 && status < 300;
    }

    /** The headers, names case-insensitive. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of header {@code name}, case-insensitive. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** A copy of the body. */
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The body as a JSON tree; {@link MissingNode} when the body is empty.
     *
     * @throws UncheckedIOException if the body is not JSON
     */
    public JsonNode json() {
        if (body.length == 0) {
            return MissingNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("the body of " + request + " (HTTP " + status + ") is not JSON", e);
        }
    }

    /**
     * The body as JSON bound to {@code type}.
     *
     * @throws UncheckedIOException if the body is not JSON of that shape
     */
    public <T> T as(Class<T> type) {
        try {
            return Json.MAPPER.readValue(body, type);
        } catch (IOException e) {
            throw new UncheckedIOException("the body of " + request + " is not a " + type.getSimpleName(), e);
        }
    }

    /**
     * The body as JSON bound to a generic type, e.g. {@code new TypeReference<List<Run>>() {}}.
     *
     * @throws UncheckedIOException if the body is not JSON of that shape
     */
    public <T> T as(TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(body, type);
        } catch (IOException e) {
            throw new UncheckedIOException("the body of " + request + " is not a " + type.getType(), e);
        }
    }

    /** "HTTP 200 for GET /repos/{owner}/{repo}", never the body or headers. */
    @Override
    public String toString() {
        return "HTTP " + status + " for " + request;
    }
}
