package dev.scaleplane.adapters.jenkins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import dev.scaleplane.adapters.http.testing.VendorCiSimulation;
import dev.scaleplane.adapters.http.testing.VendorSimulation;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.tck.CiSimulation;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A simulation of a Jenkins controller's Remote Access API, stateful, inside WireMock as a response transformer (so
 * that WireMock's request journal still records every request for assertions). Never a real Jenkins: it answers with
 * the request and response shapes of Jenkins' documentation and sources (jenkins.io "Remote Access API"; {@code
 * ParameterizedJobMixIn}, {@code ParametersDefinitionProperty}, {@code Queue}, {@code Run}; Jetty's {@code
 * ErrorHandler}):
 *
 * <ul>
 *   <li>{@code POST /job/a/job/b/.../buildWithParameters}: each parameter the job defines from the form (or its
 *       default), others ignored; {@code 201} with {@code Location: <root>/queue/item/<id>/}. A job without
 *       parameters answers 500 "This build is not parameterized!";
 *   <li>{@code POST .../build}: the same for a job without parameters; a parameterized one answers {@code 400 Nothing
 *       is submitted} (Stapler wanted its form);
 *   <li>{@code GET /queue/item/<id>/api/json}: {@code Queue$WaitingItem}, {@code $BlockedItem}, {@code
 *       $BuildableItem} with {@code why}, then {@code $LeftItem} with {@code executable {number, url}} or {@code
 *       cancelled: true}; {@link #forgetLeftItems()} does what Jenkins does five minutes after an item left;
 *   <li>{@code POST /queue/cancelItem?id=}: 204, 404 "Provided id (n) not found", or 500 "Could not cancel run for id
 *       n" for an item that has left;
 *   <li>{@code GET .../<number>/api/json} and {@code GET .../api/json} ({@code builds} capped at 100, {@code
 *       allBuilds} only when a {@code tree} names it), honouring {@code tree} with nested fields and {@code {m,n}}
 *       ranges, always with {@code _class};
 *   <li>{@code POST .../<number>/stop}: 302 back to the build, which is {@code ABORTED} one read later;
 *   <li>{@code GET /crumbIssuer/api/json}; with {@link #requireCrumb(boolean)}, a POST without {@code Jenkins-Crumb}
 *       gets {@code 403 No valid crumb was included in the request};
 *   <li>errors as Jetty writes them for {@code Accept: application/json}: {@code {"servlet":"Stapler","message":
 *       ...,"url":...,"status":"404"}}, else an HTML page.
 * </ul>
 *
 * <p>Jobs: {@value #DEPLOY} (a Pipeline job with parameters {@code BRANCH}, default {@code main}, which its SCM
 * checks out, {@code version} and {@code DRY_RUN}) and {@value #NIGHTLY} (no parameters). Requests must carry HTTP
 * Basic of {@value #USER} and {@value #TOKEN}; anything else is 401. What is not simulated: the quiet period's merging
 * of identical queued triggers, executors, and any rate limit (Jenkins has none; {@link CiSimulation#failNext} stands
 * in for a proxy's 429).
 */
final class FakeJenkins extends VendorSimulation {
    static final String USER = "ci-bot";
    /** A Jenkins API token: "11" and 32 hex digits. */
    static final String TOKEN = "11c0ffee0badf00d1234567890abcdef42";

    static final String CRUMB = "7bd5b44e61f0b8a4d5b0e9f2c3a1d6e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4";
    static final String DEPLOY = "team/platform/deploy";
    static final String NIGHTLY = "team/platform/nightly";
    static final Instant EPOCH = Instant.parse("2026-03-01T10:00:00Z");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern QUEUE_ITEM = Pattern.compile("/queue/item/(\\d+)/api/json");
    private static final Pattern RUN_ID = Pattern.compile("(.+)#(?:(\\d+)|queue-(\\d+))");
    private static final String WORKFLOW_RUN = "org.jenkinsci.plugins.workflow.job.WorkflowRun";

    /** A parameter definition: name and default value. */
    record Param(String name, String defaultValue) {}

    /** A job; {@code params} null when it is not parameterized. */
    private static final class Job {
        final String fullName;
        final @Nullable List<Param> params;
        final @Nullable String branchParameter;
        final TreeMap<Integer, ObjectNode> builds = new TreeMap<>();
        int nextBuildNumber = 1;

        Job(String fullName, @Nullable List<Param> params, @Nullable String branchParameter) {
            this.fullName = fullName;
            this.params = params;
            this.branchParameter = branchParameter;
        }
    }

    /** A queue item: waiting, blocked, buildable, or left (with a build, or cancelled). */
    private static final class Item {
        final long id;
        final Job job;
        final Map<String, String> params;
        final long inQueueSince;
        String state = "waiting";
        boolean cancelled;

        @Nullable
        Integer build;

        Item(long id, Job job, Map<String, String> params, long inQueueSince) {
            this.id = id;
            this.job = job;
            this.params = params;
            this.inQueueSince = inQueueSince;
        }
    }

    private final String contextPath;

    // guarded by this
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<Long, Item> queue = new TreeMap<>();
    private final Set<Long> forgotten = new HashSet<>();
    private final Map<String, int[]> finishAfter = new HashMap<>();
    private final Map<String, CiStatus> finishWith = new HashMap<>();
    private final Map<String, int[]> abortAfter = new HashMap<>();
    private final Set<String> stopRequested = new HashSet<>();
    private final Set<Long> cancelRequested = new HashSet<>();
    private long nextQueueId;
    private long tick;
    private int crumbRequests;
    private boolean requireCrumb;

    private FakeJenkins(String contextPath) {
        super("fake-jenkins");
        this.contextPath = contextPath;
    }

    /** Starts a simulation on a free port, Jenkins at the root. */
    static FakeJenkins launch() {
        return launch("");
    }

    /** Starts a simulation on a free port, Jenkins under {@code contextPath} (e.g. {@code /jenkins}). */
    static FakeJenkins launch(String contextPath) {
        return started(new FakeJenkins(contextPath));
    }

    /** The controller's root URL, as {@code base-url} takes it. */
    @Override
    public String baseUrl() {
        return super.baseUrl() + contextPath;
    }

    @Override
    protected void resetState() {
        jobs.clear();
        addJob(DEPLOY, "BRANCH", new Param("BRANCH", "main"), new Param("version", ""), new Param("DRY_RUN", "false"));
        addJob(NIGHTLY, null);
        queue.clear();
        forgotten.clear();
        finishAfter.clear();
        finishWith.clear();
        abortAfter.clear();
        stopRequested.clear();
        cancelRequested.clear();
        nextQueueId = 101;
        tick = 0;
        crumbRequests = 0;
        requireCrumb = false;
    }

    /** Adds a job; no {@code params} makes it a job without parameters. */
    synchronized void addJob(String fullName, @Nullable String branchParameter, Param... params) {
        jobs.put(fullName, new Job(fullName, params.length == 0 ? null : List.of(params), branchParameter));
    }

    /** Whether POSTs need the crumb (CSRF protection for requests not authenticated by an API token). */
    synchronized void requireCrumb(boolean require) {
        requireCrumb = require;
    }

    synchronized int crumbRequests() {
        return crumbRequests;
    }

    /** What Jenkins does five minutes after items left the queue: forgets them (their builds keep the queue id). */
    synchronized void forgetLeftItems() {
        queue.values().stream().filter(i -> i.state.equals("left")).forEach(i -> forgotten.add(i.id));
    }

    // ---- routing ----

    @Override
    protected ResponseDefinition failure(InjectedFailure failure, Request request) {
        return error(request, failure.status(), defaultMessage(failure.status()), failure.retryAfter());
    }

    @Override
    protected ResponseDefinition answer(Request request) {
        URI uri = URI.create(request.getUrl());
        String rawPath = uri.getRawPath();
        String expected =
                "Basic " + Base64.getEncoder().encodeToString((USER + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(request.getHeader("Authorization"))) {
            return error(request, 401, "Invalid password/token for user: " + USER, null);
        }
        if (!rawPath.startsWith(contextPath + "/")) {
            return error(request, 404, "Not Found", null);
        }
        String path = rawPath.substring(contextPath.length());
        String method = request.getMethod().getName();
        Map<String, String> query = formFields(uri.getRawQuery());
        if (method.equals("POST") && requireCrumb && !CRUMB.equals(request.getHeader("Jenkins-Crumb"))) {
            return error(request, 403, "No valid crumb was included in the request", null);
        }
        if (method.equals("GET") && path.equals("/crumbIssuer/api/json")) {
            crumbRequests++;
            return json(
                    200,
                    JSON.createObjectNode()
                            .put("_class", "hudson.security.csrf.DefaultCrumbIssuer")
                            .put("crumb", CRUMB)
                            .put("crumbRequestField", "Jenkins-Crumb"));
        }
        Matcher m = QUEUE_ITEM.matcher(path);
        if (method.equals("GET") && m.matches()) {
            Item item = queue.get(Long.parseLong(m.group(1)));
            if (item == null || forgotten.contains(item.id)) {
                return error(request, 404, "Not Found", null);
            }
            return json(200, tree(itemJson(item), query.get("tree")));
        }
        if (method.equals("POST") && path.equals("/queue/cancelItem")) {
            return cancelItem(request, query);
        }
        if (path.startsWith("/job/")) {
            return job(request, method, path, query);
        }
        return error(request, 404, "Not Found", null);
    }

    private ResponseDefinition job(Request request, String method, String path, Map<String, String> query) {
        String[] segments = path.substring(1).split("/", -1);
        List<String> names = new ArrayList<>();
        int i = 0;
        while (i + 1 < segments.length && segments[i].equals("job")) {
            names.add(URLDecoder.decode(segments[i + 1].replace("+", "%2B"), StandardCharsets.UTF_8));
            i += 2;
        }
        Job job = jobs.get(String.join("/", names));
        if (job == null) {
            return error(request, 404, "Not Found", null);
        }
        String rest = String.join("/", List.of(segments).subList(i, segments.length));
        if (method.equals("POST") && rest.equals("build")) {
            if (job.params != null) {
                return error(request, 400, "Nothing is submitted", null);
            }
            return enqueue(job, Map.of());
        }
        if (method.equals("POST") && rest.equals("buildWithParameters")) {
            if (job.params == null) {
                return error(request, 500, "java.lang.IllegalStateException: This build is not parameterized!", null);
            }
            Map<String, String> given = new HashMap<>(query);
            given.putAll(formFields(request.getBodyAsString()));
            Map<String, String> values = new LinkedHashMap<>();
            for (Param p : job.params) {
                values.put(p.name(), given.getOrDefault(p.name(), p.defaultValue()));
            }
            return enqueue(job, values);
        }
        if (method.equals("GET") && (rest.equals("api/json") || rest.equals("api/json/"))) {
            return json(200, tree(jobJson(job, query.get("tree") != null), query.get("tree")));
        }
        Matcher build = Pattern.compile("(\\d+)/(api/json|stop)/?").matcher(rest);
        if (build.matches()) {
            ObjectNode b = job.builds.get(Integer.parseInt(build.group(1)));
            if (b == null) {
                return error(request, 404, "Not Found", null);
            }
            if (method.equals("GET") && build.group(2).equals("api/json")) {
                read(job, b);
                return json(200, tree(b, query.get("tree")));
            }
            if (method.equals("POST") && build.group(2).equals("stop")) {
                String key = key(job, b.path("number").asInt());
                stopRequested.add(key);
                if (b.path("building").asBoolean()) {
                    finishAfter.remove(key);
                    abortAfter.put(key, new int[] {1});
                }
                return ResponseDefinitionBuilder.responseDefinition()
                        .withStatus(302)
                        .withHeader("Location", b.path("url").asText())
                        .build();
            }
        }
        return error(request, 404, "Not Found", null);
    }

    private ResponseDefinition enqueue(Job job, Map<String, String> params) {
        Item item = new Item(nextQueueId++, job, params, now().toEpochMilli());
        queue.put(item.id, item);
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(201)
                .withHeader("Location", baseUrl() + "/queue/item/" + item.id + "/")
                .withHeader("X-Jenkins", "2.504.3")
                .build();
    }

    private ResponseDefinition cancelItem(Request request, Map<String, String> query) {
        long id;
        try {
            id = Long.parseLong(query.getOrDefault("id", ""));
        } catch (NumberFormatException e) {
            return error(request, 400, "Bad Request", null);
        }
        Item item = queue.get(id);
        if (item == null || forgotten.contains(id)) {
            return error(request, 404, "Provided id (" + id + ") not found", null);
        }
        if (item.state.equals("left")) {
            return error(request, 500, "Could not cancel run for id " + id, null);
        }
        cancelRequested.add(id);
        item.state = "left";
        item.cancelled = true;
        return ResponseDefinitionBuilder.responseDefinition().withStatus(204).build();
    }

    /** A read of a build by the adapter: counts down {@code finishAfterReads} and a requested stop. */
    private void read(Job job, ObjectNode build) {
        String key = key(job, build.path("number").asInt());
        int[] abort = abortAfter.get(key);
        if (abort != null && --abort[0] < 0) {
            abortAfter.remove(key);
            finish(build, "ABORTED");
        }
        int[] left = finishAfter.get(key);
        if (left != null && --left[0] < 0) {
            finishAfter.remove(key);
            finish(build, result(finishWith.remove(key)));
        }
    }

    // ---- documents ----

    private ObjectNode itemJson(Item item) {
        String kind =
                switch (item.state) {
                    case "blocked" -> "BlockedItem";
                    case "buildable" -> "BuildableItem";
                    case "left" -> "LeftItem";
                    default -> "WaitingItem";
                };
        ObjectNode n = JSON.createObjectNode().put("_class", "hudson.model.Queue$" + kind);
        n.set("actions", actions(item));
        n.put("blocked", item.state.equals("blocked"))
                .put("buildable", item.state.equals("buildable"))
                .put("id", item.id)
                .put("inQueueSince", item.inQueueSince);
        StringBuilder params = new StringBuilder();
        item.params.forEach((k, v) -> params.append('\n').append(k).append('=').append(v));
        n.put("params", params.toString()).put("stuck", false);
        n.putObject("task")
                .put("_class", "org.jenkinsci.plugins.workflow.job.WorkflowJob")
                .put("name", item.job.fullName.substring(item.job.fullName.lastIndexOf('/') + 1))
                .put("url", jobUrl(item.job))
                .put("color", "blue");
        n.put("url", "queue/item/" + item.id + "/");
        switch (item.state) {
            case "blocked" -> n.put(
                    "why",
                    "Build #" + Math.max(1, item.job.nextBuildNumber - 1)
                            + " is already in progress (ETA: 1 min 2 sec)");
            case "buildable" -> n.put("why", "Waiting for next available executor")
                    .put("pending", false);
            case "left" -> {
                n.putNull("why").put("cancelled", item.cancelled);
                if (item.build == null) {
                    n.putNull("executable");
                } else {
                    n.putObject("executable")
                            .put("_class", WORKFLOW_RUN)
                            .put("number", item.build)
                            .put("url", jobUrl(item.job) + item.build + "/");
                }
            }
            default -> n.put("why", "In the quiet period. Expires in 4.9 sec")
                    .put("timestamp", item.inQueueSince + 5000);
        }
        return n;
    }

    private static ArrayNode actions(Item item) {
        ArrayNode actions = JSON.createArrayNode();
        if (item.job.params != null) {
            ObjectNode parameters = actions.addObject().put("_class", "hudson.model.ParametersAction");
            ArrayNode list = parameters.putArray("parameters");
            item.params.forEach((k, v) -> list.addObject()
                    .put("_class", "hudson.model.StringParameterValue")
                    .put("name", k)
                    .put("value", v));
        }
        ObjectNode causes = actions.addObject().put("_class", "hudson.model.CauseAction");
        causes.putArray("causes")
                .addObject()
                .put("_class", "hudson.model.Cause$UserIdCause")
                .put("shortDescription", "Started by user " + USER)
                .put("userId", USER)
                .put("userName", USER);
        return actions;
    }

    private ObjectNode jobJson(Job job, boolean withAllBuilds) {
        ObjectNode n = JSON.createObjectNode()
                .put("_class", "org.jenkinsci.plugins.workflow.job.WorkflowJob")
                .put("name", job.fullName.substring(job.fullName.lastIndexOf('/') + 1))
                .put("fullName", job.fullName)
                .put("url", jobUrl(job))
                .put("buildable", true)
                .put("nextBuildNumber", job.nextBuildNumber);
        ArrayNode builds = n.putArray("builds");
        ArrayNode all = JSON.createArrayNode();
        for (ObjectNode b : job.builds.descendingMap().values()) {
            // Without a tree, Jenkins shows builds at depth 0: number and url.
            builds.add(
                    withAllBuilds
                            ? b
                            : JSON.createObjectNode()
                                    .put("_class", WORKFLOW_RUN)
                                    .put("number", b.path("number").asInt())
                                    .put("url", b.path("url").asText()));
            all.add(b);
        }
        while (builds.size() > 100) {
            builds.remove(100);
        }
        if (withAllBuilds) {
            n.set("allBuilds", all);
        }
        return n;
    }

    private String jobUrl(Job job) {
        StringBuilder url = new StringBuilder(baseUrl());
        for (String name : job.fullName.split("/")) {
            url.append("/job/")
                    .append(URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return url.append('/').toString();
    }

    private Instant now() {
        return EPOCH.plusSeconds(tick++);
    }

    // ---- runs, as the kit moves them ----

    /** Starts the item's build (it leaves the queue) and returns it; the build already there if it has one. */
    private ObjectNode start(Item item) {
        if (item.build != null) {
            return item.job.builds.get(item.build);
        }
        if (item.cancelled) {
            throw new IllegalStateException("queue item " + item.id + " was cancelled");
        }
        Job job = item.job;
        int number = job.nextBuildNumber++;
        String[] names = job.fullName.split("/");
        ObjectNode b = JSON.createObjectNode().put("_class", WORKFLOW_RUN);
        b.set("actions", actions(item));
        b.put("building", true)
                .putNull("description")
                .put("displayName", "#" + number)
                .put("duration", 0)
                .put("estimatedDuration", 61_000)
                .put("fullDisplayName", String.join(" » ", names) + " #" + number)
                .put("id", String.valueOf(number))
                .put("inProgress", true)
                .put("keepLog", false)
                .put("number", number)
                .put("queueId", item.id)
                .putNull("result")
                .put("timestamp", now().toEpochMilli())
                .put("url", jobUrl(job) + number + "/");
        job.builds.put(number, b);
        item.state = "left";
        item.build = number;
        return b;
    }

    private void finish(ObjectNode build, String result) {
        build.put("building", false).put("inProgress", false).put("result", result);
        build.put(
                "duration",
                Math.max(1, now().toEpochMilli() - build.path("timestamp").asLong()));
    }

    private static String result(CiStatus outcome) {
        return switch (outcome) {
            case SUCCEEDED -> "SUCCESS";
            case FAILED -> "FAILURE";
            case CANCELLED -> "ABORTED";
            default -> throw new IllegalArgumentException("not an end state: " + outcome);
        };
    }

    private static String key(Job job, int number) {
        return job.fullName + "#" + number;
    }

    /** The queue item a run id of the adapter names: the queue id itself, or the item a build came from. */
    private Item item(String runId) {
        Matcher m = RUN_ID.matcher(runId);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Jenkins run id: " + runId);
        }
        if (m.group(3) != null) {
            Item item = queue.get(Long.parseLong(m.group(3)));
            if (item == null) {
                throw new IllegalArgumentException("no queue item " + runId);
            }
            return item;
        }
        Job job = jobs.get(m.group(1));
        ObjectNode build = job == null ? null : job.builds.get(Integer.parseInt(m.group(2)));
        if (build == null) {
            throw new IllegalArgumentException("no build " + runId);
        }
        return queue.get(build.path("queueId").asLong());
    }

    // ---- plumbing of the fake ----

    private static ResponseDefinition json(int status, JsonNode body) {
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json;charset=utf-8")
                .withHeader("X-Jenkins", "2.504.3")
                .withBody(body.toString())
                .build();
    }

    private static String defaultMessage(int status) {
        return switch (status) {
            case 401 -> "Invalid password/token for user: " + USER;
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Server Error";
        };
    }

    /** An error as Jetty's ErrorHandler writes it: JSON when the client accepts it, else HTML. */
    private static ResponseDefinition error(
            Request request, int status, String message, @Nullable Duration retryAfter) {
        ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("X-Jenkins", "2.504.3");
        String accept = request.getHeader("Accept");
        if (accept != null && accept.contains("application/json")) {
            ObjectNode body = JSON.createObjectNode()
                    .put("servlet", "Stapler")
                    .put("message", message)
                    .put("url", URI.create(request.getUrl()).getRawPath())
                    .put("status", String.valueOf(status));
            b.withHeader("Content-Type", "application/json").withBody(body.toString());
        } else {
            b.withHeader("Content-Type", "text/html;charset=iso-8859-1")
                    .withBody("<html>\n<head>\n<title>Error " + status + " " + message + "</title>\n</head>\n<body>"
                            + "<h2>HTTP ERROR " + status + " " + message + "</h2>\n</body>\n</html>\n");
        }
        if (retryAfter != null) {
            b.withHeader("Retry-After", String.valueOf(retryAfter.toSeconds()));
        }
        return b.build();
    }

    // ---- tree ----

    /** One field of a {@code tree} expression: a name, sub-fields, and a range for arrays. */
    private record Field(String name, @Nullable List<Field> children, int from, int to) {}

    /** {@code node} as Jenkins writes it for {@code ?tree=}: only the named fields, plus {@code _class}. */
    static JsonNode tree(JsonNode node, @Nullable String tree) {
        if (tree == null) {
            return node;
        }
        int[] pos = {0};
        List<Field> fields = fields(tree, pos);
        if (pos[0] != tree.length()) {
            throw new IllegalArgumentException("bad tree at " + pos[0] + ": " + tree);
        }
        return select(node, fields);
    }

    private static List<Field> fields(String s, int[] pos) {
        List<Field> out = new ArrayList<>();
        while (true) {
            int start = pos[0];
            while (pos[0] < s.length() && ",[]{}".indexOf(s.charAt(pos[0])) < 0) {
                pos[0]++;
            }
            String name = s.substring(start, pos[0]);
            List<Field> children = null;
            int from = 0;
            int to = Integer.MAX_VALUE;
            if (pos[0] < s.length() && s.charAt(pos[0]) == '[') {
                pos[0]++;
                children = fields(s, pos);
                expect(s, pos, ']');
            }
            if (pos[0] < s.length() && s.charAt(pos[0]) == '{') {
                int close = s.indexOf('}', pos[0]);
                String range = s.substring(pos[0] + 1, close);
                pos[0] = close + 1;
                int comma = range.indexOf(',');
                if (comma < 0) {
                    from = Integer.parseInt(range);
                    to = from + 1;
                } else {
                    from = comma == 0 ? 0 : Integer.parseInt(range.substring(0, comma));
                    to = comma == range.length() - 1 ? Integer.MAX_VALUE : Integer.parseInt(range.substring(comma + 1));
                }
            }
            out.add(new Field(name, children, from, to));
            if (pos[0] < s.length() && s.charAt(pos[0]) == ',') {
                pos[0]++;
                continue;
            }
            return out;
        }
    }

    private static void expect(String s, int[] pos, char c) {
        if (pos[0] >= s.length() || s.charAt(pos[0]) != c) {
            throw new IllegalArgumentException("expected " + c + " at " + pos[0] + " of " + s);
        }
        pos[0]++;
    }

    private static JsonNode select(JsonNode node, List<Field> fields) {
        if (!node.isObject()) {
            return node;
        }
        ObjectNode out = JSON.createObjectNode();
        if (node.has("_class")) {
            out.set("_class", node.get("_class"));
        }
        for (Field f : fields) {
            JsonNode value = node.get(f.name());
            if (value == null) {
                continue;
            }
            if (value.isArray()) {
                ArrayNode slice = out.putArray(f.name());
                for (int i = f.from(); i < Math.min(f.to(), value.size()); i++) {
                    slice.add(f.children() == null ? value.get(i) : select(value.get(i), f.children()));
                }
            } else {
                out.set(f.name(), f.children() == null ? value : select(value, f.children()));
            }
        }
        return out;
    }

    // ---- the kit's view ----

    /** The simulation as {@link dev.scaleplane.tck.CiAdapterCompatibilityKit} acts on it. */
    CiSimulation simulation() {
        FakeJenkins fake = this;
        return new VendorCiSimulation(fake) {
            /**
             * {@code queue/waiting}, {@code queue/blocked}, {@code queue/buildable}, {@code queue/cancelled} for a
             * trigger still in the queue; {@code building}; or a result ({@code SUCCESS}, {@code UNSTABLE}, {@code
             * FAILURE}, {@code ABORTED}, {@code NOT_BUILT}), starting the build first if needed.
             */
            @Override
            public void setState(String runId, String vendorState) {
                synchronized (fake) {
                    Item item = item(runId);
                    if (vendorState.startsWith("queue/")) {
                        if (item.build != null) {
                            throw new IllegalStateException(runId + " has left the queue");
                        }
                        String state = vendorState.substring("queue/".length());
                        if (state.equals("cancelled")) {
                            item.state = "left";
                            item.cancelled = true;
                        } else {
                            item.state = state;
                        }
                        return;
                    }
                    ObjectNode build = start(item);
                    if (vendorState.equals("building")) {
                        build.put("building", true).put("inProgress", true).putNull("result");
                    } else {
                        finish(build, vendorState);
                    }
                }
            }

            @Override
            public void startRun(String runId) {
                setState(runId, "building");
            }

            @Override
            public void finishRun(String runId, CiStatus outcome) {
                setState(runId, result(outcome));
            }

            @Override
            public void finishAfterReads(String runId, int reads, CiStatus outcome) {
                synchronized (fake) {
                    Item item = item(runId);
                    ObjectNode build = start(item);
                    String key = key(item.job, build.path("number").asInt());
                    finishAfter.put(key, new int[] {reads});
                    finishWith.put(key, outcome);
                }
            }

            /** The parameters of the run other than its job's branch parameter, which carries the ref. */
            @Override
            public Map<String, String> inputsOf(String runId) {
                synchronized (fake) {
                    Item item = item(runId);
                    Map<String, String> inputs = new HashMap<>(item.params);
                    if (item.job.branchParameter != null) {
                        inputs.remove(item.job.branchParameter);
                    }
                    return Map.copyOf(inputs);
                }
            }

            @Override
            public boolean cancelRequested(String runId) {
                synchronized (fake) {
                    Item item = item(runId);
                    return cancelRequested.contains(item.id)
                            || (item.build != null && stopRequested.contains(key(item.job, item.build)));
                }
            }

            @Override
            public void seedRuns(String pipeline, int count) {
                synchronized (fake) {
                    Job job = jobs.get(pipeline);
                    for (int i = 0; i < count; i++) {
                        Map<String, String> params = new LinkedHashMap<>();
                        if (job.params != null) {
                            job.params.forEach(p -> params.put(p.name(), p.defaultValue()));
                        }
                        Item item = new Item(nextQueueId++, job, params, now().toEpochMilli());
                        queue.put(item.id, item);
                        finish(start(item), i % 3 == 0 ? "FAILURE" : "SUCCESS");
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
