package dev.scaleplane.adapters.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import dev.scaleplane.adapters.http.testing.VendorSimulation;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A simulation of Grafana's annotations HTTP API, stateful, inside WireMock as a response transformer (so WireMock's
 * request journal still records every request). Never the real Grafana: it answers with the request and response
 * shapes of Grafana's "Annotations HTTP API" docs and follows Grafana's handler and store where the docs are silent:
 *
 * <ul>
 *   <li>{@code POST /api/annotations} with {@code dashboardUID}, {@code panelId}, {@code time}, {@code timeEnd}
 *       (epoch ms), {@code tags}, {@code text}: {@code 200 {"message": "Annotation added", "id": N}}; an empty text is
 *       {@code 400 {"message": "Failed to save annotation"}}; an unknown dashboard UID makes an organisation
 *       annotation (Grafana's handler keeps dashboard id 0 when the UID resolves to nothing); a missing {@code time}
 *       is "now", a missing {@code timeEnd} is {@code time}, a reversed region is swapped;
 *   <li>{@code GET /api/annotations} with {@code from}, {@code to} (applied only when both are > 0, as {@code time <=
 *       to AND timeEnd >= from}), {@code tags} (repeated; all must match unless {@code matchAny=true}; {@code
 *       key:value} tags matched as key/value pairs), {@code type} ({@code annotation} leaves out alert annotations),
 *       {@code dashboardUID} (an unknown one is {@code 400 "Invalid dashboard UID in annotation request"}), {@code
 *       panelId}, {@code limit} (default 100); newest first ({@code timeEnd} then {@code time} descending); items in
 *       the documented shape;
 *   <li>credentials: {@code Authorization: Bearer} {@value #TOKEN} (a service-account token of organisation 1), {@value
 *       #ORG2_TOKEN} (of organisation 2), or Basic {@value #USER}:{@value #PASSWORD} (a user of both); {@code
 *       X-Grafana-Org-Id} selects the organisation, and naming another than a token's own is {@code 401 "API key does
 *       not belong to the requested organization"}; a bad credential is {@code 401 "Invalid API key"}. Annotations are
 *       kept per organisation.
 * </ul>
 *
 * <p>Dashboards of organisation 1: {@value #DASHBOARD} (id 7, panels 2 and 4) and {@code checkout-overview} (id 8).
 */
final class FakeGrafana extends VendorSimulation {
    static final String TOKEN = "glsa_TCK0000000000000000000secretvalue_0a1b2c3d";
    static final String ORG2_TOKEN = "glsa_TCK0000000000000000000org2secret_9f8e7d6c";
    static final String USER = "deployer";
    static final String PASSWORD = "tck-password-secret";
    static final String DASHBOARD = "deploys";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Long> DASHBOARDS = Map.of(DASHBOARD, 7L, "checkout-overview", 8L);

    // guarded by this
    private final List<ObjectNode> annotations = new ArrayList<>();
    private long nextId;

    private FakeGrafana() {
        super("fake-grafana");
    }

    /** Starts a simulation on a free port. */
    static FakeGrafana launch() {
        return started(new FakeGrafana());
    }

    @Override
    protected void resetState() {
        annotations.clear();
        nextId = 1123;
    }

    /** The stored annotations of organisation {@code org}, as Grafana's find answers them (no filter, stored order). */
    synchronized List<JsonNode> stored(long org) {
        return annotations.stream()
                .filter(a -> a.path("orgId").asLong() == org)
                .map(a -> (JsonNode) item(a))
                .toList();
    }

    // ---- dispatch ----

    /** Grafana's {@code {"message": ...}} body for an injected failure. */
    @Override
    protected ResponseDefinition failure(InjectedFailure failure, Request request) {
        int status = failure.status();
        return message(
                status,
                switch (status) {
                    case 400 -> "bad request data";
                    case 403 -> "You'll need additional permissions to perform this action.";
                    case 404 -> "Not found";
                    case 502 -> "Bad Gateway";
                    case 503 -> "Service Unavailable";
                    default -> "Failed to get annotations";
                });
    }

    @Override
    protected ResponseDefinition answer(Request request) {
        String header = request.getHeader("X-Grafana-Org-Id");
        Long requested = null;
        if (header != null) {
            try {
                requested = Long.parseLong(header.trim());
            } catch (NumberFormatException e) {
                return message(400, "invalid X-Grafana-Org-Id header");
            }
        }
        String authorization = request.getHeader("Authorization");
        long org;
        if (("Bearer " + TOKEN).equals(authorization) || ("Bearer " + ORG2_TOKEN).equals(authorization)) {
            long own = authorization.endsWith(TOKEN) ? 1 : 2;
            if (requested != null && requested != own) {
                return unauthorized("API key does not belong to the requested organization");
            }
            org = own;
        } else if (("Basic "
                        + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .equals(authorization)) {
            org = requested == null ? 1 : requested;
        } else {
            return unauthorized("Invalid API key");
        }
        String method = request.getMethod().getName();
        String path = URI.create(request.getUrl()).getRawPath();
        if (!path.equals("/api/annotations")) {
            return message(404, "Not found");
        }
        if (method.equals("POST")) {
            return create(org, jsonBody(request));
        }
        if (method.equals("GET")) {
            return find(org, request);
        }
        return message(405, "Method Not Allowed");
    }

    // ---- create ----

    private ResponseDefinition create(long org, @Nullable JsonNode body) {
        if (body == null || !body.isObject()) {
            return message(400, "bad request data");
        }
        String text = body.path("text").asText("");
        if (text.isEmpty()) {
            return message(400, "Failed to save annotation");
        }
        long dashboardId = 0;
        if (body.path("dashboardUID").isTextual() && org == 1) {
            dashboardId = DASHBOARDS.getOrDefault(body.path("dashboardUID").asText(), 0L);
        }
        long time = body.path("time").asLong(0);
        long timeEnd = body.path("timeEnd").asLong(0);
        long now = System.currentTimeMillis();
        if (time == 0) {
            time = now;
        }
        if (timeEnd == 0) {
            timeEnd = time;
        }
        if (timeEnd < time) {
            long swap = time;
            time = timeEnd;
            timeEnd = swap;
        }
        ObjectNode a = JSON.createObjectNode();
        long id = nextId++;
        a.put("id", id);
        a.put("orgId", org);
        a.put("dashboardId", dashboardId);
        a.put("panelId", body.path("panelId").asLong(0));
        a.put("time", time);
        a.put("timeEnd", timeEnd);
        a.put("text", text);
        a.put("created", now);
        ArrayNode tags = a.putArray("tags");
        for (String tag : tagPairs(body.path("tags"))) {
            tags.add(tag);
        }
        annotations.add(a);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("message", "Annotation added");
        answer.put("id", id);
        return json(200, answer);
    }

    /** Grafana's {@code tag.ParseTagPairs} then {@code JoinTagPairs}: trimmed, {@code key:value}, de-duplicated. */
    private static List<String> tagPairs(JsonNode tags) {
        List<String> out = new ArrayList<>();
        for (JsonNode t : tags) {
            String tag = pair(t.asText());
            if (!tag.isEmpty() && !out.contains(tag)) {
                out.add(tag);
            }
        }
        return out;
    }

    private static String pair(String tag) {
        String trimmed = tag.trim();
        int colon = trimmed.indexOf(':');
        if (colon < 0) {
            return trimmed;
        }
        String key = trimmed.substring(0, colon).trim();
        String value = trimmed.substring(colon + 1).trim();
        return value.isEmpty() ? key : key + ":" + value;
    }

    // ---- find ----

    private ResponseDefinition find(long org, Request request) {
        long from = longParam(request, "from");
        long to = longParam(request, "to");
        long limit = longParam(request, "limit");
        long panelId = longParam(request, "panelId");
        String type = queryParam(request, "type");
        boolean matchAny = "true".equalsIgnoreCase(queryParam(request, "matchAny"));
        List<String> wanted = new ArrayList<>();
        QueryParameter tagParam = request.queryParameter("tags");
        if (tagParam.isPresent()) {
            for (String t : tagParam.values()) {
                String pair = pair(t);
                if (!pair.isEmpty() && !wanted.contains(pair)) {
                    wanted.add(pair);
                }
            }
        }
        long dashboardId = 0;
        String dashboardUid = queryParam(request, "dashboardUID");
        if (dashboardUid != null && !dashboardUid.isEmpty()) {
            Long id = org == 1 ? DASHBOARDS.get(dashboardUid) : null;
            if (id == null) {
                return message(400, "Invalid dashboard UID in annotation request");
            }
            dashboardId = id;
        }
        long dashboard = dashboardId;
        List<ObjectNode> found = annotations.stream()
                .filter(a -> a.path("orgId").asLong() == org)
                .filter(a -> dashboard == 0 || a.path("dashboardId").asLong() == dashboard)
                .filter(a -> panelId == 0 || a.path("panelId").asLong() == panelId)
                .filter(a -> from <= 0
                        || to <= 0
                        || (a.path("time").asLong() <= to && a.path("timeEnd").asLong() >= from))
                // Every annotation here was made through the API: none is an alert annotation, so type=alert
                // finds nothing and type=annotation everything.
                .filter(a -> !"alert".equals(type))
                .filter(a -> {
                    if (wanted.isEmpty()) {
                        return true;
                    }
                    List<String> has = new ArrayList<>();
                    a.path("tags").forEach(t -> has.add(t.asText()));
                    long matching = wanted.stream().filter(has::contains).count();
                    return matchAny ? matching > 0 : matching == wanted.size();
                })
                .sorted(Comparator.comparingLong(
                                (ObjectNode a) -> a.path("timeEnd").asLong())
                        .thenComparingLong(a -> a.path("time").asLong())
                        .reversed())
                .limit(limit <= 0 ? 100 : limit)
                .toList();
        ArrayNode out = JSON.createArrayNode();
        found.forEach(a -> out.add(item(a)));
        return json(200, out);
    }

    /** An annotation as the find answer shows it (the documented example's fields). */
    private static ObjectNode item(ObjectNode a) {
        ObjectNode item = JSON.createObjectNode();
        item.put("id", a.path("id").asLong());
        long dashboardId = a.path("dashboardId").asLong();
        item.put("dashboardId", dashboardId);
        String uid = DASHBOARDS.entrySet().stream()
                .filter(e -> e.getValue() == dashboardId)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
        if (uid == null) {
            item.putNull("dashboardUID");
        } else {
            item.put("dashboardUID", uid);
        }
        item.put("panelId", a.path("panelId").asLong());
        item.put("userId", 1);
        item.put("userName", "");
        item.put("newState", "");
        item.put("prevState", "");
        item.put("created", a.path("created").asLong());
        item.put("updated", a.path("created").asLong());
        item.put("time", a.path("time").asLong());
        item.put("timeEnd", a.path("timeEnd").asLong());
        item.put("text", a.path("text").asText());
        item.set("tags", a.path("tags").deepCopy());
        item.put("login", "sa-1-scaleplane");
        item.put("email", "sa-1-scaleplane");
        item.put("avatarUrl", "/avatar/0");
        item.putObject("data");
        return item;
    }

    // ---- plumbing of the simulation ----

    private static long longParam(Request request, String name) {
        String v = queryParam(request, name);
        if (v == null) {
            return 0;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static ResponseDefinition json(int status, JsonNode body) {
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body.toString())
                .build();
    }

    private static ResponseDefinition message(int status, String message) {
        return json(status, JSON.createObjectNode().put("message", message));
    }

    /** Grafana's public error payload of its authentication failures. */
    private static ResponseDefinition unauthorized(String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("extra", null);
        body.put("message", message);
        body.put("messageId", message.contains("organization") ? "api-key.organization-mismatch" : "api-key.invalid");
        body.put("statusCode", 401);
        body.put("traceID", "");
        return json(401, JSON.valueToTree(body));
    }
}
