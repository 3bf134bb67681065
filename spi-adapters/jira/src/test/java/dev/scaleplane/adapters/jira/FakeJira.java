package dev.scaleplane.adapters.jira;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import dev.scaleplane.adapters.http.testing.VendorIssueTrackerSimulation;
import dev.scaleplane.adapters.http.testing.VendorSimulation;
import dev.scaleplane.tck.IssueTrackerSimulation;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A simulation of Jira Cloud's REST API v3 for issues, stateful, inside WireMock as a response transformer (so that
 * WireMock's journal still records every request for assertions). It answers with the request and response shapes of
 * developer.atlassian.com ("The Jira Cloud platform REST API"):
 *
 * <ul>
 *   <li>{@code POST /rest/api/3/issue} (201 {@code {id, key, self}}), {@code GET} and {@code PUT
 *       /rest/api/3/issue/{key}} ({@code fields} and {@code expand=transitions} on GET; PUT answers 204);
 *   <li>{@code POST /rest/api/3/issue/{key}/comment} (201, the comment);
 *   <li>{@code GET} and {@code POST /rest/api/3/issue/{key}/transitions} (the simplified workflow: To Do, In
 *       Progress, Done, each reachable from the others by a global transition named after it; POST answers 204);
 *   <li>{@code GET} and {@code POST /rest/api/3/search/jql}, the enhanced search: the part of JQL {@link
 *       JqlSimulation} reads, {@code maxResults}, {@code fields} (only {@code id} without them, as Jira does), an
 *       opaque {@code nextPageToken} and {@code isLast}, and {@code reconcileIssues};
 *   <li>error bodies {@code {"errorMessages": [...], "errors": {...}}}, and on 429 {@code Retry-After}, {@code
 *       X-RateLimit-Limit}, {@code X-RateLimit-Remaining}, {@code X-RateLimit-Reset} (ISO 8601) and {@code
 *       RateLimit-Reason}.
 * </ul>
 *
 * Descriptions and comment bodies must be valid ADF ({@link AdfCheck}), labels may not hold spaces, the issue type
 * must exist, the assignee must be a known account id: otherwise 400, as Jira answers. Requests must carry Basic
 * {@value #EMAIL}:{@value #TOKEN} or {@code Bearer} {@value #OAUTH_TOKEN}; anything else is 401.
 *
 * <p>Search is strongly consistent unless {@link #indexLags(boolean)} is on: then issues written since are invisible
 * to it unless named in {@code reconcileIssues}, which is what Jira's search-after-write guide describes.
 */
final class FakeJira extends VendorSimulation {
    static final String EMAIL = "ops-bot@acme.example";
    static final String TOKEN = "ATATT3xFfGF0jiraApiTokenSecret0001";
    static final String OAUTH_TOKEN = "eyJraWQiOiJvYXV0aC1zZWNyZXQifQ.jira-oauth-secret";
    static final String ACCOUNT_ID = "5b10a2844c20165700ede21g";
    static final Set<String> PROJECTS = Set.of("OPS", "ENG");
    static final Set<String> ISSUE_TYPES = Set.of("Task", "Bug", "Story");
    /** Where the simulation's clock starts (one second on per write), as the tests' virtual clock does. */
    static final Instant EPOCH = TestContext.T0;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter JIRA_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);
    private static final Pattern ISSUE = Pattern.compile("/rest/api/3/issue/([A-Za-z][A-Za-z0-9_]*-\\d+)");
    private static final Pattern COMMENT = Pattern.compile("/rest/api/3/issue/([A-Za-z][A-Za-z0-9_]*-\\d+)/comment");
    private static final Pattern TRANSITIONS =
            Pattern.compile("/rest/api/3/issue/([A-Za-z][A-Za-z0-9_]*-\\d+)/transitions");

    /** A status of the simplified workflow and its category. */
    record Status(String id, String name, String categoryKey, int categoryId, String categoryName, String colour) {}

    static final Status TO_DO = new Status("10000", "To Do", "new", 2, "To Do", "blue-gray");
    static final Status IN_PROGRESS = new Status("3", "In Progress", "indeterminate", 4, "In Progress", "yellow");
    static final Status DONE = new Status("10001", "Done", "done", 3, "Done", "green");
    /** Transition id to target status, in the order Jira lists them. */
    static final Map<String, Status> WORKFLOW = workflow();

    private static Map<String, Status> workflow() {
        Map<String, Status> w = new LinkedHashMap<>();
        w.put("11", TO_DO);
        w.put("21", IN_PROGRESS);
        w.put("31", DONE);
        return w;
    }

    // guarded by this
    private final Map<String, ObjectNode> issues = new LinkedHashMap<>();
    private final Map<String, List<String>> comments = new TreeMap<>();
    private final Map<String, Integer> lastNumber = new TreeMap<>();
    private final Set<String> unindexed = new HashSet<>();
    private long nextId;
    private long nextCommentId;
    private long tick;
    private boolean indexLags;

    private FakeJira() {
        super("fake-jira");
    }

    /** Starts a simulation on a free port. */
    static FakeJira launch() {
        return started(new FakeJira());
    }

    /** While on, issues written are invisible to search unless named in {@code reconcileIssues}. */
    synchronized void indexLags(boolean lags) {
        indexLags = lags;
        if (!lags) {
            unindexed.clear();
        }
    }

    @Override
    protected void resetState() {
        issues.clear();
        comments.clear();
        lastNumber.clear();
        unindexed.clear();
        nextId = 10_000;
        nextCommentId = 20_000;
        tick = 0;
        indexLags = false;
    }

    // ---- dispatch ----

    @Override
    protected ResponseDefinition failure(InjectedFailure failure, Request request) {
        return error(failure.status(), failure.retryAfter(), defaultMessage(failure.status()));
    }

    @Override
    protected ResponseDefinition answer(Request request) {
        String authorization = request.getHeader("Authorization");
        String basic =
                "Basic " + Base64.getEncoder().encodeToString((EMAIL + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
        if (!basic.equals(authorization) && !("Bearer " + OAUTH_TOKEN).equals(authorization)) {
            return error(401, null, "Client must be authenticated to access this resource.");
        }
        String method = request.getMethod().getName();
        URI uri = URI.create(request.getUrl());
        String path = uri.getRawPath();
        Map<String, String> query = formFields(uri.getRawQuery());
        Matcher m;
        if (path.equals("/rest/api/3/issue") && method.equals("POST")) {
            return create(jsonBodyOrEmpty(request));
        }
        if (path.equals("/rest/api/3/search/jql") && (method.equals("GET") || method.equals("POST"))) {
            return search(method.equals("GET") ? fromQuery(query) : jsonBodyOrEmpty(request));
        }
        if ((m = COMMENT.matcher(path)).matches() && method.equals("POST")) {
            ObjectNode issue = issues.get(m.group(1).toUpperCase(Locale.ROOT));
            return issue == null ? notFound() : comment(issue, jsonBodyOrEmpty(request));
        }
        if ((m = TRANSITIONS.matcher(path)).matches()) {
            ObjectNode issue = issues.get(m.group(1).toUpperCase(Locale.ROOT));
            if (issue == null) {
                return notFound();
            }
            if (method.equals("GET")) {
                ObjectNode out = JSON.createObjectNode().put("expand", "transitions");
                out.set("transitions", transitionsOf(issue));
                return json(200, out);
            }
            if (method.equals("POST")) {
                return transition(issue, jsonBodyOrEmpty(request));
            }
        }
        if ((m = ISSUE.matcher(path)).matches()) {
            ObjectNode issue = issues.get(m.group(1).toUpperCase(Locale.ROOT));
            if (issue == null) {
                return notFound();
            }
            if (method.equals("GET")) {
                ObjectNode out = project(issue, fieldList(query.get("fields")));
                if (query.getOrDefault("expand", "").contains("transitions")) {
                    out.set("transitions", transitionsOf(issue));
                }
                return json(200, out);
            }
            if (method.equals("PUT")) {
                return edit(issue, jsonBodyOrEmpty(request));
            }
        }
        return error(404, null, "null for uri: " + request.getAbsoluteUrl());
    }

    // ---- issues ----

    private ResponseDefinition create(JsonNode body) {
        JsonNode fields = body.path("fields");
        if (!fields.isObject()) {
            return error(400, null, "The request body must hold 'fields'.");
        }
        Map<String, String> errors = new LinkedHashMap<>();
        String project = fields.path("project").path("key").asText("").toUpperCase(Locale.ROOT);
        if (!PROJECTS.contains(project)) {
            errors.put("project", "Specify a valid project ID or key");
        }
        if (!fields.path("summary").isTextual()
                || fields.path("summary").asText().isBlank()) {
            errors.put("summary", "You must specify a summary of the issue.");
        }
        if (!ISSUE_TYPES.contains(fields.path("issuetype").path("name").asText())) {
            errors.put("issuetype", "Specify an issue type");
        }
        validateCommon(fields, errors);
        for (Iterator<String> it = fields.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!Set.of("project", "summary", "issuetype", "description", "labels", "assignee")
                    .contains(name)) {
                errors.put(
                        name, "Field '" + name + "' cannot be set. It is not on the appropriate screen, or unknown.");
            }
        }
        if (!errors.isEmpty()) {
            return fieldErrors(errors);
        }
        List<String> labels = new ArrayList<>();
        fields.path("labels").forEach(l -> labels.add(l.asText()));
        ObjectNode issue = newIssue(
                project,
                fields.path("summary").asText(),
                fields.path("description").isObject() ? fields.path("description") : null,
                labels,
                fields.path("assignee").path("accountId").asText(null),
                fields.path("issuetype").path("name").asText());
        return json(
                201,
                JSON.createObjectNode()
                        .put("id", issue.path("id").asText())
                        .put("key", issue.path("key").asText())
                        .put("self", issue.path("self").asText()));
    }

    /** Checks description, labels and assignee, as create and edit both do. */
    private void validateCommon(JsonNode fields, Map<String, String> errors) {
        JsonNode description = fields.path("description");
        if (!description.isMissingNode() && !description.isNull()) {
            if (!description.isObject() || !AdfCheck.problems(description).isEmpty()) {
                errors.put(
                        "description",
                        "Operation value must be an Atlassian Document (see the Atlassian Document Format)");
            }
        }
        for (JsonNode label : fields.path("labels")) {
            if (!label.isTextual() || label.asText().chars().anyMatch(Character::isWhitespace)) {
                errors.put("labels", "The label '" + label.asText() + "' contains spaces which is invalid.");
            }
        }
        JsonNode assignee = fields.path("assignee");
        if (!assignee.isMissingNode()
                && !assignee.isNull()
                && !ACCOUNT_ID.equals(assignee.path("accountId").asText())) {
            errors.put("assignee", "Specified user does not exist or you do not have required permissions");
        }
    }

    private ObjectNode newIssue(
            String project,
            String summary,
            @Nullable JsonNode description,
            List<String> labels,
            @Nullable String assignee,
            String issueType) {
        int number = lastNumber.merge(project, 1, Integer::sum);
        long id = nextId++;
        String key = project + "-" + number;
        Instant now = now();
        ObjectNode issue = JSON.createObjectNode()
                .put("expand", "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations")
                .put("id", String.valueOf(id))
                .put("self", baseUrl() + "/rest/api/3/issue/" + id)
                .put("key", key);
        ObjectNode fields = issue.putObject("fields");
        fields.put("summary", summary);
        if (description == null) {
            fields.putNull("description");
        } else {
            fields.set("description", description.deepCopy());
        }
        ArrayNode labelNodes = fields.putArray("labels");
        labels.forEach(labelNodes::add);
        setAssignee(fields, assignee);
        setStatus(fields, TO_DO);
        fields.putObject("project")
                .put("self", baseUrl() + "/rest/api/3/project/" + project)
                .put("id", String.valueOf(10_000 + project.hashCode() % 1000))
                .put("key", project)
                .put("name", project.equals("OPS") ? "Operations" : "Engineering")
                .put("projectTypeKey", "software");
        fields.putObject("issuetype")
                .put("id", "1000" + ISSUE_TYPES.stream().sorted().toList().indexOf(issueType))
                .put("name", issueType)
                .put("subtask", false);
        fields.put("created", JIRA_TIME.format(now));
        fields.put("updated", JIRA_TIME.format(now));
        issues.put(key, issue);
        written(key);
        return issue;
    }

    private void setAssignee(ObjectNode fields, @Nullable String accountId) {
        if (accountId == null) {
            fields.putNull("assignee");
        } else {
            fields.putObject("assignee")
                    .put("self", baseUrl() + "/rest/api/3/user?accountId=" + accountId)
                    .put("accountId", accountId)
                    .put("displayName", "Ops Bot")
                    .put("active", true)
                    .put("accountType", "atlassian");
        }
    }

    private void setStatus(ObjectNode fields, Status status) {
        ObjectNode s = fields.putObject("status")
                .put("self", baseUrl() + "/rest/api/3/status/" + status.id())
                .put("description", "")
                .put("name", status.name())
                .put("id", status.id());
        s.putObject("statusCategory")
                .put("self", baseUrl() + "/rest/api/3/statuscategory/" + status.categoryId())
                .put("id", status.categoryId())
                .put("key", status.categoryKey())
                .put("colorName", status.colour())
                .put("name", status.categoryName());
    }

    private ResponseDefinition edit(ObjectNode issue, JsonNode body) {
        JsonNode fields = body.path("fields");
        if (!fields.isObject() || fields.isEmpty()) {
            return error(400, null, "No fields to edit were given.");
        }
        Map<String, String> errors = new LinkedHashMap<>();
        if (fields.has("summary")
                && (!fields.path("summary").isTextual()
                        || fields.path("summary").asText().isBlank())) {
            errors.put("summary", "You must specify a summary of the issue.");
        }
        validateCommon(fields, errors);
        for (Iterator<String> it = fields.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!Set.of("summary", "description", "labels", "assignee").contains(name)) {
                errors.put(
                        name, "Field '" + name + "' cannot be set. It is not on the appropriate screen, or unknown.");
            }
        }
        if (!errors.isEmpty()) {
            return fieldErrors(errors);
        }
        ObjectNode f = (ObjectNode) issue.path("fields");
        if (fields.has("summary")) {
            f.put("summary", fields.path("summary").asText());
        }
        if (fields.has("description")) {
            f.set("description", fields.path("description").deepCopy());
        }
        if (fields.has("labels")) {
            f.set("labels", fields.path("labels").deepCopy());
        }
        if (fields.has("assignee")) {
            setAssignee(f, fields.path("assignee").path("accountId").asText(null));
        }
        f.put("updated", JIRA_TIME.format(now()));
        written(issue.path("key").asText());
        return ResponseDefinitionBuilder.responseDefinition().withStatus(204).build();
    }

    private ResponseDefinition comment(ObjectNode issue, JsonNode body) {
        JsonNode adf = body.path("body");
        if (!adf.isObject() || adf.path("content").isEmpty()) {
            return error(400, null, "Comment body can not be empty!");
        }
        List<String> problems = AdfCheck.problems(adf);
        if (!problems.isEmpty()) {
            return error(400, null, "INVALID_INPUT: " + problems.get(0));
        }
        String key = issue.path("key").asText();
        long id = nextCommentId++;
        comments.computeIfAbsent(key, k -> new ArrayList<>()).add(adf.toString());
        Instant now = now();
        ObjectNode comment = JSON.createObjectNode()
                .put("self", baseUrl() + "/rest/api/3/issue/" + issue.path("id").asText() + "/comment/" + id)
                .put("id", String.valueOf(id));
        comment.putObject("author").put("accountId", ACCOUNT_ID).put("displayName", "Ops Bot");
        comment.set("body", adf.deepCopy());
        comment.put("created", JIRA_TIME.format(now)).put("updated", JIRA_TIME.format(now));
        comment.put("jsdPublic", true);
        written(key);
        return json(201, comment);
    }

    private ArrayNode transitionsOf(ObjectNode issue) {
        String current = issue.path("fields").path("status").path("id").asText();
        ArrayNode out = JSON.createArrayNode();
        WORKFLOW.forEach((id, target) -> {
            if (target.id().equals(current)) {
                return;
            }
            ObjectNode t = out.addObject().put("id", id).put("name", target.name());
            ObjectNode to = t.putObject("to")
                    .put("self", baseUrl() + "/rest/api/3/status/" + target.id())
                    .put("description", "")
                    .put("iconUrl", baseUrl() + "/images/icons/statuses/generic.png")
                    .put("name", target.name())
                    .put("id", target.id());
            to.putObject("statusCategory")
                    .put("self", baseUrl() + "/rest/api/3/statuscategory/" + target.categoryId())
                    .put("id", target.categoryId())
                    .put("key", target.categoryKey())
                    .put("colorName", target.colour())
                    .put("name", target.categoryName());
            t.put("hasScreen", false)
                    .put("isGlobal", true)
                    .put("isInitial", false)
                    .put("isAvailable", true)
                    .put("isConditional", false)
                    .put("isLooped", false);
        });
        return out;
    }

    private ResponseDefinition transition(ObjectNode issue, JsonNode body) {
        String id = body.path("transition").path("id").asText("");
        boolean offered = false;
        for (JsonNode t : transitionsOf(issue)) {
            offered |= t.path("id").asText().equals(id);
        }
        if (!offered) {
            return error(400, null, "Transition id '" + id + "' is not valid for this issue.");
        }
        ObjectNode fields = (ObjectNode) issue.path("fields");
        setStatus(fields, WORKFLOW.get(id));
        fields.put("updated", JIRA_TIME.format(now()));
        written(issue.path("key").asText());
        return ResponseDefinitionBuilder.responseDefinition().withStatus(204).build();
    }

    private void written(String key) {
        if (indexLags) {
            unindexed.add(key);
        }
    }

    /** The issue with only {@code fields} (all of them for null or {@code *all}). */
    private static ObjectNode project(ObjectNode issue, @Nullable List<String> fields) {
        ObjectNode out = issue.deepCopy();
        if (fields == null || fields.contains("*all")) {
            return out;
        }
        ObjectNode f = (ObjectNode) out.path("fields");
        f.retain(fields);
        return out;
    }

    private static @Nullable List<String> fieldList(@Nullable String parameter) {
        return parameter == null || parameter.isBlank() ? null : List.of(parameter.split(","));
    }

    // ---- search ----

    private static JsonNode fromQuery(Map<String, String> query) {
        ObjectNode body = JSON.createObjectNode();
        query.forEach((k, v) -> {
            switch (k) {
                case "jql", "nextPageToken" -> body.put(k, v);
                case "maxResults" -> body.put(k, Integer.parseInt(v));
                case "fields" -> {
                    ArrayNode fields = body.putArray("fields");
                    for (String f : v.split(",")) {
                        fields.add(f);
                    }
                }
                case "reconcileIssues" -> {
                    ArrayNode ids = body.putArray("reconcileIssues");
                    for (String id : v.split(",")) {
                        ids.add(Long.parseLong(id.strip()));
                    }
                }
                default -> body.put(k, v);
            }
        });
        return body;
    }

    private ResponseDefinition search(JsonNode request) {
        JqlSimulation jql;
        try {
            jql = JqlSimulation.parse(request.path("jql").asText(""));
        } catch (JqlSimulation.JqlException e) {
            return error(400, null, e.getMessage());
        }
        int maxResults = request.path("maxResults").asInt(50);
        if (maxResults < 1 || maxResults > 5000) {
            return error(400, null, "The maxResults parameter must be between 1 and 5000.");
        }
        int offset = 0;
        if (request.hasNonNull("nextPageToken")) {
            try {
                String decoded = new String(
                        Base64.getUrlDecoder()
                                .decode(request.path("nextPageToken").asText()),
                        StandardCharsets.UTF_8);
                if (!decoded.startsWith("offset:")) {
                    throw new IllegalArgumentException(decoded);
                }
                offset = Integer.parseInt(decoded.substring("offset:".length()));
            } catch (IllegalArgumentException e) {
                return error(400, null, "The provided next page token is invalid or expired.");
            }
        }
        List<String> fields = null;
        if (request.path("fields").isArray()) {
            fields = new ArrayList<>();
            for (JsonNode f : request.path("fields")) {
                fields.add(f.asText());
            }
        }
        Set<String> reconciled = new HashSet<>();
        request.path("reconcileIssues").forEach(id -> reconciled.add(id.asText()));
        List<ObjectNode> matching = issues.values().stream()
                .filter(i -> !unindexed.contains(i.path("key").asText())
                        || reconciled.contains(i.path("id").asText()))
                .filter(i -> jql.matches(i, commentText(i.path("key").asText())))
                .sorted(jql.order())
                .toList();
        int end = Math.min(matching.size(), offset + maxResults);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("issues");
        for (ObjectNode issue : matching.subList(Math.min(offset, end), end)) {
            if (fields == null) {
                // The enhanced search returns ids only unless fields are named.
                items.addObject().put("id", issue.path("id").asText());
            } else {
                items.add(project(issue, fields));
            }
        }
        boolean last = end >= matching.size();
        if (!last) {
            body.put(
                    "nextPageToken",
                    Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(("offset:" + end).getBytes(StandardCharsets.UTF_8)));
        }
        body.put("isLast", last);
        return json(200, body);
    }

    private String commentText(String key) {
        StringBuilder s = new StringBuilder();
        for (String c : comments.getOrDefault(key, List.of())) {
            try {
                s.append(' ').append(JqlSimulation.text(JSON.readTree(c)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return s.toString();
    }

    // ---- plumbing of the fake ----

    private Instant now() {
        return EPOCH.plusSeconds(tick++);
    }

    private ResponseDefinition json(int status, JsonNode body) {
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json;charset=UTF-8")
                .withHeader("X-ARequestId", "fake-" + requestCount())
                .withBody(body.toString())
                .build();
    }

    private ResponseDefinition notFound() {
        return error(404, null, "Issue does not exist or you do not have permission to see it.");
    }

    private ResponseDefinition fieldErrors(Map<String, String> errors) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("errorMessages");
        ObjectNode e = body.putObject("errors");
        errors.forEach(e::put);
        return json(400, body);
    }

    private static String defaultMessage(int status) {
        return switch (status) {
            case 400 -> "The request is invalid.";
            case 401 -> "Client must be authenticated to access this resource.";
            case 403 -> "You do not have permission to perform this operation.";
            case 404 -> "Issue does not exist or you do not have permission to see it.";
            case 429 -> "Rate limit exceeded.";
            case 503 -> "Service Unavailable";
            default -> "Internal server error";
        };
    }

    /** Jira's error body, and on 429 its rate-limit headers. */
    private ResponseDefinition error(int status, @Nullable Duration retryAfter, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("errorMessages").add(message);
        body.putObject("errors");
        ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json;charset=UTF-8")
                .withHeader("X-ARequestId", "fake-" + requestCount())
                .withBody(body.toString());
        if (status == 429) {
            // Request time plus the wait, written to the minute as Jira does; on the simulation's clock, which starts
            // at the same instant as the tests' virtual clock (TestContext.T0).
            Instant reset = now().plus(retryAfter == null ? Duration.ofMinutes(1) : retryAfter);
            b.withHeader("X-RateLimit-Limit", "350")
                    .withHeader("X-RateLimit-Remaining", "0")
                    .withHeader(
                            "X-RateLimit-Reset",
                            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'")
                                    .withZone(ZoneOffset.UTC)
                                    .format(reset))
                    .withHeader("RateLimit-Reason", "jira-burst-based");
        }
        if (retryAfter != null) {
            b.withHeader("Retry-After", String.valueOf(retryAfter.toSeconds()));
        }
        return b.build();
    }

    // ---- the kit's view ----

    /** The issue tracker as {@link dev.scaleplane.tck.IssueTrackerCompatibilityKit} reads and acts on it. */
    IssueTrackerSimulation issueTracker() {
        FakeJira fake = this;
        return new VendorIssueTrackerSimulation(fake) {
            private ObjectNode find(String issueId) {
                ObjectNode issue = issues.get(issueId);
                if (issue == null) {
                    throw new IllegalArgumentException("no issue " + issueId);
                }
                return issue;
            }

            /** The stored ADF document, as JSON; empty when the issue has no description. */
            @Override
            public String body(String issueId) {
                synchronized (fake) {
                    JsonNode description = find(issueId).path("fields").path("description");
                    return description.isObject() ? description.toString() : "";
                }
            }

            @Override
            public List<String> comments(String issueId) {
                synchronized (fake) {
                    find(issueId);
                    return List.copyOf(comments.getOrDefault(issueId, List.of()));
                }
            }

            @Override
            public int issueCount(String project) {
                synchronized (fake) {
                    return (int) issues.values().stream()
                            .filter(i -> i.path("fields")
                                    .path("project")
                                    .path("key")
                                    .asText()
                                    .equals(project))
                            .count();
                }
            }

            @Override
            public void seedIssues(String project, int count, String label, String word) {
                synchronized (fake) {
                    for (int i = 1; i <= count; i++) {
                        ObjectNode description =
                                JSON.createObjectNode().put("type", "doc").put("version", 1);
                        description
                                .putArray("content")
                                .addObject()
                                .put("type", "paragraph")
                                .putArray("content")
                                .addObject()
                                .put("type", "text")
                                .put("text", "Seeded issue " + i);
                        newIssue(project, word + " " + i, description, List.of(label), null, "Task");
                    }
                }
            }

            @Override
            public String credential() {
                return TOKEN;
            }
        };
    }
}
