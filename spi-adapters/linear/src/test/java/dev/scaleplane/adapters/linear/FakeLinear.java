package dev.scaleplane.adapters.linear;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import dev.scaleplane.adapters.http.testing.VendorSimulation;
import dev.scaleplane.tck.IssueTrackerSimulation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A simulation of Linear's GraphQL API ({@code POST /graphql}), stateful, inside WireMock as a response transformer (so
 * that WireMock's journal still records every request for assertions). It is not Linear: it recognises the operations
 * the adapter sends by name and root field, checks their variables, and answers in the shapes of Linear's schema
 * (github.com/linear/linear {@code schema.graphql}) and developer docs (linear.app/developers: graphql, pagination,
 * rate-limiting): {@code data} payloads with {@code success}, connections with {@code nodes} and {@code pageInfo {
 * hasNextPage endCursor }}, errors as {@code {"errors": [{"message", "extensions": {"type", "code",
 * "userPresentableMessage"}}]}} ({@code Entity not found: Issue} with 200, validation errors with 400, a refused key
 * with 401), and {@code X-RateLimit-Requests-*} / {@code X-RateLimit-Complexity-*} headers (resets in epoch
 * milliseconds) on every answer. Filters it does not simulate are refused as validation errors, so a test never passes
 * on a filter the simulation ignored.
 *
 * <p>Teams {@code ENG} and {@code OPS}, each with the workflow states Backlog, Todo (where new issues start), In
 * Progress, In Review, Done, Canceled and Duplicate; a workspace label {@code incident}; one user, {@value #USER_ID}.
 * Requests must carry {@code Authorization:} {@value #KEY} (a personal API key, raw) or {@code Bearer} {@value
 * #OAUTH_TOKEN}; anything else gets Linear's authentication error with 401.
 */
final class FakeLinear extends VendorSimulation implements IssueTrackerSimulation {
    static final String KEY = "lin_api_SIMULATION0000000000000000000000secretkey";
    static final String OAUTH_TOKEN = "lin_oauth_SIMULATION000000000000000000000000secret";
    static final String USER_ID = "2ac3f4e6-1b7d-4e0a-9c55-7d1e3f5a9b10";
    static final Instant EPOCH = Instant.parse("2026-03-01T10:00:00Z");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern OPERATION = Pattern.compile("^\\s*(query|mutation)\\s+(\\w+)");
    /** The root field call each operation must make, as the adapter's documents write it. */
    private static final Map<String, String> ROOT_FIELDS = Map.of(
            "TeamByKey", "teams(filter: { key: { eq: $key } }, first: 1)",
            "Labels", "issueLabels(filter: $filter, first: $first, after: $after)",
            "CreateLabel", "issueLabelCreate(input: $input)",
            "Issue", "issue(id: $id)",
            "Issues", "issues(filter: $filter, first: $first, after: $after)",
            "CreateIssue", "issueCreate(input: $input)",
            "UpdateIssue", "issueUpdate(id: $id, input: $input)",
            "CreateComment", "commentCreate(input: $input)");

    private static final List<String[]> STATES = List.of(
            new String[] {"Backlog", "backlog"},
            new String[] {"Todo", "unstarted"},
            new String[] {"In Progress", "started"},
            new String[] {"In Review", "started"},
            new String[] {"Done", "completed"},
            new String[] {"Canceled", "canceled"},
            new String[] {"Duplicate", "duplicate"});

    // guarded by this
    private final Map<String, ObjectNode> teams = new LinkedHashMap<>();
    private final Map<String, List<ObjectNode>> states = new HashMap<>();
    private final List<ObjectNode> labels = new ArrayList<>();
    private final List<ObjectNode> issues = new ArrayList<>();
    private final Map<String, List<String>> comments = new HashMap<>();
    private final Map<String, Integer> numbers = new HashMap<>();
    private long sequence;
    private long tick;
    private @Nullable Instant rateLimitedUntil;
    private @Nullable Instant requestsExhaustedUntil;
    private @Nullable Instant complexityExhaustedUntil;
    private Supplier<Instant> clock = Instant::now;

    private FakeLinear() {
        super("fake-linear");
    }

    /** Starts a simulation on a free port. */
    static FakeLinear launch() {
        return started(new FakeLinear());
    }

    // ---- test controls beyond the kit's ----

    /** The time rate-limit resets are reported against (the test's virtual clock). */
    synchronized void clock(Supplier<Instant> clock) {
        this.clock = clock;
    }

    /** The next answer reports the request budget spent until {@code reset}. */
    synchronized void exhaustRequestsUntil(Instant reset) {
        requestsExhaustedUntil = reset;
    }

    /** The next answer reports the complexity budget spent until {@code reset}, requests left. */
    synchronized void exhaustComplexityUntil(Instant reset) {
        complexityExhaustedUntil = reset;
    }

    /** The next request is refused as Linear refuses over-limit calls: 400, {@code RATELIMITED}, budget 0 to reset. */
    synchronized void rateLimitNext(Instant reset) {
        rateLimitedUntil = reset;
    }

    /** Adds a workflow state to a team, as an admin editing the workflow would. */
    synchronized void addState(String teamKey, String name, String type) {
        String teamId = teams.get(teamKey).path("id").asText();
        List<ObjectNode> list = states.get(teamId);
        list.add(state(name, type, list.size()));
    }

    /** Names of the labels of team {@code teamKey} (not the workspace's). */
    synchronized List<String> teamLabels(String teamKey) {
        String teamId = teams.get(teamKey).path("id").asText();
        return labels.stream()
                .filter(l -> teamId.equals(l.path("teamId").asText(null)))
                .map(l -> l.path("name").asText())
                .toList();
    }

    /** The workflow state name of an issue. */
    synchronized String stateOf(String identifier) {
        return stateNode(find(identifier)).path("name").asText();
    }

    /** Linear's UUID of an issue. */
    synchronized String uuidOf(String identifier) {
        return find(identifier).path("id").asText();
    }

    /** The team's id. */
    synchronized String teamId(String teamKey) {
        return teams.get(teamKey).path("id").asText();
    }

    /** The id of the label {@code name} of the team, or of the workspace when {@code teamKey} is null. */
    synchronized String labelId(@Nullable String teamKey, String name) {
        String teamId = teamKey == null ? null : teamId(teamKey);
        return labels.stream()
                .filter(l -> l.path("name").asText().equals(name))
                .filter(l -> java.util.Objects.equals(teamId, l.path("teamId").asText(null)))
                .findFirst()
                .orElseThrow()
                .path("id")
                .asText();
    }

    /** The id of team {@code teamKey}'s state {@code name}. */
    synchronized String stateId(String teamKey, String name) {
        return states.get(teamId(teamKey)).stream()
                .filter(s -> s.path("name").asText().equals(name))
                .findFirst()
                .orElseThrow()
                .path("id")
                .asText();
    }

    // ---- the kit's view ----

    @Override
    protected void resetState() {
        teams.clear();
        states.clear();
        labels.clear();
        issues.clear();
        comments.clear();
        numbers.clear();
        sequence = 0;
        tick = 0;
        rateLimitedUntil = null;
        requestsExhaustedUntil = null;
        complexityExhaustedUntil = null;
        for (String[] team : List.of(new String[] {"ENG", "Engineering"}, new String[] {"OPS", "Operations"})) {
            String id = uuid();
            teams.put(
                    team[0],
                    JSON.createObjectNode().put("id", id).put("key", team[0]).put("name", team[1]));
            List<ObjectNode> list = new ArrayList<>();
            for (String[] s : STATES) {
                list.add(state(s[0], s[1], list.size()));
            }
            states.put(id, list);
        }
        labels.add(JSON.createObjectNode()
                .put("id", uuid())
                .put("name", "incident")
                .putNull("teamId"));
    }

    @Override
    public synchronized String body(String issueId) {
        return find(issueId).path("description").asText("");
    }

    @Override
    public synchronized List<String> comments(String issueId) {
        return List.copyOf(comments.getOrDefault(find(issueId).path("id").asText(), List.of()));
    }

    @Override
    public synchronized int issueCount(String project) {
        String teamId = teamId(project);
        return (int) issues.stream()
                .filter(i -> i.path("teamId").asText().equals(teamId))
                .count();
    }

    @Override
    public synchronized void seedIssues(String project, int count, String label, String word) {
        String teamId = teamId(project);
        String labelId = labels.stream()
                .filter(l -> l.path("name").asText().equalsIgnoreCase(label))
                .filter(l -> l.path("teamId").isNull()
                        || teamId.equals(l.path("teamId").asText()))
                .findFirst()
                .map(l -> l.path("id").asText())
                .orElseGet(() -> {
                    String id = uuid();
                    labels.add(JSON.createObjectNode()
                            .put("id", id)
                            .put("name", label)
                            .put("teamId", teamId));
                    return id;
                });
        for (int i = 1; i <= count; i++) {
            ObjectNode issue = newIssue(teamId, word + " " + i, "Seeded issue " + i);
            issue.putArray("labelIds").add(labelId);
        }
    }

    @Override
    public String credential() {
        return KEY;
    }

    // ---- dispatch ----

    @Override
    protected ResponseDefinition failure(InjectedFailure failure, Request request) {
        return failure(failure.status(), failure.retryAfter());
    }

    @Override
    protected ResponseDefinition answer(Request request) {
        String authorization = request.getHeader("Authorization");
        if (!KEY.equals(authorization) && !("Bearer " + OAUTH_TOKEN).equals(authorization)) {
            return error(
                    401,
                    "Authentication required, not authenticated",
                    "authentication error",
                    "AUTHENTICATION_ERROR",
                    "You need to authenticate to access this operation.");
        }
        if (rateLimitedUntil != null) {
            Instant reset = rateLimitedUntil;
            rateLimitedUntil = null;
            return respond(
                    400,
                    errorBody(
                            "Rate limit exceeded",
                            "ratelimited",
                            "RATELIMITED",
                            "You have exceeded the API rate limit. Please try again later."),
                    reset,
                    null);
        }
        if (!request.getMethod().getName().equals("POST") || !request.getUrl().equals("/graphql")) {
            return ResponseDefinitionBuilder.responseDefinition()
                    .withStatus(404)
                    .withBody("Not Found")
                    .build();
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.getBodyAsString());
        } catch (Exception e) {
            return error(400, "Unexpected token in JSON", "graphql error", "BAD_REQUEST", null);
        }
        String document = body.path("query").asText("");
        JsonNode variables = body.path("variables").isObject() ? body.path("variables") : JSON.createObjectNode();
        Matcher m = OPERATION.matcher(document);
        String operation = m.find() ? m.group(2) : "";
        String root = ROOT_FIELDS.get(operation);
        if (root == null || !document.contains(root)) {
            return validation("Cannot query the operation '" + operation + "' as written: not simulated");
        }
        if (document.contains("...IssueFields") && !document.contains("fragment IssueFields on Issue")) {
            return validation("Unknown fragment \"IssueFields\".");
        }
        try {
            return switch (operation) {
                case "TeamByKey" -> teamByKey(required(variables, "key").asText());
                case "Labels" -> labels(variables);
                case "CreateLabel" -> createLabel(required(variables, "input"));
                case "Issue" -> issue(required(variables, "id").asText());
                case "Issues" -> issues(variables);
                case "CreateIssue" -> createIssue(required(variables, "input"));
                case "UpdateIssue" -> updateIssue(required(variables, "id").asText(), required(variables, "input"));
                case "CreateComment" -> createComment(required(variables, "input"));
                default -> validation("not simulated: " + operation);
            };
        } catch (Refusal r) {
            return r.response;
        }
    }

    /** An answer other than data, thrown out of a handler. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient ResponseDefinition response;

        Refusal(ResponseDefinition response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    private JsonNode required(JsonNode variables, String name) {
        JsonNode v = variables.path(name);
        if (v.isMissingNode() || v.isNull()) {
            throw new Refusal(validation("Variable \"$" + name + "\" of required type was not provided."));
        }
        return v;
    }

    // ---- operations ----

    private ResponseDefinition teamByKey(String key) {
        ObjectNode data = JSON.createObjectNode();
        ArrayNode nodes = data.putObject("teams").putArray("nodes");
        ObjectNode team = teams.get(key);
        if (team != null) {
            ObjectNode view =
                    nodes.addObject().put("id", team.path("id").asText()).put("key", key);
            ArrayNode stateNodes = view.putObject("states").putArray("nodes");
            states.get(team.path("id").asText()).forEach(stateNodes::add);
        }
        return data(data);
    }

    private ResponseDefinition labels(JsonNode variables) {
        JsonNode filter = required(variables, "filter");
        List<ObjectNode> matching = new ArrayList<>();
        for (ObjectNode label : labels) {
            if (labelMatches(label, filter)) {
                ObjectNode view = JSON.createObjectNode()
                        .put("id", label.path("id").asText())
                        .put("name", label.path("name").asText());
                if (label.path("teamId").isNull()) {
                    view.putNull("team");
                } else {
                    view.putObject("team").put("id", label.path("teamId").asText());
                }
                matching.add(view);
            }
        }
        ObjectNode data = JSON.createObjectNode();
        data.set("issueLabels", connection(matching, first(variables), after(variables)));
        return data(data);
    }

    private ResponseDefinition createLabel(JsonNode input) {
        allowOnly(input, "IssueLabelCreateInput", Set.of("name", "teamId", "color", "description"));
        String name = input.path("name").asText("");
        String teamId = input.path("teamId").asText(null);
        if (name.isBlank()) {
            throw refusal("Argument Validation Error", "name must not be empty.");
        }
        if (teamId != null
                && teams.values().stream().noneMatch(t -> t.path("id").asText().equals(teamId))) {
            throw notFound("Team", "issueLabelCreate");
        }
        boolean taken = labels.stream()
                .anyMatch(l -> l.path("name").asText().equalsIgnoreCase(name)
                        && java.util.Objects.equals(teamId, l.path("teamId").asText(null)));
        if (taken) {
            throw refusal("Duplicate label name", "A label with this name already exists.");
        }
        ObjectNode label = JSON.createObjectNode().put("id", uuid()).put("name", name);
        if (teamId == null) {
            label.putNull("teamId");
        } else {
            label.put("teamId", teamId);
        }
        labels.add(label);
        ObjectNode data = JSON.createObjectNode();
        ObjectNode payload =
                data.putObject("issueLabelCreate").put("success", true).put("lastSyncId", tick);
        payload.putObject("issueLabel").put("id", label.path("id").asText()).put("name", name);
        return data(data);
    }

    private ResponseDefinition issue(String id) {
        ObjectNode issue = lookup(id);
        if (issue == null) {
            throw notFound("Issue", "issue");
        }
        ObjectNode data = JSON.createObjectNode();
        data.set("issue", view(issue));
        return data(data);
    }

    private ResponseDefinition issues(JsonNode variables) {
        JsonNode filter = required(variables, "filter");
        int first = first(variables);
        List<ObjectNode> matching = new ArrayList<>();
        List<ObjectNode> newestFirst = new ArrayList<>(issues);
        newestFirst.sort(
                Comparator.comparing((ObjectNode i) -> i.path("createdAt").asText())
                        .reversed());
        for (ObjectNode issue : newestFirst) {
            if (issueMatches(issue, filter)) {
                matching.add(view(issue));
            }
        }
        ObjectNode data = JSON.createObjectNode();
        data.set("issues", connection(matching, first, after(variables)));
        return data(data);
    }

    private ResponseDefinition createIssue(JsonNode input) {
        allowOnly(
                input,
                "IssueCreateInput",
                Set.of("teamId", "title", "description", "labelIds", "assigneeId", "stateId", "priority"));
        String teamId = input.path("teamId").asText("");
        if (teams.values().stream().noneMatch(t -> t.path("id").asText().equals(teamId))) {
            throw notFound("Team", "issueCreate");
        }
        String title = input.path("title").asText("");
        if (title.isBlank()) {
            throw refusal("Argument Validation Error", "title must not be empty.");
        }
        ArrayNode labelIds = JSON.createArrayNode();
        for (JsonNode labelId : input.path("labelIds")) {
            ObjectNode label = labels.stream()
                    .filter(l -> l.path("id").asText().equals(labelId.asText()))
                    .findFirst()
                    .orElseThrow(() -> notFound("IssueLabel", "issueCreate"));
            if (!label.path("teamId").isNull() && !label.path("teamId").asText().equals(teamId)) {
                throw refusal("Argument Validation Error", "Label does not belong to the issue's team.");
            }
            labelIds.add(labelId.asText());
        }
        if (input.has("assigneeId") && !USER_ID.equals(input.path("assigneeId").asText())) {
            throw notFound("User", "issueCreate");
        }
        ObjectNode issue = newIssue(teamId, title, input.path("description").asText(null));
        issue.set("labelIds", labelIds);
        if (input.has("assigneeId")) {
            issue.put("assigneeId", input.path("assigneeId").asText());
        }
        return issuePayload("issueCreate", issue);
    }

    private ResponseDefinition updateIssue(String id, JsonNode input) {
        allowOnly(input, "IssueUpdateInput", Set.of("title", "description", "stateId", "labelIds", "assigneeId"));
        ObjectNode issue = lookup(id);
        if (issue == null) {
            throw notFound("Issue", "issueUpdate");
        }
        if (input.has("stateId")) {
            String stateId = input.path("stateId").asText();
            boolean ofTeam = states.get(issue.path("teamId").asText()).stream()
                    .anyMatch(s -> s.path("id").asText().equals(stateId));
            if (!ofTeam) {
                throw refusal("Argument Validation Error", "The workflow state does not belong to the issue's team.");
            }
            issue.put("stateId", stateId);
        }
        if (input.has("title")) {
            if (input.path("title").asText("").isBlank()) {
                throw refusal("Argument Validation Error", "title must not be empty.");
            }
            issue.put("title", input.path("title").asText());
        }
        if (input.has("description")) {
            issue.put("description", input.path("description").asText());
        }
        issue.put("updatedAt", now().toString());
        return issuePayload("issueUpdate", issue);
    }

    private ResponseDefinition createComment(JsonNode input) {
        allowOnly(input, "CommentCreateInput", Set.of("issueId", "body"));
        ObjectNode issue = lookup(input.path("issueId").asText(""));
        if (issue == null) {
            throw notFound("Issue", "commentCreate");
        }
        String body = input.path("body").asText("");
        if (body.isBlank()) {
            throw refusal("Argument Validation Error", "body must not be empty.");
        }
        comments.computeIfAbsent(issue.path("id").asText(), k -> new ArrayList<>())
                .add(body);
        ObjectNode data = JSON.createObjectNode();
        ObjectNode payload =
                data.putObject("commentCreate").put("success", true).put("lastSyncId", tick);
        payload.putObject("comment").put("id", uuid()).put("body", body);
        return data(data);
    }

    // ---- the model ----

    private ObjectNode newIssue(String teamId, String title, @Nullable String description) {
        String key = teams.values().stream()
                .filter(t -> t.path("id").asText().equals(teamId))
                .findFirst()
                .orElseThrow()
                .path("key")
                .asText();
        int number = numbers.merge(teamId, 1, Integer::sum);
        String identifier = key + "-" + number;
        String todo = states.get(teamId).stream()
                .filter(s -> s.path("name").asText().equals("Todo"))
                .findFirst()
                .orElseThrow()
                .path("id")
                .asText();
        ObjectNode issue = JSON.createObjectNode()
                .put("id", uuid())
                .put("identifier", identifier)
                .put("number", number)
                .put("teamId", teamId)
                .put("title", title)
                .put("stateId", todo)
                .put("createdAt", now().toString())
                .put(
                        "url",
                        "https://linear.app/simulated/issue/" + identifier + "/"
                                + title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
        if (description == null) {
            issue.putNull("description");
        } else {
            issue.put("description", description);
        }
        issue.putArray("labelIds");
        issue.putNull("assigneeId");
        issues.add(issue);
        return issue;
    }

    private ObjectNode state(String name, String type, int position) {
        return JSON.createObjectNode()
                .put("id", uuid())
                .put("name", name)
                .put("type", type)
                .put("position", (double) position);
    }

    private @Nullable ObjectNode lookup(String idOrIdentifier) {
        return issues.stream()
                .filter(i -> i.path("id").asText().equals(idOrIdentifier)
                        || i.path("identifier").asText().equalsIgnoreCase(idOrIdentifier))
                .findFirst()
                .orElse(null);
    }

    private ObjectNode find(String identifier) {
        ObjectNode issue = lookup(identifier);
        if (issue == null) {
            throw new IllegalArgumentException("no issue " + identifier);
        }
        return issue;
    }

    private ObjectNode stateNode(ObjectNode issue) {
        String stateId = issue.path("stateId").asText();
        return states.get(issue.path("teamId").asText()).stream()
                .filter(s -> s.path("id").asText().equals(stateId))
                .findFirst()
                .orElseThrow();
    }

    private String teamKeyOf(ObjectNode issue) {
        String teamId = issue.path("teamId").asText();
        return teams.values().stream()
                .filter(t -> t.path("id").asText().equals(teamId))
                .findFirst()
                .orElseThrow()
                .path("key")
                .asText();
    }

    private List<ObjectNode> labelsOf(ObjectNode issue) {
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode id : issue.path("labelIds")) {
            labels.stream()
                    .filter(l -> l.path("id").asText().equals(id.asText()))
                    .findFirst()
                    .ifPresent(out::add);
        }
        return out;
    }

    /** The issue as the adapter's {@code IssueFields} fragment selects it. */
    private ObjectNode view(ObjectNode issue) {
        ObjectNode state = stateNode(issue);
        ObjectNode v = JSON.createObjectNode()
                .put("id", issue.path("id").asText())
                .put("identifier", issue.path("identifier").asText())
                .put("title", issue.path("title").asText())
                .put("url", issue.path("url").asText())
                .put("createdAt", issue.path("createdAt").asText());
        v.putObject("state")
                .put("name", state.path("name").asText())
                .put("type", state.path("type").asText());
        v.putObject("team").put("key", teamKeyOf(issue));
        ArrayNode labelNodes = v.putObject("labels").putArray("nodes");
        labelsOf(issue)
                .forEach(l -> labelNodes.addObject().put("name", l.path("name").asText()));
        if (issue.path("assigneeId").isNull()) {
            v.putNull("assignee");
        } else {
            v.putObject("assignee").put("id", issue.path("assigneeId").asText());
        }
        return v;
    }

    private ResponseDefinition issuePayload(String field, ObjectNode issue) {
        ObjectNode data = JSON.createObjectNode();
        ObjectNode payload = data.putObject(field).put("success", true).put("lastSyncId", tick);
        payload.set("issue", view(issue));
        return data(data);
    }

    // ---- filters: the subset of IssueFilter / IssueLabelFilter the adapter uses ----

    private boolean issueMatches(ObjectNode issue, JsonNode filter) {
        for (Map.Entry<String, JsonNode> e : filter.properties()) {
            JsonNode f = e.getValue();
            boolean ok =
                    switch (e.getKey()) {
                        case "and" -> all(f, c -> issueMatches(issue, c));
                        case "or" -> anyOf(f, c -> issueMatches(issue, c));
                        case "team" -> teamMatches(
                                teamKeyOf(issue), issue.path("teamId").asText(), f);
                        case "state" -> stateMatches(stateNode(issue), f);
                        case "labels" -> labelCollectionMatches(labelsOf(issue), f);
                        case "title" -> compare(issue.path("title").asText(), f);
                        case "description" -> compare(issue.path("description").asText(null), f);
                        default -> throw unsupported("IssueFilter", e.getKey());
                    };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private boolean teamMatches(@Nullable String key, @Nullable String id, JsonNode filter) {
        for (Map.Entry<String, JsonNode> e : filter.properties()) {
            boolean ok =
                    switch (e.getKey()) {
                        case "key" -> compare(key, e.getValue());
                        case "id" -> compare(id, e.getValue());
                        case "null" -> e.getValue().asBoolean() == (id == null);
                        default -> throw unsupported("TeamFilter", e.getKey());
                    };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private boolean stateMatches(ObjectNode state, JsonNode filter) {
        for (Map.Entry<String, JsonNode> e : filter.properties()) {
            boolean ok =
                    switch (e.getKey()) {
                        case "type" -> compare(state.path("type").asText(), e.getValue());
                        case "name" -> compare(state.path("name").asText(), e.getValue());
                        default -> throw unsupported("WorkflowStateFilter", e.getKey());
                    };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private boolean labelCollectionMatches(List<ObjectNode> issueLabels, JsonNode filter) {
        for (Map.Entry<String, JsonNode> e : filter.properties()) {
            boolean ok =
                    switch (e.getKey()) {
                        case "some" -> issueLabels.stream().anyMatch(l -> labelMatches(l, e.getValue()));
                        case "every" -> issueLabels.stream().allMatch(l -> labelMatches(l, e.getValue()));
                        default -> throw unsupported("IssueLabelCollectionFilter", e.getKey());
                    };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private boolean labelMatches(ObjectNode label, JsonNode filter) {
        for (Map.Entry<String, JsonNode> e : filter.properties()) {
            boolean ok =
                    switch (e.getKey()) {
                        case "and" -> all(e.getValue(), c -> labelMatches(label, c));
                        case "or" -> anyOf(e.getValue(), c -> labelMatches(label, c));
                        case "name" -> compare(label.path("name").asText(), e.getValue());
                        case "team" -> {
                            String teamId = label.path("teamId").asText(null);
                            String key = teamId == null
                                    ? null
                                    : teams.values().stream()
                                            .filter(t -> t.path("id").asText().equals(teamId))
                                            .map(t -> t.path("key").asText())
                                            .findFirst()
                                            .orElse(null);
                            yield teamMatches(key, teamId, e.getValue());
                        }
                        default -> throw unsupported("IssueLabelFilter", e.getKey());
                    };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A {@code StringComparator} / {@code IDComparator} / {@code NullableStringComparator}. */
    private boolean compare(@Nullable String value, JsonNode comparator) {
        for (Map.Entry<String, JsonNode> e : comparator.properties()) {
            JsonNode arg = e.getValue();
            String v = value;
            boolean ok =
                    switch (e.getKey()) {
                        case "eq" -> arg.asText().equals(v);
                        case "neq" -> !arg.asText().equals(v);
                        case "eqIgnoreCase" -> v != null && v.equalsIgnoreCase(arg.asText());
                        case "in" -> v != null && texts(arg).contains(v);
                        case "nin" -> v == null || !texts(arg).contains(v);
                        case "contains" -> v != null && v.contains(arg.asText());
                        case "containsIgnoreCase" -> v != null
                                && v.toLowerCase(Locale.ROOT)
                                        .contains(arg.asText().toLowerCase(Locale.ROOT));
                        case "null" -> arg.asBoolean() == (v == null);
                        default -> throw unsupported("StringComparator", e.getKey());
                    };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static boolean all(JsonNode array, java.util.function.Predicate<JsonNode> p) {
        for (JsonNode n : array) {
            if (!p.test(n)) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyOf(JsonNode array, java.util.function.Predicate<JsonNode> p) {
        for (JsonNode n : array) {
            if (p.test(n)) {
                return true;
            }
        }
        return false;
    }

    // ---- answers ----

    private int first(JsonNode variables) {
        int first = required(variables, "first").asInt();
        if (first < 1 || first > 250) {
            throw refusal("Argument Validation Error", "first must be between 1 and 250.");
        }
        return first;
    }

    private static @Nullable String after(JsonNode variables) {
        JsonNode after = variables.path("after");
        return after.isTextual() ? after.asText() : null;
    }

    /** A Relay connection: the node ids are the cursors, opaque to the client. */
    private ObjectNode connection(List<ObjectNode> all, int first, @Nullable String after) {
        int start = 0;
        if (after != null) {
            start = -1;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).path("id").asText().equals(after)) {
                    start = i + 1;
                }
            }
            if (start < 0) {
                throw refusal("Argument Validation Error", "Invalid cursor.");
            }
        }
        int end = Math.min(all.size(), start + first);
        ObjectNode connection = JSON.createObjectNode();
        ArrayNode nodes = connection.putArray("nodes");
        all.subList(start, end).forEach(nodes::add);
        ObjectNode pageInfo = connection
                .putObject("pageInfo")
                .put("hasNextPage", end < all.size())
                .put("hasPreviousPage", start > 0);
        if (end > start) {
            pageInfo.put("startCursor", all.get(start).path("id").asText());
            pageInfo.put("endCursor", all.get(end - 1).path("id").asText());
        } else {
            pageInfo.putNull("startCursor");
            pageInfo.putNull("endCursor");
        }
        return connection;
    }

    private void allowOnly(JsonNode input, String type, Set<String> allowed) {
        input.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                throw new Refusal(validation("Variable \"$input\" got invalid value; Field \"" + name
                        + "\" is not simulated on type \"" + type + "\"."));
            }
        });
    }

    private Refusal unsupported(String type, String field) {
        return new Refusal(validation("Field \"" + field + "\" of \"" + type + "\" is not simulated."));
    }

    private Refusal notFound(String entity, String path) {
        ObjectNode body = errorBody(
                "Entity not found: " + entity,
                "invalid input",
                "INPUT_ERROR",
                "Could not find referenced " + entity + ".");
        body.putNull("data");
        ((ObjectNode) body.path("errors").path(0)).putArray("path").add(path);
        return new Refusal(respond(200, body, null, null));
    }

    private Refusal refusal(String message, String presentable) {
        ObjectNode body = errorBody(message, "invalid input", "INPUT_ERROR", presentable);
        body.putNull("data");
        return new Refusal(respond(200, body, null, null));
    }

    private ResponseDefinition validation(String message) {
        return error(400, message, "graphql error", "GRAPHQL_VALIDATION_FAILED", null);
    }

    /** Linear's answer to a request failing with {@code status}, as {@link #failNext} is asked for. */
    private ResponseDefinition failure(int status, @Nullable Duration retryAfter) {
        return switch (status) {
            case 401 -> error(
                    401,
                    "Authentication required, not authenticated",
                    "authentication error",
                    "AUTHENTICATION_ERROR",
                    "You need to authenticate to access this operation.");
            case 403 -> error(403, "Forbidden", "forbidden", "FORBIDDEN", "You don't have access to this resource.");
            case 429 -> respond(
                    429,
                    errorBody("Rate limit exceeded", "ratelimited", "RATELIMITED", "Rate limit exceeded."),
                    null,
                    retryAfter);
            case 400 -> error(400, "Argument Validation Error", "invalid input", "INPUT_ERROR", null);
            default -> status >= 500
                    ? respond(
                            status,
                            errorBody("Internal server error", "internal error", "INTERNAL_SERVER_ERROR", null),
                            null,
                            retryAfter)
                    : error(status, "Unknown error", "unknown", "UNKNOWN", null);
        };
    }

    private static ObjectNode errorBody(String message, String type, String code, @Nullable String presentable) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putArray("errors").addObject().put("message", message);
        ObjectNode extensions = error.putObject("extensions").put("type", type).put("code", code);
        extensions.put("userError", !type.equals("internal error"));
        if (presentable != null) {
            extensions.put("userPresentableMessage", presentable);
        }
        return body;
    }

    private ResponseDefinition error(
            int status, String message, String type, String code, @Nullable String presentable) {
        return respond(status, errorBody(message, type, code, presentable), null, null);
    }

    private ResponseDefinition data(ObjectNode data) {
        ObjectNode body = JSON.createObjectNode();
        body.set("data", data);
        return respond(200, body, null, null);
    }

    /**
     * An answer with Linear's headers: the request and complexity budgets (resets in epoch milliseconds), the query's
     * complexity, a request id; {@code spentUntil} reports the request budget spent until then.
     */
    private ResponseDefinition respond(
            int status, JsonNode body, @Nullable Instant spentUntil, @Nullable Duration retryAfter) {
        Instant now = clock.get();
        Instant hour = now.plus(Duration.ofHours(1));
        Instant requestsReset = hour;
        long requestsRemaining = 4999;
        if (spentUntil != null || requestsExhaustedUntil != null) {
            requestsReset = spentUntil != null ? spentUntil : requestsExhaustedUntil;
            requestsRemaining = 0;
            requestsExhaustedUntil = null;
        }
        Instant complexityReset = hour;
        long complexityRemaining = 249_000;
        if (complexityExhaustedUntil != null) {
            complexityReset = complexityExhaustedUntil;
            complexityRemaining = 0;
            complexityExhaustedUntil = null;
        }
        ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withHeader("X-Request-Id", "sim-" + requestCount())
                .withHeader("X-RateLimit-Requests-Limit", "5000")
                .withHeader("X-RateLimit-Requests-Remaining", String.valueOf(requestsRemaining))
                .withHeader("X-RateLimit-Requests-Reset", String.valueOf(requestsReset.toEpochMilli()))
                .withHeader("X-RateLimit-Complexity-Limit", "250000")
                .withHeader("X-RateLimit-Complexity-Remaining", String.valueOf(complexityRemaining))
                .withHeader("X-RateLimit-Complexity-Reset", String.valueOf(complexityReset.toEpochMilli()))
                .withHeader("X-Complexity", "12")
                .withBody(body.toString().getBytes(StandardCharsets.UTF_8));
        if (retryAfter != null) {
            b.withHeader("Retry-After", String.valueOf(retryAfter.toSeconds()));
        }
        return b.build();
    }

    private Instant now() {
        return EPOCH.plusSeconds(tick++);
    }

    private String uuid() {
        return UUID.nameUUIDFromBytes(("fake-linear-" + sequence++).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
