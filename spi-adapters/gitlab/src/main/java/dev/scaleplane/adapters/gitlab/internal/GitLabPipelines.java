package dev.scaleplane.adapters.gitlab.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.PageStyle;
import dev.scaleplane.adapters.http.RunPoller;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.adapters.ci.CiTrigger;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;

/** GitLab CI pipelines as a {@link CiAdapter}. See {@code GitLabCiProvider} for the contract as GitLab keeps it. */
public final class GitLabPipelines implements CiAdapter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String instance;
    private final AdapterHttpClient http;
    private final GitLabSettings settings;
    private final Clock clock;
    private final RunPoller poller;

    /**
     * An adapter for instance {@code instance}, sending through {@code http} (pointed at the REST API), polling with
     * the settings' intervals and {@code random} as jitter. Owns a {@link RunPoller}, released by {@link #close()}.
     */
    public GitLabPipelines(
            String instance, AdapterHttpClient http, GitLabSettings settings, Clock clock, DoubleSupplier random) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.http = Objects.requireNonNull(http, "http");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.poller = new RunPoller(
                "GitLab CI instance " + instance, settings.pollInterval(), settings.maxPollInterval(), random);
    }

    @Override
    public String name() {
        return instance;
    }

    @Override
    public String system() {
        return "gitlab";
    }

    @Override
    public CiRun trigger(CiTrigger trigger) {
        Objects.requireNonNull(trigger, "trigger");
        Ids.Project project = Ids.project(trigger.pipeline());
        if (trigger.ref().isBlank()) {
            throw new IllegalArgumentException("GitLab runs a pipeline on a branch or tag, but the trigger of "
                    + trigger.pipeline() + " has a blank ref; name one, e.g. CiTrigger.of(\"" + trigger.pipeline()
                    + "\", \"main\")");
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("ref", trigger.ref());
        if (!trigger.inputs().isEmpty()) {
            ArrayNode variables = body.putArray("variables");
            // Sorted, so that the same trigger always sends the same body.
            new TreeMap<>(trigger.inputs()).forEach((key, value) -> variables
                    .addObject()
                    .put("key", key)
                    .put("value", value)
                    .put("variable_type", "env_var"));
        }
        JsonNode created = http.sendForJson(AdapterRequest.builder("POST", "/projects/{id}/pipeline", project)
                .json(body)
                .build());
        return toRun(project, created, trigger.pipeline());
    }

    @Override
    public CiRun status(String runId) {
        Ids.Run run = Ids.run(runId);
        return toRun(run.project(), http.sendForJson(get(run)), run.project().spelling());
    }

    private static AdapterRequest get(Ids.Run run) {
        return AdapterRequest.get("/projects/{id}/pipelines/{pipeline_id}", run.project(), run.pipelineId());
    }

    @Override
    public CompletableFuture<CiRun> awaitCompletion(String runId, Duration timeout) {
        Ids.run(runId);
        Objects.requireNonNull(timeout, "timeout");
        return poller.await(
                "GitLab pipeline " + runId, () -> status(runId), r -> r.status().terminal(), timeout);
    }

    /**
     * {@code POST .../cancel} answers 200 with the pipeline as it is after the request, whatever its state (GitLab
     * issue 414963): that answer is the result, so no second read is needed. Should a server answer without the
     * pipeline, it is read.
     */
    @Override
    public CiRun cancel(String runId) {
        Ids.Run run = Ids.run(runId);
        JsonNode answer = http.send(AdapterRequest.builder(
                                "POST",
                                "/projects/{id}/pipelines/{pipeline_id}/cancel",
                                run.project(),
                                run.pipelineId())
                        .build())
                .json();
        if (answer.path("id").asLong(-1) == run.pipelineId()) {
            return toRun(run.project(), answer, run.project().spelling());
        }
        return status(runId);
    }

    @Override
    public Stream<CiRun> runs(String pipeline) {
        Ids.Project project = Ids.project(pipeline);
        AdapterRequest first = AdapterRequest.builder("GET", "/projects/{id}/pipelines", project)
                .query("order_by", "id")
                .query("sort", "desc")
                .query("per_page", settings.pageSize())
                .build();
        return http
                .paginate(first, PageStyle.gitlabNextPage(), response -> {
                    List<CiRun> out = new ArrayList<>();
                    for (JsonNode p : response.json()) {
                        out.add(toRun(project, p, pipeline));
                    }
                    return out;
                })
                .stream();
    }

    @Override
    public void close() {
        poller.close();
    }

    /** A run as the API's pipeline object describes it; {@link CiRun#conclusion()} is GitLab's own status. */
    CiRun toRun(Ids.Project project, JsonNode p, String pipeline) {
        long id = p.path("id").asLong();
        String status = p.path("status").asText("created");
        boolean finished = instant(p.path("finished_at")).isPresent();
        return new CiRun(
                new Ids.Run(project, id).toString(),
                pipeline,
                p.path("ref").asText(""),
                p.path("web_url").isTextual() ? URI.create(p.path("web_url").asText()) : webUrl(project, id),
                map(status, finished),
                status,
                instant(p.path("created_at")).orElseGet(clock::instant),
                instant(p.path("updated_at")).orElse(null));
    }

    /** Where GitLab shows the pipeline, for answers without {@code web_url}. */
    private URI webUrl(Ids.Project project, long id) {
        return project.numeric()
                ? URI.create(settings.apiBase() + "/projects/" + project + "/pipelines/" + id)
                : URI.create(settings.webRoot() + "/" + project + "/-/pipelines/" + id);
    }

    static CiStatus map(String status, boolean finished) {
        return dev.scaleplane.adapters.gitlab.GitLabPipelineStatus.of(status, finished);
    }

    /** GitLab's ISO 8601 times ({@code 2016-08-11T11:28:34.085Z}, or with an offset). */
    private static Optional<Instant> instant(JsonNode node) {
        if (!node.isTextual() || node.asText().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(node.asText()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "GitLabPipelines[" + instance + " " + http.baseUri() + "]";
    }
}
