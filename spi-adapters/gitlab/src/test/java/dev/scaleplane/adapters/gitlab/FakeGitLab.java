package dev.scaleplane.adapters.gitlab;

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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
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
 * A simulation of GitLab's REST API v4 for CI/CD pipelines, stateful, inside WireMock as a response transformer (so
 * that WireMock's request journal still records every request for assertions). Never the real GitLab: it answers with
 * the request and response shapes of docs.gitlab.com/api/pipelines and docs.gitlab.com/api/rest:
 *
 * <ul>
 *   <li>{@code POST /api/v4/projects/:id/pipeline} (create; {@code ref} and {@code variables} in the JSON body or
 *       the query), {@code 201} with the pipeline;
 *   <li>{@code GET /api/v4/projects/:id/pipelines/:pipeline_id};
 *   <li>{@code POST /api/v4/projects/:id/pipelines/:pipeline_id/cancel}, {@code 200} with the pipeline whatever its
 *       state (GitLab issue 414963);
 *   <li>{@code GET /api/v4/projects/:id/pipelines} with {@code order_by}, {@code sort}, {@code page}, {@code
 *       per_page} (default 20), and the offset pagination headers {@code x-next-page} (empty on the last page),
 *       {@code x-prev-page}, {@code x-page}, {@code x-per-page}, {@code x-total}, {@code x-total-pages} and {@code
 *       Link};
 *   <li>{@code :id} as the URL-encoded full path ({@code acme%2Fplatform%2Fapp}) or the numeric id;
 *   <li>GitLab.com's {@code RateLimit-Limit}, {@code -Observed}, {@code -Remaining}, {@code -Reset}, {@code
 *       -ResetTime} headers on every answer, and {@code Retry-After} with the rate-limiter's plain {@code Retry later}
 *       on 429;
 *   <li>errors as GitLab's {@code {"message": ...}} bodies ({@code 401 Unauthorized}, {@code 404 Project Not Found},
 *       {@code {"message": {"base": [...]}}} for a pipeline that cannot be created), and Grape's {@code {"error":
 *       ...}} for a missing parameter.
 * </ul>
 *
 * <p>Projects: {@code acme/platform/app} (id {@value #PROJECT_ID}) and {@code acme/app} (id {@value #OTHER_PROJECT_ID});
 * refs {@code main}, {@code develop}, {@code v1.2.3}. Requests must carry {@code PRIVATE-TOKEN:} {@value #TOKEN} or
 * {@code Authorization: Bearer} {@value #OAUTH_TOKEN}; anything else is GitLab's {@code 401}. Variable keys are held to
 * GitLab's rule (letters, digits and {@code _}) unless {@link #acceptAnyVariableKey()} was called.
 */
final class FakeGitLab extends VendorSimulation {
    static final String TOKEN = "glpat-TCK00000000000secretvalue";
    static final String OAUTH_TOKEN = "gloas-TCK000000000000oauthvalue";
    static final long PROJECT_ID = 4242;
    static final long OTHER_PROJECT_ID = 4243;
    static final Instant EPOCH = Instant.parse("2026-03-01T10:00:00Z");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CREATE = Pattern.compile("/api/v4/projects/([^/]+)/pipeline");
    private static final Pattern LIST = Pattern.compile("/api/v4/projects/([^/]+)/pipelines");
    private static final Pattern GET = Pattern.compile("/api/v4/projects/([^/]+)/pipelines/(\\d+)");
    private static final Pattern CANCEL = Pattern.compile("/api/v4/projects/([^/]+)/pipelines/(\\d+)/cancel");
    private static final Pattern VARIABLE_KEY = Pattern.compile("[a-zA-Z0-9_]+");
    private static final Set<String> FINISHED = Set.of("success", "failed", "canceled", "skipped");
    private static final Map<String, Long> PROJECTS =
            Map.of("acme/platform/app", PROJECT_ID, "acme/app", OTHER_PROJECT_ID);
    private static final Set<String> REFS = Set.of("main", "develop", "v1.2.3");

    // guarded by this
    private final Map<Long, ObjectNode> pipelines = new TreeMap<>();
    private final Map<Long, Map<String, String>> variables = new TreeMap<>();
    private final Map<Long, int[]> finishAfter = new TreeMap<>();
    private final Map<Long, CiStatus> finishWith = new TreeMap<>();
    private final Set<Long> cancelRequested = new HashSet<>();
    private long nextPipelineId;
    private long tick;

    private FakeGitLab() {
        super("fake-gitlab");
    }

    /** Starts a simulation on a free port. */
    static FakeGitLab launch() {
        return started(new FakeGitLab());
    }

    @Override
    protected void resetState() {
        pipelines.clear();
        variables.clear();
        finishAfter.clear();
        finishWith.clear();
        cancelRequested.clear();
        nextPipelineId = 1207;
        tick = 0;
    }

    // ---- dispatch ----

    @Override
    protected ResponseDefinition failure(InjectedFailure failure, Request request) {
        return error(failure.status(), failure.retryAfter());
    }

    @Override
    protected ResponseDefinition answer(Request request) {
        if (!TOKEN.equals(request.getHeader("PRIVATE-TOKEN"))
                && !("Bearer " + OAUTH_TOKEN).equals(request.getHeader("Authorization"))) {
            return error(401, null);
        }
        String method = request.getMethod().getName();
        URI uri = URI.create(request.getUrl());
        String path = uri.getRawPath();
        Map<String, String> query = formFields(uri.getRawQuery());
        Matcher m;
        if (method.equals("POST") && (m = CREATE.matcher(path)).matches()) {
            Long project = project(m.group(1));
            return project == null
                    ? notFound("404 Project Not Found")
                    : create(project, jsonBodyOrEmpty(request), query);
        }
        if (method.equals("GET") && (m = LIST.matcher(path)).matches()) {
            Long project = project(m.group(1));
            return project == null ? notFound("404 Project Not Found") : list(request, project, query);
        }
        if ((m = GET.matcher(path)).matches() && method.equals("GET")) {
            ObjectNode pipeline = pipeline(m.group(1), Long.parseLong(m.group(2)));
            return pipeline == null ? notFound("404 Not found") : read(pipeline);
        }
        if (method.equals("POST") && (m = CANCEL.matcher(path)).matches()) {
            ObjectNode pipeline = pipeline(m.group(1), Long.parseLong(m.group(2)));
            return pipeline == null ? notFound("404 Not found") : cancel(pipeline);
        }
        return notFound("404 Not Found");
    }

    /** The project named by the {@code :id} path parameter: a URL-encoded path or a numeric id. */
    private static @Nullable Long project(String rawId) {
        String id = URLDecoder.decode(rawId, StandardCharsets.UTF_8);
        if (id.chars().allMatch(Character::isDigit)) {
            long numeric = Long.parseLong(id);
            return PROJECTS.containsValue(numeric) ? numeric : null;
        }
        return PROJECTS.get(id);
    }

    private static String pathOf(long project) {
        return PROJECTS.entrySet().stream()
                .filter(e -> e.getValue() == project)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
    }

    private @Nullable ObjectNode pipeline(String rawProject, long id) {
        Long project = project(rawProject);
        ObjectNode pipeline = pipelines.get(id);
        return project == null
                        || pipeline == null
                        || pipeline.path("project_id").asLong() != project
                ? null
                : pipeline;
    }

    // ---- pipelines ----

    private ResponseDefinition create(long project, JsonNode body, Map<String, String> query) {
        String ref = body.path("ref").isTextual() ? body.path("ref").asText() : query.get("ref");
        if (ref == null || ref.isEmpty()) {
            return json(400, JSON.createObjectNode().put("error", "ref is missing"));
        }
        if (!REFS.contains(ref)) {
            return refused("Reference not found");
        }
        Map<String, String> vars = new LinkedHashMap<>();
        JsonNode given = body.path("variables");
        for (int i = 0; i < given.size(); i++) {
            JsonNode v = given.get(i);
            String type = v.path("variable_type").asText("env_var");
            if (!type.equals("env_var") && !type.equals("file")) {
                return json(
                        400,
                        JSON.createObjectNode()
                                .put("error", "variables[" + i + "][variable_type] does not have a valid value"));
            }
            String key = v.path("key").asText("");
            if (!VARIABLE_KEY.matcher(key).matches()) {
                return refused("Failed to persist the pipeline: Validation failed: Variables key can contain only"
                        + " letters, digits and '_'.");
            }
            vars.put(key, v.path("value").asText(""));
        }
        long id = nextPipelineId++;
        ObjectNode pipeline = newPipeline(project, id, ref, "api");
        pipelines.put(id, pipeline);
        variables.put(id, vars);
        return json(201, pipeline);
    }

    /** A pipeline in the shape of the API's {@code Entities::Ci::Pipeline}, just created: {@code pending}. */
    private ObjectNode newPipeline(long project, long id, String ref, String source) {
        String created = time(now());
        ObjectNode p = JSON.createObjectNode()
                .put("id", id)
                .put("iid", id - 1000)
                .put("project_id", project)
                .put("sha", "384c444e840a515b23f21915ee5766b87068a70d")
                .put("ref", ref)
                .put("status", "pending")
                .put("source", source)
                .put("before_sha", "0000000000000000000000000000000000000000")
                .put("tag", ref.startsWith("v"))
                .putNull("yaml_errors")
                .put("created_at", created)
                .put("updated_at", created)
                .putNull("started_at")
                .putNull("finished_at")
                .putNull("committed_at")
                .putNull("duration")
                .put("queued_duration", 0.01)
                .putNull("coverage")
                .put("web_url", "https://gitlab.example.com/" + pathOf(project) + "/-/pipelines/" + id);
        p.putObject("user")
                .put("id", 1)
                .put("username", "root")
                .put("name", "Administrator")
                .put("state", "active")
                .put("web_url", "https://gitlab.example.com/root");
        return p;
    }

    private ResponseDefinition read(ObjectNode pipeline) {
        long id = pipeline.path("id").asLong();
        int[] left = finishAfter.get(id);
        if (left != null && --left[0] < 0) {
            finishAfter.remove(id);
            finish(pipeline, finishWith.remove(id));
        }
        return json(200, pipeline);
    }

    private ResponseDefinition cancel(ObjectNode pipeline) {
        long id = pipeline.path("id").asLong();
        cancelRequested.add(id);
        if (!FINISHED.contains(pipeline.path("status").asText())) {
            finishAfter.remove(id);
            setStatus(pipeline, "canceled");
        }
        return json(200, pipeline);
    }

    private ResponseDefinition list(Request request, long project, Map<String, String> query) {
        Comparator<ObjectNode> byId = Comparator.comparingLong(p -> p.path("id").asLong());
        List<ObjectNode> matching = pipelines.values().stream()
                .filter(p -> p.path("project_id").asLong() == project)
                .sorted("asc".equals(query.get("sort")) ? byId : byId.reversed())
                .toList();
        int perPage = Math.min(100, Integer.parseInt(query.getOrDefault("per_page", "20")));
        int page = Integer.parseInt(query.getOrDefault("page", "1"));
        ArrayNode body = JSON.createArrayNode();
        int from = Math.min(matching.size(), (page - 1) * perPage);
        matching.subList(from, Math.min(matching.size(), from + perPage)).forEach(p -> body.add(basic(p)));
        return paged(request, query, body, page, perPage, matching.size());
    }

    /** The list's {@code PipelineBasic} shape: fewer fields than a single pipeline. */
    private static ObjectNode basic(ObjectNode p) {
        ObjectNode b = JSON.createObjectNode();
        for (String field : List.of(
                "id", "iid", "project_id", "sha", "ref", "status", "source", "created_at", "updated_at", "web_url")) {
            b.set(field, p.get(field));
        }
        return b;
    }

    private void finish(ObjectNode pipeline, CiStatus outcome) {
        switch (outcome) {
            case SUCCEEDED -> setStatus(pipeline, "success");
            case FAILED -> setStatus(pipeline, "failed");
            case CANCELLED -> setStatus(pipeline, "canceled");
            default -> throw new IllegalArgumentException("not an end state: " + outcome);
        }
    }

    private void setStatus(ObjectNode pipeline, String status) {
        String now = time(now());
        pipeline.put("status", status);
        pipeline.put("updated_at", now);
        if (!"created".equals(status)
                && !"pending".equals(status)
                && pipeline.path("started_at").isNull()) {
            pipeline.put("started_at", now);
        }
        if (FINISHED.contains(status)) {
            pipeline.put("finished_at", now);
        } else {
            pipeline.putNull("finished_at");
        }
    }

    private synchronized ObjectNode pipeline(String runId) {
        long id = Long.parseLong(runId.substring(runId.lastIndexOf('/') + 1));
        ObjectNode pipeline = pipelines.get(id);
        if (pipeline == null) {
            throw new IllegalArgumentException("no pipeline " + runId);
        }
        return pipeline;
    }

    // ---- plumbing of the fake ----

    private Instant now() {
        return EPOCH.plusSeconds(tick++);
    }

    /** GitLab's times: ISO 8601 in UTC with milliseconds. */
    private static String time(Instant t) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
                .withZone(ZoneOffset.UTC)
                .format(t);
    }

    /** A page with GitLab's offset pagination headers and {@code Link}, per docs.gitlab.com/api/rest. */
    private ResponseDefinition paged(
            Request request, Map<String, String> query, JsonNode body, int page, int perPage, int total) {
        int last = Math.max(1, (total + perPage - 1) / perPage);
        List<String> links = new ArrayList<>();
        if (page > 1) {
            links.add("<" + pageUrl(request, query, page - 1) + ">; rel=\"prev\"");
        }
        if (page < last) {
            links.add("<" + pageUrl(request, query, page + 1) + ">; rel=\"next\"");
        }
        links.add("<" + pageUrl(request, query, 1) + ">; rel=\"first\"");
        links.add("<" + pageUrl(request, query, last) + ">; rel=\"last\"");
        return base(200)
                .withHeader("x-page", String.valueOf(page))
                .withHeader("x-per-page", String.valueOf(perPage))
                .withHeader("x-next-page", page < last ? String.valueOf(page + 1) : "")
                .withHeader("x-prev-page", page > 1 ? String.valueOf(page - 1) : "")
                .withHeader("x-total", String.valueOf(total))
                .withHeader("x-total-pages", String.valueOf(last))
                .withHeader("Link", String.join(", ", links))
                .withBody(body.toString())
                .build();
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

    /** Headers every answer carries: JSON, a request id, and GitLab.com's rate-limit headers (plenty left). */
    private ResponseDefinitionBuilder base(int status) {
        return rateLimit(
                ResponseDefinitionBuilder.responseDefinition()
                        .withStatus(status)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("X-Request-Id", "01JNFAKEGITLAB" + requestCount()),
                2000 - requestCount() % 1000,
                Duration.ofSeconds(60));
    }

    private ResponseDefinitionBuilder rateLimit(ResponseDefinitionBuilder b, int remaining, Duration resetIn) {
        Instant reset = Instant.now().plus(resetIn);
        return b.withHeader("RateLimit-Limit", "2000")
                .withHeader("RateLimit-Observed", String.valueOf(2000 - remaining))
                .withHeader("RateLimit-Remaining", String.valueOf(remaining))
                .withHeader("RateLimit-Reset", String.valueOf(reset.getEpochSecond()))
                .withHeader(
                        "RateLimit-ResetTime",
                        DateTimeFormatter.RFC_1123_DATE_TIME.format(reset.atZone(ZoneOffset.UTC)));
    }

    private ResponseDefinition json(int status, JsonNode body) {
        return base(status).withBody(body.toString()).build();
    }

    private ResponseDefinition notFound(String message) {
        return json(404, JSON.createObjectNode().put("message", message));
    }

    /** A pipeline GitLab could not create: {@code render_validation_error!}, 400 with the errors under base. */
    private ResponseDefinition refused(String reason) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("message").putArray("base").add(reason);
        return json(400, body);
    }

    /** GitLab's error answers for {@code status}. */
    private ResponseDefinition error(int status, @Nullable Duration retryAfter) {
        if (status == 429) {
            // The rate limiter (Rack::Attack) answers in plain text, with the window's headers and Retry-After.
            Duration wait = retryAfter != null ? retryAfter : Duration.ofSeconds(60);
            return rateLimit(ResponseDefinitionBuilder.responseDefinition().withStatus(429), 0, wait)
                    .withHeader("Content-Type", "text/plain")
                    .withHeader("Retry-After", String.valueOf(wait.toSeconds()))
                    .withBody("Retry later\n")
                    .build();
        }
        String message =
                switch (status) {
                    case 400 -> "400 Bad request";
                    case 401 -> "401 Unauthorized";
                    case 403 -> "403 Forbidden";
                    case 404 -> "404 Project Not Found";
                    case 409 -> "409 Conflict";
                    case 422 -> "422 Unprocessable Entity";
                    case 502 -> "502 Bad Gateway";
                    case 503 -> "503 Service Unavailable";
                    default -> "500 Internal Server Error";
                };
        ResponseDefinitionBuilder b = base(status)
                .withBody(JSON.createObjectNode().put("message", message).toString());
        if (retryAfter != null) {
            b.withHeader("Retry-After", String.valueOf(retryAfter.toSeconds()));
        }
        return b.build();
    }

    // ---- the kit's view ----

    /** The pipelines, as {@link dev.scaleplane.tck.CiAdapterCompatibilityKit} acts on them. */
    CiSimulation ci() {
        FakeGitLab fake = this;
        return new VendorCiSimulation(fake) {
            @Override
            public void setState(String runId, String vendorState) {
                synchronized (fake) {
                    setStatus(pipeline(runId), vendorState);
                }
            }

            @Override
            public void startRun(String runId) {
                setState(runId, "running");
            }

            @Override
            public void finishRun(String runId, CiStatus outcome) {
                synchronized (fake) {
                    finish(pipeline(runId), outcome);
                }
            }

            @Override
            public void finishAfterReads(String runId, int reads, CiStatus outcome) {
                synchronized (fake) {
                    long id = pipeline(runId).path("id").asLong();
                    finishAfter.put(id, new int[] {reads});
                    finishWith.put(id, outcome);
                }
            }

            @Override
            public Map<String, String> inputsOf(String runId) {
                synchronized (fake) {
                    return Map.copyOf(variables.get(pipeline(runId).path("id").asLong()));
                }
            }

            @Override
            public boolean cancelRequested(String runId) {
                synchronized (fake) {
                    return cancelRequested.contains(pipeline(runId).path("id").asLong());
                }
            }

            @Override
            public void seedRuns(String pipeline, int count) {
                synchronized (fake) {
                    Long project = project(URLEncoder.encode(pipeline, StandardCharsets.UTF_8));
                    if (project == null) {
                        throw new IllegalArgumentException("no project " + pipeline);
                    }
                    for (int i = 0; i < count; i++) {
                        long id = nextPipelineId++;
                        ObjectNode p = newPipeline(project, id, "main", i % 2 == 0 ? "push" : "api");
                        setStatus(p, i % 3 == 0 ? "failed" : "success");
                        pipelines.put(id, p);
                        variables.put(id, Map.of());
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
