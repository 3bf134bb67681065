package dev.scaleplane.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.adapters.http.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How a paged API asks for its next page. Implementations must be stateless and thread-safe: everything they need is
 * in the request just sent and its response.
 */
public interface PageStyle {

    /** Adjusts the first request (e.g. adds Jenkins' {@code tree} range). The default returns it unchanged. */
    default AdapterRequest first(AdapterRequest request) {
        return request;
    }

    /**
     * The request of the page after {@code response}, or {@code null} when that was the last. Not called after an
     * empty page: an empty page always ends the listing.
     *
     * @param sent the request of the page just fetched
     * @param response its response
     * @param itemCount how many items the page held
     */
    @Nullable
    AdapterRequest next(AdapterRequest sent, AdapterResponse response, int itemCount);

    /** RFC 8288 (5988) {@code Link} header, {@code rel="next"} (GitHub, GitLab keyset, Jira Server). */
    static PageStyle linkHeader() {
        Pattern next = Pattern.compile("<([^>]+)>\\s*;[^,]*rel=\"?next\"?");
        return (sent, response, count) -> {
            for (String link : response.headers().getOrDefault("Link", java.util.List.of())) {
                Matcher m = next.matcher(link);
                if (m.find()) {
                    return sent.newBuilder().uri(URI.create(m.group(1))).build();
                }
            }
            return null;
        };
    }

    /** GitLab offset pagination: the {@code x-next-page} header, empty on the last page, as the {@code page} query. */
    static PageStyle gitlabNextPage() {
        return (sent, response, count) -> response.header("x-next-page")
                .map(String::trim)
                .filter(p -> !p.isEmpty())
                .map(p -> sent.newBuilder().setQuery("page", p).build())
                .orElse(null);
    }

    /**
     * A token in the body ({@code nextPageToken} of Jira's {@code /rest/api/3/search/jql}), absent or with {@code
     * isLast: true} on the last page, sent back as query parameter {@code parameter} of a GET, or as the field of
     * that name in the JSON body of a POST.
     */
    static PageStyle bodyToken(String field, String parameter) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(parameter, "parameter");
        return (sent, response, count) -> {
            JsonNode body = response.json();
            JsonNode token = body.path(field);
            if (!token.isTextual()
                    || token.asText().isEmpty()
                    || body.path("isLast").asBoolean(false)) {
                return null;
            }
            if (sent.body() == null) {
                return sent.newBuilder().setQuery(parameter, token.asText()).build();
            }
            ObjectNode next = readObject(sent);
            next.put(parameter, token.asText());
            return sent.newBuilder().json(next).build();
        };
    }

    /**
     * Relay cursors (GraphQL, Linear): reads {@code pageInfo { hasNextPage endCursor }} at JSON pointer {@code
     * pageInfoPointer} (e.g. {@code /data/issues/pageInfo}) and sends the same query with variable {@code variable}
     * (usually {@code after}) set to the end cursor.
     */
    static PageStyle relayCursor(String pageInfoPointer, String variable) {
        Objects.requireNonNull(pageInfoPointer, "pageInfoPointer");
        Objects.requireNonNull(variable, "variable");
        return (sent, response, count) -> {
            JsonNode pageInfo = response.json().at(pageInfoPointer);
            if (!pageInfo.path("hasNextPage").asBoolean(false)
                    || !pageInfo.path("endCursor").isTextual()) {
                return null;
            }
            ObjectNode body = readObject(sent);
            JsonNode variables = body.path("variables");
            ObjectNode vars = variables.isObject() ? (ObjectNode) variables : body.putObject("variables");
            vars.put(variable, pageInfo.path("endCursor").asText());
            return sent.newBuilder().json(body).build();
        };
    }

    /**
     * Jenkins {@code tree} ranges: the query parameter {@code tree} is {@code expression{0,pageSize}}, then
     * {@code {pageSize,2*pageSize}} and so on, until a page holds fewer than {@code pageSize} items.
     *
     * @param expression the tree without range, e.g. {@code jobs[name,url,color]}
     */
    static PageStyle jenkinsTree(String expression, int pageSize) {
        Objects.requireNonNull(expression, "expression");
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be >= 1, but was " + pageSize);
        }
        return new PageStyle() {
            @Override
            public AdapterRequest first(AdapterRequest request) {
                return request.newBuilder()
                        .setQuery("tree", expression + "{0," + pageSize + "}")
                        .build();
            }

            @Override
            public @Nullable AdapterRequest next(AdapterRequest sent, AdapterResponse response, int count) {
                if (count < pageSize) {
                    return null;
                }
                String tree = sent.queryParameter("tree").orElse("");
                Matcher m = Pattern.compile("\\{(\\d+),(\\d+)}$").matcher(tree);
                long end = m.find() ? Long.parseLong(m.group(2)) : pageSize;
                return sent.newBuilder()
                        .setQuery("tree", expression + "{" + end + "," + (end + pageSize) + "}")
                        .build();
            }
        };
    }

    private static ObjectNode readObject(AdapterRequest request) {
        byte[] body = request.body();
        try {
            JsonNode node = body == null ? null : Json.MAPPER.readTree(body);
            if (node instanceof ObjectNode o) {
                return o;
            }
            throw new IllegalArgumentException(request + " has no JSON object body to page with");
        } catch (IOException e) {
            throw new UncheckedIOException(request + " has no JSON body to page with", e);
        }
    }
}
