package dev.scaleplane.adapters.webhooks;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One inbound delivery as any HTTP framework sees it: method, path, query, headers and the raw body bytes, which
 * signatures are computed over (never re-serialise a parsed body before handing it over).
 *
 * <p>Header names are matched ignoring case. The body array is not copied: the caller must not change it after
 * building the request. {@link #toString()} shows neither headers (they carry signatures and tokens) nor the body.
 *
 * @param method the HTTP method, e.g. {@code POST}
 * @param path the request path without query, as sent (not decoded), e.g. {@code /webhooks/github}
 * @param rawQuery the query string without {@code ?}, as sent (not decoded), or null
 * @param headers header values by name; names are stored in lower case
 * @param body the raw body
 */
public record WebhookRequest(
        String method, String path, @Nullable String rawQuery, Map<String, List<String>> headers, byte[] body) {

    /** Validates and copies the headers, names in lower case. */
    public WebhookRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        Map<String, List<String>> lower = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (name != null && values != null) {
                lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new java.util.ArrayList<>())
                        .addAll(values);
            }
        });
        lower.replaceAll((name, values) -> List.copyOf(values));
        headers = Map.copyOf(lower);
    }

    /**
     * A request for {@code target}, the request target as sent: a path, optionally followed by {@code ?} and a query.
     */
    public static WebhookRequest of(String method, String target, Map<String, List<String>> headers, byte[] body) {
        Objects.requireNonNull(target, "target");
        int q = target.indexOf('?');
        return q < 0
                ? new WebhookRequest(method, target, null, headers, body)
                : new WebhookRequest(method, target.substring(0, q), target.substring(q + 1), headers, body);
    }

    /** The first value of header {@code name} (any case), or null. */
    public @Nullable String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The first value of query parameter {@code name}, URL-decoded, or null. */
    public @Nullable String queryParameter(String name) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (key.equals(name)) {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            } catch (IllegalArgumentException e) {
                // a malformed escape (a stray %): the parameter is not there in any usable form
            }
        }
        return null;
    }

    /** Method, path and body size only: headers and query may hold credentials. */
    @Override
    public String toString() {
        return "WebhookRequest[" + method + " " + path + ", " + body.length + " bytes]";
    }
}
