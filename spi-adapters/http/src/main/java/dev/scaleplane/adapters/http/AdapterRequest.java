package dev.scaleplane.adapters.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.scaleplane.adapters.http.internal.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request an adapter wants sent: method, a path relative to the instance's base URI (or an absolute URI on
 * the same host, as servers hand out in {@code Link} headers), query parameters, headers and a body.
 *
 * <p>The path is built from a template, {@code get("/repos/{owner}/{repo}/issues", owner, repo)}: variables are
 * percent-encoded and the template itself, which holds no ids, is the {@code path} tag of the call's metrics.
 *
 * <p>Immutable and thread-safe; {@link #newBuilder()} derives a changed copy. Credentials are never put here by
 * adapters: the client's {@link Authenticator} adds them on the way out.
 */
public final class AdapterRequest {
    private static final Pattern VARIABLE = Pattern.compile("\\{[^}/]+}");
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS");

    private final String method;
    private final String pathTemplate;
    private final String path;
    private final List<Map.Entry<String, String>> query;
    private final Map<String, List<String>> headers;
    private final byte @Nullable [] body;
    private final @Nullable Boolean idempotent;

    private AdapterRequest(Builder b) {
        method = b.method;
        pathTemplate = b.pathTemplate;
        path = b.path;
        query = List.copyOf(b.query);
        TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        b.headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
        headers = Collections.unmodifiableMap(h);
        body = b.body;
        idempotent = b.idempotent;
    }

    /** A GET of the expanded {@code pathTemplate}. */
    public static AdapterRequest get(String pathTemplate, Object... variables) {
        return builder("GET", pathTemplate, variables).build();
    }

    /** A DELETE of the expanded {@code pathTemplate}. */
    public static AdapterRequest delete(String pathTemplate, Object... variables) {
        return builder("DELETE", pathTemplate, variables).build();
    }

    /** A POST of {@code body} serialized as JSON (Jackson) to the expanded {@code pathTemplate}. */
    public static AdapterRequest postJson(Object body, String pathTemplate, Object... variables) {
        return builder("POST", pathTemplate, variables).json(body).build();
    }

    /**
     * A builder for {@code method} on the expanded {@code pathTemplate}: each {@code {name}} is replaced, in order, by
     * the next variable, percent-encoded as one path segment.
     *
     * @throws IllegalArgumentException if the numbers of placeholders and variables differ
     */
    public static Builder builder(String method, String pathTemplate, Object... variables) {
        return new Builder(method, pathTemplate, expand(pathTemplate, variables));
    }

    /** A builder holding everything of this request. */
    public Builder newBuilder() {
        return new Builder(this);
    }

    /** The method, upper case. */
    public String method() {
        return method;
    }

    /** The path template, e.g. {@code /repos/{owner}/{repo}/issues}: the metrics tag, with no ids in it. */
    public String pathTemplate() {
        return pathTemplate;
    }

    /** The expanded path relative to the base URI, or an absolute URI on the base URI's host. */
    public String path() {
        return path;
    }

    /** Query parameters in order, unencoded. */
    public List<Map.Entry<String, String>> query() {
        return query;
    }

    /** The first value of query parameter {@code name}. */
    public Optional<String> queryParameter(String name) {
        return query.stream()
                .filter(e -> e.getKey().equals(name))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /** Headers, names case-insensitive. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of header {@code name}, case-insensitive. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The body, or {@code null} for none. The array is the request's own: do not modify it. */
    public byte @Nullable [] body() {
        return body;
    }

    /**
     * Whether repeating the request is safe whatever happened to the first one: as {@linkplain
     * Builder#idempotent(boolean) marked}, else by method (GET, HEAD, OPTIONS). Only such requests are retried after
     * a 5xx, a timeout or a broken connection.
     */
    public boolean idempotent() {
        return idempotent != null ? idempotent : IDEMPOTENT.contains(method);
    }

    /**
     * The full URI of this request against {@code baseUri}: the base path followed by {@link #path()}, then the query.
     *
     * @throws IllegalArgumentException if the path is absolute and names another scheme, host or port than the base
     *     URI (credentials must never go to another host)
     */
    public URI resolve(URI baseUri) {
        String target;
        if (path.startsWith("http://") || path.startsWith("https://")) {
            URI absolute = URI.create(path);
            if (!Objects.equals(absolute.getScheme(), baseUri.getScheme())
                    || !Objects.equals(absolute.getHost(), baseUri.getHost())
                    || absolute.getPort() != baseUri.getPort()) {
                throw new IllegalArgumentException("refusing to send a request to " + absolute.getScheme() + "://"
                        + absolute.getHost() + ": not the instance's host " + baseUri.getHost());
            }
            target = path;
        } else {
            String base = baseUri.toString();
            if (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            target = base + (path.startsWith("/") ? path : "/" + path);
        }
        if (query.isEmpty()) {
            return URI.create(target);
        }
        StringBuilder s = new StringBuilder(target).append(target.contains("?") ? '&' : '?');
        for (int i = 0; i < query.size(); i++) {
            if (i > 0) {
                s.append('&');
            }
            s.append(encode(query.get(i).getKey()))
                    .append('=')
                    .append(encode(query.get(i).getValue()));
        }
        return URI.create(s.toString());
    }

    /** "GET /repos/{owner}/{repo}" for messages and logs. */
    @Override
    public String toString() {
        return method + " " + pathTemplate;
    }

    private static String expand(String template, Object... variables) {
        Objects.requireNonNull(template, "pathTemplate");
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (m.find()) {
            if (i >= variables.length) {
                throw new IllegalArgumentException("path template " + template + " has more placeholders than the "
                        + variables.length + " variables given");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(pathSegment(String.valueOf(variables[i++]))));
        }
        m.appendTail(out);
        if (i != variables.length) {
            throw new IllegalArgumentException(
                    "path template " + template + " has " + i + " placeholders but " + variables.length + " variables");
        }
        return out.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * {@code segment} percent-encoded as one path segment (UTF-8; a space is {@code %20}, a slash {@code %2F}): for
     * paths built from several parts where a template does not fit.
     */
    public static String pathSegment(String segment) {
        return encode(Objects.requireNonNull(segment, "segment")).replace("+", "%20");
    }

    /**
     * The fields as an {@code application/x-www-form-urlencoded} body (UTF-8), in the map's order: {@code
     * a=1&b=x+y}.
     */
    public static String formEncode(Map<String, ?> fields) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(encode(e.getKey())).append('=').append(encode(String.valueOf(e.getValue())));
        }
        return out.toString();
    }

    /** Builds an {@link AdapterRequest}. Not thread-safe. */
    public static final class Builder {
        private final String method;
        private final String pathTemplate;
        private String path;
        private final List<Map.Entry<String, String>> query = new ArrayList<>();
        private final TreeMap<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private byte @Nullable [] body;
        private @Nullable Boolean idempotent;

        private Builder(String method, String pathTemplate, String path) {
            this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
            this.pathTemplate = pathTemplate;
            this.path = path;
        }

        private Builder(AdapterRequest r) {
            method = r.method;
            pathTemplate = r.pathTemplate;
            path = r.path;
            query.addAll(r.query);
            r.headers.forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
            body = r.body;
            idempotent = r.idempotent;
        }

        /**
         * Replaces the path by an absolute URI on the instance's host (a next-page link), dropping the query
         * parameters, which the URI carries. The template, and so the metrics tag, stays.
         */
        public Builder uri(URI absolute) {
            Objects.requireNonNull(absolute, "absolute");
            if (!absolute.isAbsolute()) {
                throw new IllegalArgumentException("uri must be absolute, but was " + absolute);
            }
            path = absolute.toString();
            query.clear();
            return this;
        }

        /** Adds a query parameter (unencoded; encoded when sent). */
        public Builder query(String name, Object value) {
            query.add(Map.entry(Objects.requireNonNull(name, "name"), String.valueOf(value)));
            return this;
        }

        /** Replaces every value of query parameter {@code name} by {@code value}. */
        public Builder setQuery(String name, Object value) {
            query.removeIf(e -> e.getKey().equals(name));
            return query(name, value);
        }

        /** Adds a header value. */
        public Builder header(String name, String value) {
            headers.computeIfAbsent(Objects.requireNonNull(name, "name"), k -> new ArrayList<>())
                    .add(Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Replaces every value of header {@code name} by {@code value}. */
        public Builder setHeader(String name, String value) {
            headers.remove(name);
            return header(name, value);
        }

        /** Removes header {@code name}. */
        public Builder removeHeader(String name) {
            headers.remove(name);
            return this;
        }

        /** The body as given, with its content type. */
        public Builder body(byte[] bytes, String contentType) {
            body = Objects.requireNonNull(bytes, "bytes").clone();
            return setHeader("Content-Type", contentType);
        }

        /**
         * The body as a form ({@link #formEncode}), with {@code Content-Type: application/x-www-form-urlencoded;
         * charset=UTF-8}.
         */
        public Builder form(Map<String, ?> fields) {
            return body(
                    formEncode(fields).getBytes(StandardCharsets.UTF_8),
                    "application/x-www-form-urlencoded; charset=UTF-8");
        }

        /**
         * The body as JSON: a Jackson tree or any object Jackson can serialize.
         *
         * @throws IllegalArgumentException if Jackson cannot serialize it
         */
        public Builder json(Object value) {
            try {
                body = Json.MAPPER.writeValueAsBytes(value);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(
                        "cannot serialize " + value.getClass().getName() + " as JSON", e);
            }
            return setHeader("Content-Type", "application/json");
        }

        /**
         * Marks whether repeating the request is safe whatever happened to the first attempt, overriding the rule by
         * method: {@code true} for a read sent as POST (a GraphQL query), {@code false} for a GET with side effects.
         * Copied by {@link AdapterRequest#newBuilder()}, so every page of a listing keeps it.
         */
        public Builder idempotent(boolean idempotent) {
            this.idempotent = idempotent;
            return this;
        }

        /** The request. */
        public AdapterRequest build() {
            return new AdapterRequest(this);
        }
    }
}
