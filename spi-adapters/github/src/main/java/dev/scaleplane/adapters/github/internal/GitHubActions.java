package dev.scaleplane.adapters.github.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.PageStyle;
import dev.scaleplane.adapters.http.RunPoller;
import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.adapters.AdapterCallFacts;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.adapters.ci.CiTrigger;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** GitHub Actions as a {@link CiAdapter}. See {@code GitHubActionsProvider} for the contract as GitHub keeps it. */
public final class GitHubActions implements CiAdapter {
    /** GitHub's clock and ours may differ; a run created this long before our dispatch still counts as ours. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String instance;
    private final AdapterHttpClient http;
    private final GitHubSettings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RunPoller poller;
    /** Runs that a dispatch without run id was matched to, so that concurrent dispatches do not claim one run. */
    private final Set<Long> claimed = ConcurrentHashMap.newKeySet();

    public GitHubActions(
            String instance,
            AdapterHttpClient http,
            GitHubSettings settings,
            Clock clock,
            Sleeper sleeper,
            DoubleSupplier random) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.http = Objects.requireNonNull(http, "http");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.poller = new RunPoller(
                "GitHub Actions instance " + instance, settings.pollInterval(), settings.maxPollInterval(), random);
    }

    @Override
    public String name() {
        return instance;
    }

    @Override
    public String system() {
        return "github";
    }

    @Override
    public CiRun trigger(CiTrigger trigger) {
        Objects.requireNonNull(trigger, "trigger");
        Ids.Workflow w = Ids.workflow(trigger.pipeline());
        Instant dispatchedAt = clock.instant();
        AdapterResponse response;
        if (settings.returnRunDetails()) {
            try {
                response = http.send(dispatch(w, trigger, true));
            } catch (AdapterRequestRefusedException e) {
                // GHES 3.20 and older reject the field they do not know (400/422 naming it): dispatch without it.
                if (!String.valueOf(e.serverMessage()).contains("return_run_details")) {
                    throw e;
                }
                response = http.send(dispatch(w, trigger, false));
            }
        } else {
            response = http.send(dispatch(w, trigger, false));
        }
        JsonNode body = response.json();
        if (body.path("workflow_run_id").canConvertToLong()) {
            long runId = body.path("workflow_run_id").asLong();
            URI url = body.path("html_url").isTextual()
                    ? URI.create(body.path("html_url").asText())
                    : http.baseUri().resolve("/" + w.repo() + "/actions/runs/" + runId);
            return new CiRun(
                    new Ids.Run(w.repo(), runId).toString(),
                    trigger.pipeline(),
                    trigger.ref(),
                    url,
                    CiStatus.QUEUED,
                    "queued",
                    dispatchedAt,
                    null);
        }
        return findDispatchedRun(w, trigger, dispatchedAt);
    }

    private AdapterRequest dispatch(Ids.Workflow w, CiTrigger trigger, boolean askForRun) {
        ObjectNode body = JSON.createObjectNode();
        body.put("ref", trigger.ref());
        if (!trigger.inputs().isEmpty()) {
            ObjectNode inputs = body.putObject("inputs");
            trigger.inputs().forEach(inputs::put);
        }
        if (askForRun) {
            body.put("return_run_details", true);
        }
        return AdapterRequest.builder(
                        "POST",
                        "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
                        w.repo().owner(),
                        w.repo().name(),
                        w.workflow())
                .json(body)
                .build();
    }

    /**
     * The dispatch was answered without a run id (204 No Content): the run is the oldest {@code workflow_dispatch} run
     * of the workflow on the ref created since the dispatch (less {@link #CLOCK_SKEW}) that no other dispatch of this
     * adapter has claimed. Polls with backoff until {@code actions.run-lookup-timeout}.
     */
    private CiRun findDispatchedRun(Ids.Workflow w, CiTrigger trigger, Instant dispatchedAt) {
        Instant since = dispatchedAt.minus(CLOCK_SKEW);
        Instant deadline = clock.instant().plus(settings.runLookupTimeout());
        AdapterRequest.Builder list = AdapterRequest.builder(
                        "GET",
                        "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
                        w.repo().owner(),
                        w.repo().name(),
                        w.workflow())
                .query("event", "workflow_dispatch");
        branchOf(trigger.ref()).ifPresent(b -> list.query("branch", b));
        AdapterRequest request = list.query("created", ">=" + since)
                .query("per_page", settings.pageSize())
                .build();
        for (int attempt = 0; ; attempt++) {
            JsonNode runs = http.sendForJson(request).path("workflow_runs");
            List<JsonNode> candidates = new ArrayList<>();
            for (JsonNode run : runs) {
                Instant created = instant(run.path("created_at")).orElse(Instant.EPOCH);
                if (!created.isBefore(since) && !claimed.contains(run.path("id").asLong())) {
                    candidates.add(run);
                }
            }
            candidates.sort(
                    Comparator.comparing((JsonNode r) -> r.path("created_at").asText())
                            .thenComparingLong(r -> r.path("id").asLong()));
            for (JsonNode run : candidates) {
                if (claimed.add(run.path("id").asLong())) {
                    return toRun(w.repo(), run, trigger.pipeline());
                }
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new AdapterException(
                        new AdapterCallFacts(
                                "github",
                                instance,
                                "GET",
                                request.path(),
                                200,
                                null,
                                "the dispatch was accepted but no workflow_dispatch run of " + trigger.pipeline()
                                        + " on '" + trigger.ref() + "' appeared within "
                                        + settings.runLookupTimeout()),
                        "the run may still start; look for it with runs(\"" + trigger.pipeline()
                                + "\") or raise actions.run-lookup-timeout",
                        null);
            }
            try {
                sleeper.sleep(poller.backoff(attempt));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while looking for the run of " + trigger.pipeline(), e);
            }
        }
    }

    /** The branch filter for a ref, or none for a tag or a commit, which the branch filter would not match. */
    private static Optional<String> branchOf(String ref) {
        if (ref.isEmpty() || ref.startsWith("refs/tags/") || ref.matches("[0-9a-f]{40}")) {
            return Optional.empty();
        }
        return Optional.of(ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref);
    }

    @Override
    public CiRun status(String runId) {
        Ids.Run run = Ids.run(runId);
        JsonNode body = http.sendForJson(AdapterRequest.get(
                "/repos/{owner}/{repo}/actions/runs/{run_id}",
                run.repo().owner(),
                run.repo().name(),
                run.runId()));
        return toRun(run.repo(), body, null);
    }

    @Override
    public CompletableFuture<CiRun> awaitCompletion(String runId, Duration timeout) {
        Ids.run(runId);
        return poller.await(
                "GitHub Actions run " + runId,
                () -> status(runId),
                r -> r.status().terminal(),
                timeout);
    }

    @Override
    public CiRun cancel(String runId) {
        Ids.Run run = Ids.run(runId);
        http.send(AdapterRequest.builder(
                        "POST",
                        "/repos/{owner}/{repo}/actions/runs/{run_id}/cancel",
                        run.repo().owner(),
                        run.repo().name(),
                        run.runId())
                .build());
        return status(runId);
    }

    @Override
    public Stream<CiRun> runs(String pipeline) {
        Ids.Workflow w = Ids.workflow(pipeline);
        AdapterRequest first = AdapterRequest.builder(
                        "GET",
                        "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
                        w.repo().owner(),
                        w.repo().name(),
                        w.workflow())
                .query("per_page", settings.pageSize())
                .build();
        return http
                .paginate(first, PageStyle.linkHeader(), response -> {
                    List<CiRun> out = new ArrayList<>();
                    for (JsonNode run : response.json().path("workflow_runs")) {
                        out.add(toRun(w.repo(), run, pipeline));
                    }
                    return out;
                })
                .stream();
    }

    @Override
    public void close() {
        poller.close();
    }

    /**
     * A run as the REST API's workflow run object describes it. {@code pipeline} is the caller's spelling when known;
     * otherwise {@code owner/repo/<workflow file name>} from the run's {@code path}.
     */
    CiRun toRun(Ids.Repo repo, JsonNode run, @Nullable String pipeline) {
        long id = run.path("id").asLong();
        String status = run.path("status").asText("queued");
        String conclusion =
                run.path("conclusion").isTextual() ? run.path("conclusion").asText() : null;
        Instant created = instant(run.path("created_at")).orElseGet(clock::instant);
        return new CiRun(
                new Ids.Run(repo, id).toString(),
                pipeline != null ? pipeline : repo + "/" + workflowFile(run),
                run.path("head_branch").asText(""),
                URI.create(run.path("html_url").asText(http.baseUri() + "/" + repo + "/actions/runs/" + id)),
                map(status, conclusion),
                "completed".equals(status) && conclusion != null ? conclusion : status,
                created,
                instant(run.path("updated_at")).orElse(null));
    }

    /** {@code .github/workflows/ci.yml@main} and {@code .github/workflows/ci.yml} are {@code ci.yml}. */
    private static String workflowFile(JsonNode run) {
        String path = run.path("path").asText("");
        int at = path.indexOf('@');
        if (at >= 0) {
            path = path.substring(0, at);
        }
        int slash = path.lastIndexOf('/');
        path = path.substring(slash + 1);
        return path.isEmpty() ? run.path("workflow_id").asText("unknown") : path;
    }

    static CiStatus map(String status, @Nullable String conclusion) {
        return dev.scaleplane.adapters.github.GitHubRunStatus.of(status, conclusion);
    }

    private static Optional<Instant> instant(JsonNode node) {
        if (!node.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(node.asText()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "GitHubActions[" + instance + " " + http.baseUri() + "]";
    }
}
