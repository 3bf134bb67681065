package dev.scaleplane.adapters.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import dev.scaleplane.adapters.http.testing.VendorCiSimulation;
import dev.scaleplane.adapters.http.testing.VendorIssueTrackerSimulation;
import dev.scaleplane.adapters.http.testing.VendorSimulation;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.tck.CiSimulation;
import dev.scaleplane.tck.IssueTrackerSimulation;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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
 * A simulation of GitHub's REST API for Actions and Issues, stateful, inside WireMock as a response transformer (so
 * that WireMock's request journal still records every request for assertions). It answers with the request and
 * response shapes of docs.github.com (REST API version 2022-11-28): workflow dispatch (with {@code return_run_details}
 * as of the February 2026 change), workflow runs and their listing, cancel, issues, comments, the issues list and
 * {@code /search/issues}, {@code Link} headers with {@code rel="next"} and {@code rel="last"}, and GitHub's error
 * bodies ({@code {"message": ..., "documentation_url": ..., "status": ...}}).
 *
 * <p>Known workflows: {@code ci.yml} (id {@value #WORKFLOW_ID}) in every repository. Requests must carry {@code
 * Authorization: Bearer} {@value #TOKEN}; anything else is 401 Bad credentials, as GitHub answers.
 */
final class FakeGitHub extends VendorSimulation {
    static final String TOKEN = "github_pat_11TCK0000000000_secretvalue";
    static final long WORKFLOW_ID = 161335;
    static final Instant EPOCH = Instant.parse("2026-03-01T10:00:00Z");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DISPATCH =
            Pattern.compile("/repos/([^/]+)/([^/]+)/actions/workflows/([^/]+)/dispatches");
    private static final Pattern WORKFLOW_RUNS =
            Pattern.compile("/repos/([^/]+)/([^/]+)/actions/workflows/([^/]+)/runs");
    private static final Pattern RUN = Pattern.compile("/repos/([^/]+)/([^/]+)/actions/runs/(\\d+)");
    private static final Pattern CANCEL = Pattern.compile("/repos/([^/]+)/([^/]+)/actions/runs/(\\d+)/cancel");
    private static final Pattern ISSUES = Pattern.compile("/repos/([^/]+)/([^/]+)/issues");
    private static final Pattern ISSUE = Pattern.compile("/repos/([^/]+)/([^/]+)/issues/(\\d+)");
    private static final Pattern COMMENTS = Pattern.compile("/repos/([^/]+)/([^/]+)/issues/(\\d+)/comments");

    // guarded by this
    private final Map<Long, ObjectNode> runs = new TreeMap<>();
    private final Map<Long, Map<String, String>> inputs = new TreeMap<>();
    private final Map<Long, int[]> finishAfter = new TreeMap<>();
    private final Map<Long, CiStatus> finishWith = new TreeMap<>();
    private final Set<Long> cancelRequested = new java.util.HashSet<>();
    private final Map<String, List<ObjectNode>> issues = new TreeMap<>();
    private final Map<String, List<String>> comments = new TreeMap<>();
    private long nextRunId;
    private long nextCommentId;
    private long tick;
    private boolean answersRunDetails = true;

    private FakeGitHub() {
        super("fake-github");
    }

    /** Starts a simulation on a free port. */
    static FakeGitHub launch() {
        return started(new FakeGitHub());
    }

    /** Whether dispatches with {@code return_run_details} are answered with the run (github.com since 2026-02). */
    synchronized void answersRunDetails(boolean answers) {
        answersRunDetails = answers;
    }

    @Override
    protected void resetState() {
        runs.clear();
        inputs.clear();
        finishAfter.clear();
        finishWith.clear();
        cancelRequested.clear();
        issues.clear();
        comments.clear();
        nextRunId = 30433642000L;
        nextCommentId = 1_000_000L;
        tick = 0;
        answersRunDetails = true;
    }

    // ---- dispatch ----

    @Override
    protected ResponseDefinition failure(InjectedFailure failure, Request request) {
        return error(failure.status(), failure.retryAfter());
    }

    @Override
    protected ResponseDefinition answer(Request request) {
        if (!("Bearer " + TOKEN).equals(request.getHeader("Authorization"))) {
            return error(401, null);
        }
        String method = request.getMethod().getName();
        URI uri = URI.create(request.getUrl());
        String path = uri.getRawPath();
        Map<String, String> query = formFields(uri.getRawQuery());
        Matcher m;
        if (method.equals("POST") && (m = DISPATCH.matcher(path)).matches()) {
            return dispatch(m, jsonBodyOrEmpty(request));
        }
        if (method.equals("GET") && (m = WORKFLOW_RUNS.matcher(path)).matches()) {
            return listRuns(request, m, query);
        }
        if (method.equals("GET") && (m = RUN.matcher(path)).matches()) {
            return readRun(Long.parseLong(m.group(3)));
        }
        if (method.equals("POST") && (m = CANCEL.matcher(path)).matches()) {
            return cancel(Long.parseLong(m.group(3)));
        }
        if (method.equals("POST") && (m = ISSUES.matcher(path)).matches()) {
            return createIssue(repo(m), jsonBodyOrEmpty(request));
        }
        if (method.equals("GET") && (m = ISSUES.matcher(path)).matches()) {
            return listIssues(request, repo(m), query);
        }
        if ((m = ISSUE.matcher(path)).matches()) {
            ObjectNode issue = issue(repo(m), Long.parseLong(m.group(3)));
            if (issue == null) {
                return error(404, null);
            }
            if (method.equals("GET")) {
                return json(200, issue);
            }
            if (method.equals("PATCH")) {
                return patchIssue(issue, jsonBodyOrEmpty(request));
            }
        }
        if (method.equals("POST") && (m = COMMENTS.matcher(path)).matches()) {
            ObjectNode issue = issue(repo(m), Long.parseLong(m.group(3)));
            if (issue == null) {
                return error(404, null);
            }
            long id = nextCommentId++;
            String body = jsonBodyOrEmpty(request).path("body").asText();
            comments.computeIfAbsent(repo(m) + "#" + issue.path("number").asLong(), k -> new ArrayList<>())
                    .add(body);
            ObjectNode comment = JSON.createObjectNode()
                    .put("id", id)
                    .put("body", body)
                    .put(
                            "html_url",
                            "https://github.com/" + repo(m) + "/issues/"
                                    + issue.path("number").asLong() + "#issuecomment-" + id)
                    .put("created_at", now().toString());
            return json(201, comment);
        }
        if (method.equals("GET") && path.equals("/search/issues")) {
            return searchIssues(request, query);
        }
        return error(404, null);
    }

    // ---- actions ----

    private ResponseDefinition dispatch(Matcher m, JsonNode body) {
        String workflow = m.group(3);
        if (!workflow.equals("ci.yml") && !workflow.equals(String.valueOf(WORKFLOW_ID))) {
            return error(404, null);
        }
        if (!body.path("ref").isTextual()) {
            return error(422, null);
        }
        long id = nextRunId++;
        ObjectNode run = newRun(repo(m), id, body.path("ref").asText(), "workflow_dispatch");
        runs.put(id, run);
        Map<String, String> in = new LinkedHashMap<>();
        body.path("inputs")
                .properties()
                .forEach(e -> in.put(e.getKey(), e.getValue().asText()));
        inputs.put(id, in);
        if (body.path("return_run_details").asBoolean(false) && answersRunDetails) {
            return json(
                    200,
                    JSON.createObjectNode()
                            .put("workflow_run_id", id)
                            .put("run_url", "https://api.github.com/repos/" + repo(m) + "/actions/runs/" + id)
                            .put("html_url", "https://github.com/" + repo(m) + "/actions/runs/" + id));
        }
        return ResponseDefinitionBuilder.responseDefinition().withStatus(204).build();
    }

    private ObjectNode newRun(String repo, long id, String ref, String event) {
        Instant created = now();
        return JSON.createObjectNode()
                .put("id", id)
                .put("name", "CI")
                .put("head_branch", ref)
                .put("head_sha", "009b8a3a9ccbb128af87f9b1c0f4c62e8a304f6d")
                .put("path", ".github/workflows/ci.yml")
                .put("run_number", id % 1000)
                .put("run_attempt", 1)
                .put("event", event)
                .put("status", "queued")
                .putNull("conclusion")
                .put("workflow_id", WORKFLOW_ID)
                .put("url", "https://api.github.com/repos/" + repo + "/actions/runs/" + id)
                .put("html_url", "https://github.com/" + repo + "/actions/runs/" + id)
                .put("created_at", created.toString())
                .put("updated_at", created.toString())
                .put("run_started_at", created.toString());
    }

    private ResponseDefinition readRun(long id) {
        ObjectNode run = runs.get(id);
        if (run == null) {
            return error(404, null);
        }
        int[] left = finishAfter.get(id);
        if (left != null && --left[0] < 0) {
            finishAfter.remove(id);
            finish(run, finishWith.remove(id));
        }
        return json(200, run);
    }

    private ResponseDefinition cancel(long id) {
        ObjectNode run = runs.get(id);
        if (run == null) {
            return error(404, null);
        }
        if ("completed".equals(run.path("status").asText())) {
            return json(
                    409,
                    JSON.createObjectNode()
                            .put("message", "Cannot cancel a workflow run that is completed.")
                            .put(
                                    "documentation_url",
                                    "https://docs.github.com/rest/actions/workflow-runs#cancel-a-workflow-run")
                            .put("status", "409"));
        }
        cancelRequested.add(id);
        finishAfter.remove(id);
        setRaw(run, "completed", "cancelled");
        return json(202, JSON.createObjectNode());
    }

    private ResponseDefinition listRuns(Request request, Matcher m, Map<String, String> query) {
        String repo = repo(m);
        List<ObjectNode> matching = runs.values().stream()
                .filter(r -> r.path("url").asText().contains("/repos/" + repo + "/"))
                .filter(r -> !query.containsKey("event")
                        || query.get("event").equals(r.path("event").asText()))
                .filter(r -> !query.containsKey("branch")
                        || query.get("branch").equals(r.path("head_branch").asText()))
                .sorted(Comparator.comparing(
                                (ObjectNode r) -> r.path("created_at").asText())
                        .thenComparingLong(r -> r.path("id").asLong())
                        .reversed())
                .toList();
        int perPage = Integer.parseInt(query.getOrDefault("per_page", "30"));
        int page = Integer.parseInt(query.getOrDefault("page", "1"));
        ObjectNode body = JSON.createObjectNode().put("total_count", matching.size());
        ArrayNode items = body.putArray("workflow_runs");
        page(matching, page, perPage).forEach(items::add);
        return paged(request, query, body, page, perPage, matching.size());
    }

    private void finish(ObjectNode run, CiStatus outcome) {
        switch (outcome) {
            case SUCCEEDED -> setRaw(run, "completed", "success");
            case FAILED -> setRaw(run, "completed", "failure");
            case CANCELLED -> setRaw(run, "completed", "cancelled");
            default -> throw new IllegalArgumentException("not an end state: " + outcome);
        }
    }

    private void setRaw(ObjectNode run, String status, @Nullable String conclusion) {
        run.put("status", status);
        if (conclusion == null) {
            run.putNull("conclusion");
        } else {
            run.put("conclusion", conclusion);
        }
        run.put("updated_at", now().toString());
    }

    private synchronized ObjectNode run(String runId) {
        long id = Long.parseLong(runId.substring(runId.lastIndexOf('/') + 1));
        ObjectNode run = runs.get(id);
        if (run == null) {
            throw new IllegalArgumentException("no run " + runId);
        }
        return run;
    }

    // ---- issues ----

    private ResponseDefinition createIssue(String repo, JsonNode body) {
        if (!body.path("title").isTextual() || body.path("title").asText().isBlank()) {
            return error(422, null);
        }
        List<String> labels = new ArrayList<>();
        body.path("labels").forEach(l -> labels.add(l.asText()));
        String assignee = body.path("assignees").path(0).asText(null);
        ObjectNode issue =
                newIssue(repo, body.path("title").asText(), body.path("body").asText(""), labels, assignee);
        return json(201, issue);
    }

    private ObjectNode newIssue(
            String repo, String title, String body, List<String> labels, @Nullable String assignee) {
        List<ObjectNode> list = issues.computeIfAbsent(repo, k -> new ArrayList<>());
        long number = list.size() + 1L;
        ObjectNode issue = JSON.createObjectNode()
                .put("id", 1_000_000L + number)
                .put("node_id", "I_kwDO" + number)
                .put("url", "https://api.github.com/repos/" + repo + "/issues/" + number)
                .put("html_url", "https://github.com/" + repo + "/issues/" + number)
                .put("number", number)
                .put("state", "open")
                .putNull("state_reason")
                .put("title", title)
                .put("body", body)
                .put("created_at", now().toString())
                .put("updated_at", now().toString());
        ArrayNode labelNodes = issue.putArray("labels");
        labels.forEach(l -> labelNodes.addObject().put("name", l).put("color", "ededed"));
        if (assignee != null) {
            issue.putObject("assignee").put("login", assignee).put("id", 583231);
            issue.putArray("assignees").addObject().put("login", assignee).put("id", 583231);
        } else {
            issue.putNull("assignee");
            issue.putArray("assignees");
        }
        list.add(issue);
        return issue;
    }

    private @Nullable ObjectNode issue(String repo, long number) {
        List<ObjectNode> list = issues.getOrDefault(repo, List.of());
        return number >= 1 && number <= list.size() ? list.get((int) number - 1) : null;
    }

    private ResponseDefinition patchIssue(ObjectNode issue, JsonNode body) {
        if (body.has("title")) {
            issue.put("title", body.path("title").asText());
        }
        if (body.has("body")) {
            issue.put("body", body.path("body").asText());
        }
        if (body.has("state")) {
            String state = body.path("state").asText();
            if (!state.equals("open") && !state.equals("closed")) {
                return error(422, null);
            }
            issue.put("state", state);
            if (state.equals("closed")) {
                issue.put("state_reason", body.path("state_reason").asText("completed"));
                issue.put("closed_at", now().toString());
            } else {
                issue.put("state_reason", "reopened");
                issue.putNull("closed_at");
            }
        }
        issue.put("updated_at", now().toString());
        return json(200, issue);
    }

    private ResponseDefinition listIssues(Request request, String repo, Map<String, String> query) {
        String state = query.getOrDefault("state", "open");
        List<String> labels =
                query.containsKey("labels") ? Arrays.asList(query.get("labels").split(",")) : List.of();
        List<ObjectNode> matching = new ArrayList<>(issues.getOrDefault(repo, List.of()).stream()
                .filter(i -> state.equals("all") || state.equals(i.path("state").asText()))
                .filter(i -> labelsOf(i).containsAll(labels))
                .toList());
        if (!"asc".equals(query.get("direction"))) {
            java.util.Collections.reverse(matching);
        }
        int perPage = Integer.parseInt(query.getOrDefault("per_page", "30"));
        int page = Integer.parseInt(query.getOrDefault("page", "1"));
        ArrayNode body = JSON.createArrayNode();
        page(matching, page, perPage).forEach(body::add);
        return paged(request, query, body, page, perPage, matching.size());
    }

    private ResponseDefinition searchIssues(Request request, Map<String, String> query) {
        String repo = null;
        String state = null;
        List<String> labels = new ArrayList<>();
        List<String> words = new ArrayList<>();
        Matcher tokens =
                Pattern.compile("(\\w+):\"([^\"]*)\"|(\\w+):(\\S+)|(\\S+)").matcher(query.getOrDefault("q", ""));
        while (tokens.find()) {
            String key = tokens.group(1) != null ? tokens.group(1) : tokens.group(3);
            String value = tokens.group(1) != null ? tokens.group(2) : tokens.group(4);
            if (key == null) {
                words.add(tokens.group(5).toLowerCase(Locale.ROOT));
            } else if (key.equals("repo")) {
                repo = value;
            } else if (key.equals("state")) {
                state = value;
            } else if (key.equals("label")) {
                labels.add(value);
            } else if (!(key.equals("is") && value.equals("issue"))) {
                return error(422, null);
            }
        }
        if (repo == null) {
            return error(422, null);
        }
        String s = state;
        List<ObjectNode> matching = new ArrayList<>(issues.getOrDefault(repo, List.of()).stream()
                .filter(i -> s == null || s.equals(i.path("state").asText()))
                .filter(i -> labelsOf(i).containsAll(labels))
                .filter(i -> words.stream().allMatch(w -> (i.path("title").asText() + " "
                                + i.path("body").asText())
                        .toLowerCase(Locale.ROOT)
                        .contains(w)))
                .toList());
        java.util.Collections.reverse(matching);
        int perPage = Integer.parseInt(query.getOrDefault("per_page", "30"));
        int page = Integer.parseInt(query.getOrDefault("page", "1"));
        ObjectNode body =
                JSON.createObjectNode().put("total_count", matching.size()).put("incomplete_results", false);
        ArrayNode items = body.putArray("items");
        page(matching, page, perPage).forEach(items::add);
        return paged(request, query, body, page, perPage, matching.size());
    }

    private static List<String> labelsOf(JsonNode issue) {
        List<String> out = new ArrayList<>();
        issue.path("labels").forEach(l -> out.add(l.path("name").asText()));
        return out;
    }

    // ---- plumbing of the fake ----

    private Instant now() {
        return EPOCH.plusSeconds(tick++);
    }

    private static String repo(Matcher m) {
        return m.group(1) + "/" + m.group(2);
    }

    private static <T> List<T> page(List<T> all, int page, int perPage) {
        int from = Math.min(all.size(), (page - 1) * perPage);
        return all.subList(from, Math.min(all.size(), from + perPage));
    }

    /** The page with GitHub's {@code Link} header: next and last while there are more, prev and first after one. */
    private static ResponseDefinition paged(
            Request request, Map<String, String> query, JsonNode body, int page, int perPage, int total) {
        int last = Math.max(1, (total + perPage - 1) / perPage);
        List<String> links = new ArrayList<>();
        if (page < last) {
            links.add("<" + pageUrl(request, query, page + 1) + ">; rel=\"next\"");
            links.add("<" + pageUrl(request, query, last) + ">; rel=\"last\"");
        }
        if (page > 1) {
            links.add("<" + pageUrl(request, query, page - 1) + ">; rel=\"prev\"");
            links.add("<" + pageUrl(request, query, 1) + ">; rel=\"first\"");
        }
        ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition()
                .withStatus(200)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(body.toString());
        if (!links.isEmpty()) {
            b.withHeader("Link", String.join(", ", links));
        }
        return b.build();
    }

    private static String pageUrl(Request request, Map<String, String> query, int page) {
        URI absolute = URI.create(request.getAbsoluteUrl());
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put("page", String.valueOf(page));
        StringBuilder s = new StringBuilder(
                absolute.getScheme() + "://" + absolute.getRawAuthority() + absolute.getRawPath() + "?");
        q.forEach((k, v) -> s.append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                .append('&'));
        return s.substring(0, s.length() - 1);
    }

    private static ResponseDefinition json(int status, JsonNode body) {
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withHeader("X-GitHub-Request-Id", "CAFE:1234:5678")
                .withHeader("x-ratelimit-limit", "5000")
                .withHeader("x-ratelimit-remaining", "4999")
                .withHeader("x-ratelimit-reset", String.valueOf(Instant.now().getEpochSecond() + 3600))
                .withBody(body.toString())
                .build();
    }

    /** GitHub's error bodies, per docs.github.com. */
    private static ResponseDefinition error(int status, @Nullable Duration retryAfter) {
        String message =
                switch (status) {
                    case 401 -> "Bad credentials";
                    case 403 -> "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
                    case 404 -> "Not Found";
                    case 409 -> "Conflict";
                    case 422 -> "Validation Failed";
                    case 429 -> "API rate limit exceeded";
                    case 503 -> "Service Unavailable";
                    default -> "Server Error";
                };
        ObjectNode body = JSON.createObjectNode()
                .put("message", message)
                .put("documentation_url", "https://docs.github.com/rest")
                .put("status", String.valueOf(status));
        if (status == 422) {
            body.putArray("errors").addObject().put("resource", "Issue").put("code", "invalid");
        }
        ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withHeader("X-GitHub-Request-Id", "CAFE:0000:" + status)
                .withBody(body.toString());
        if (retryAfter != null) {
            b.withHeader("Retry-After", String.valueOf(retryAfter.toSeconds()));
        }
        return b.build();
    }

    // ---- the kits' views ----

    /** The Actions side, as {@link dev.scaleplane.tck.CiAdapterCompatibilityKit} acts on it. */
    CiSimulation actions() {
        FakeGitHub fake = this;
        return new VendorCiSimulation(fake) {
            @Override
            public void setState(String runId, String vendorState) {
                synchronized (fake) {
                    String[] parts = vendorState.split("/", 2);
                    setRaw(run(runId), parts[0], parts.length > 1 ? parts[1] : null);
                }
            }

            @Override
            public void startRun(String runId) {
                setState(runId, "in_progress");
            }

            @Override
            public void finishRun(String runId, CiStatus outcome) {
                synchronized (fake) {
                    finish(run(runId), outcome);
                }
            }

            @Override
            public void finishAfterReads(String runId, int reads, CiStatus outcome) {
                synchronized (fake) {
                    long id = run(runId).path("id").asLong();
                    finishAfter.put(id, new int[] {reads});
                    finishWith.put(id, outcome);
                }
            }

            @Override
            public Map<String, String> inputsOf(String runId) {
                synchronized (fake) {
                    return Map.copyOf(inputs.get(run(runId).path("id").asLong()));
                }
            }

            @Override
            public boolean cancelRequested(String runId) {
                synchronized (fake) {
                    return cancelRequested.contains(run(runId).path("id").asLong());
                }
            }

            @Override
            public void seedRuns(String pipeline, int count) {
                synchronized (fake) {
                    String repo = pipeline.substring(0, pipeline.lastIndexOf('/'));
                    for (int i = 0; i < count; i++) {
                        long id = nextRunId++;
                        ObjectNode run = newRun(repo, id, "main", i % 2 == 0 ? "push" : "workflow_dispatch");
                        setRaw(run, "completed", i % 3 == 0 ? "failure" : "success");
                        runs.put(id, run);
                    }
                }
            }

            @Override
            public String credential() {
                return TOKEN;
            }
        };
    }

    /** The Issues side, as {@link dev.scaleplane.tck.IssueTrackerCompatibilityKit} acts on it. */
    IssueTrackerSimulation issueTracker() {
        FakeGitHub fake = this;
        return new VendorIssueTrackerSimulation(fake) {
            private ObjectNode find(String issueId) {
                int hash = issueId.indexOf('#');
                ObjectNode issue = issue(issueId.substring(0, hash), Long.parseLong(issueId.substring(hash + 1)));
                if (issue == null) {
                    throw new IllegalArgumentException("no issue " + issueId);
                }
                return issue;
            }

            @Override
            public String body(String issueId) {
                synchronized (fake) {
                    return find(issueId).path("body").asText();
                }
            }

            @Override
            public List<String> comments(String issueId) {
                synchronized (fake) {
                    return List.copyOf(comments.getOrDefault(issueId, List.of()));
                }
            }

            @Override
            public int issueCount(String project) {
                synchronized (fake) {
                    return issues.getOrDefault(project, List.of()).size();
                }
            }

            @Override
            public void seedIssues(String project, int count, String label, String word) {
                synchronized (fake) {
                    for (int i = 1; i <= count; i++) {
                        newIssue(project, word + " " + i, "Seeded issue " + i, List.of(label), null);
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
