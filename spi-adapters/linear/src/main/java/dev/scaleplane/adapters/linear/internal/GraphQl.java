package dev.scaleplane.adapters.linear.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.PageStyle;
import dev.scaleplane.adapters.http.Paginator;
import dev.scaleplane.api.adapters.AdapterCallFacts;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sends GraphQL documents to Linear's one endpoint, {@code POST /graphql} with {@code {"query", "variables"}}, through
 * the plumbing. Queries are marked repeatable, so the retry link repeats them after a 5xx or a broken connection like
 * any GET; mutations are not, so a 5xx on one (which Linear may have applied) is never repeated. GraphQL errors in the
 * answer are thrown as typed exceptions by the client's {@link LinearErrors}. Thread-safe.
 */
final class GraphQl {
    /** The endpoint, under the base URL. */
    static final String PATH = "/graphql";

    static final ObjectMapper JSON = new ObjectMapper();

    private final AdapterHttpClient http;

    GraphQl(AdapterHttpClient http) {
        this.http = Objects.requireNonNull(http, "http");
    }

    /** The request for {@code document} with {@code variables}. */
    static AdapterRequest request(String document, ObjectNode variables, boolean repeatable) {
        ObjectNode body = JSON.createObjectNode().put("query", document);
        body.set("variables", variables);
        return AdapterRequest.builder("POST", PATH)
                .json(body)
                .idempotent(repeatable)
                .build();
    }

    /** Runs a query; returns its {@code data}. */
    JsonNode query(String document, ObjectNode variables) {
        return http.sendForJson(request(document, variables, true)).path("data");
    }

    /**
     * Runs a mutation and returns its payload, {@code data.<field>}.
     *
     * @throws AdapterRequestRefusedException if Linear answered {@code success: false} without an error
     */
    JsonNode mutate(String document, ObjectNode variables, String field) {
        JsonNode payload = http.sendForJson(request(document, variables, false))
                .path("data")
                .path(field);
        if (!payload.path("success").asBoolean(false)) {
            throw refused(200, "Linear answered " + field + " with success: false");
        }
        return payload;
    }

    /**
     * The nodes of connection {@code data.<connection>}, page by page as they are used: the first page is requested
     * with {@code variables} (which must hold {@code first}), each next one with {@code after} set to the end cursor.
     */
    Paginator<JsonNode> paginate(String document, ObjectNode variables, String connection) {
        return http.paginate(
                request(document, variables, true),
                PageStyle.relayCursor("/data/" + connection + "/pageInfo", "after"),
                response -> {
                    List<JsonNode> nodes = new ArrayList<>();
                    response.json().path("data").path(connection).path("nodes").forEach(nodes::add);
                    return nodes;
                });
    }

    /**
     * A refusal the adapter decides (Linear answered without an error, or no request was needed), in the plumbing's
     * terms: the endpoint, {@code status} (200 when Linear answered, 0 when nothing was sent) and {@code message}.
     */
    AdapterException refused(int status, String message) {
        return new AdapterRequestRefusedException(facts(status, message), null);
    }

    /** A resource Linear answered without (an empty {@code teams} list), as {@link AdapterNotFoundException}. */
    AdapterException notFound(String message) {
        return new AdapterNotFoundException(facts(200, message), null);
    }

    private AdapterCallFacts facts(int status, String message) {
        return new AdapterCallFacts(LinearIssues.SYSTEM, http.instance(), "POST", PATH, status, null, message);
    }

    @Override
    public String toString() {
        return "GraphQl[" + http + "]";
    }
}
