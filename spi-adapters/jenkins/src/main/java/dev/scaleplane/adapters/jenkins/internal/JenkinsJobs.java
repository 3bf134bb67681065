package dev.scaleplane.adapters.jenkins.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Page;
import dev.scaleplane.adapters.http.PageStyle;
import dev.scaleplane.adapters.http.RunPoller;
import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.adapters.AdapterCallFacts;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.adapters.ci.CiTrigger;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Jenkins jobs as a {@link CiAdapter}. See {@code JenkinsProvider} for the contract as Jenkins keeps it. */
public final class JenkinsJobs implements CiAdapter {
    /** How many queue items resolved to their builds are remembered, so status of a queue id costs one call. */
    static final int RESOLVED_CACHE_SIZE = 1024;

    private static final Pattern QUEUE_ITEM = Pattern.compile("/queue/item/(\\d{1,18})/?$");

    private final String instance;
    private final AdapterHttpClient http;
    private final JenkinsSettings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RunPoller poller;
    /** Queue item id to build number, least recently used first; guarded by itself. */
    private final Map<Ids.Queued, Long> resolved = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Ids.Queued, Long> eldest) {
            return size() > RESOLVED_CACHE_SIZE;
        }
    };

    /**
     * The adapter of instance {@code instance}; {@link JenkinsInstance#jobs} builds it from a provider context.
     *
     * @param sleeper waits of {@code trigger}'s build lookup
     * @param random jitter of the poll backoff, values in [0, 1)
     */
    public JenkinsJobs(
            String instance,
            AdapterHttpClient http,
            JenkinsSettings settings,
            Clock clock,
            Sleeper sleeper,
            DoubleSupplier random) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.http = Objects.requireNonNull(http, "http");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.poller = new RunPoller(
                "Jenkins instance " + instance, settings.pollInterval(), settings.maxPollInterval(), random);
    }

    @Override
    public String name() {
        return instance;
    }

    @Override
    public String system() {
        return "jenkins";
    }

    // ---- trigger ----

    @Override
    public CiRun trigger(CiTrigger trigger) {
        Objects.requireNonNull(trigger, "trigger");
        Ids.Job job = Ids.job(trigger.pipeline());
        Map<String, String> parameters = parameters(trigger);
        AdapterResponse response =
                parameters.isEmpty() ? build(job) : buildWithParameters(job, parameters, trigger.pipeline());
        Ids.Queued queued = new Ids.Queued(job, queueItemOf(response));
        Instant accepted = clock.instant();
        if (settings.buildLookupTimeout().isZero()) {
            return new CiRun(
                    queued.toString(),
                    trigger.pipeline(),
                    trigger.ref(),
                    JenkinsRuns.jobUrl(http.baseUri(), job),
                    CiStatus.QUEUED,
                    "queued",
                    accepted,
                    null);
        }
        return awaitBuild(queued, accepted.plus(settings.buildLookupTimeout()));
    }

    /** The ref parameter first (when configured and the ref is not empty), then the inputs by name. */
    private Map<String, String> parameters(CiTrigger trigger) {
        String refParameter = settings.refParameter();
        Map<String, String> parameters = new LinkedHashMap<>();
        if (!trigger.ref().isEmpty()) {
            if (refParameter == null) {
                throw new IllegalArgumentException("Jenkins instance " + instance + " has no ref parameter, so ref '"
                        + trigger.ref() + "' of " + trigger.pipeline() + " cannot reach the job: set "
                        + "scaleplane.adapters." + instance + ".ref-parameter to the job parameter its SCM checks"
                        + " out (e.g. BRANCH), or trigger with an empty ref (a multibranch job's branch is part of"
                        + " its full name, e.g. org/app/main)");
            }
            if (trigger.inputs().containsKey(refParameter)) {
                throw new IllegalArgumentException("input " + refParameter + " of " + trigger.pipeline()
                        + " is Jenkins instance " + instance + "'s ref parameter: pass its value as the ref ('"
                        + trigger.ref() + "') only");
            }
            parameters.put(refParameter, trigger.ref());
        }
        parameters.putAll(new TreeMap<>(trigger.inputs()));
        return parameters;
    }

    /**
     * {@code POST .../build}. A parameterized job refuses it ({@code 400 Nothing is submitted}: Stapler expects the
     * parameter form) before queueing anything, so the trigger is sent again as {@code buildWithParameters}, which
     * fills every parameter with its default.
     */
    private AdapterResponse build(Ids.Job job) {
        try {
            return http.send(job.request("POST", "/build").build());
        } catch (AdapterRequestRefusedException e) {
            String message = String.valueOf(e.serverMessage());
            if (e.status() != 400
                    || !(message.contains("Nothing is submitted") || message.contains("expects a form submission"))) {
                throw e;
            }
            return buildWithParameters(job, Map.of(), job.fullName());
        }
    }

    /** {@code POST .../buildWithParameters}, the parameters as a form. */
    private AdapterResponse buildWithParameters(Ids.Job job, Map<String, String> parameters, String pipeline) {
        AdapterRequest request =
                job.request("POST", "/buildWithParameters").form(parameters).build();
        try {
            return http.send(request);
        } catch (AdapterUnavailableException e) {
            // Jenkins throws IllegalStateException (500) for parameters sent to a job that defines none: the request
            // is wrong, not the server.
            if (String.valueOf(e.serverMessage()).contains("not parameterized")) {
                throw new AdapterRequestRefusedException(e.facts(), e);
            }
            throw e;
        }
    }

    /**
     * The queue item id from {@code Location: <root>/queue/item/<id>/} of Jenkins' {@code 201 Created}. Jenkins
     * answers a redirect to the job instead when nothing was queued (a {@code QueueDecisionHandler} vetoed it).
     */
    private long queueItemOf(AdapterResponse response) {
        String location = response.header("Location").orElse("");
        Matcher m =
                QUEUE_ITEM.matcher(location.contains("?") ? location.substring(0, location.indexOf('?')) : location);
        if (!m.find()) {
            AdapterRequest request = response.request();
            throw new AdapterException(
                    new AdapterCallFacts(
                            "jenkins",
                            instance,
                            request.method(),
                            request.resolve(http.baseUri()).getRawPath(),
                            response.status(),
                            null,
                            "Jenkins queued nothing (Location: " + (location.isEmpty() ? "none" : location) + ")"),
                    "the job may be vetoed by a queue decision handler or refuse remote triggers; see the job's page",
                    null);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Polls the queue item until it has a build, until Jenkins says waiting will not help soon ({@code blocked}: a
     * build of the job already runs and the job allows one at a time; {@code stuck}: no executor can take it) or
     * the item was cancelled, or until {@code deadline}; returns the build or the queue item as it last was.
     */
    private CiRun awaitBuild(Ids.Queued queued, Instant deadline) {
        for (int attempt = 0; ; attempt++) {
            JsonNode item = queueItem(queued);
            Optional<Ids.Build> build = buildOf(queued, item);
            if (build.isPresent()) {
                return readBuild(build.get());
            }
            if (item.path("cancelled").asBoolean(false)
                    || item.path("blocked").asBoolean(false)
                    || item.path("stuck").asBoolean(false)
                    || !clock.instant().isBefore(deadline)) {
                return JenkinsRuns.queued(queued, item, settings.refParameter(), http.baseUri(), clock);
            }
            try {
                sleeper.sleep(poller.backoff(attempt));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the build of " + queued, e);
            }
        }
    }

    // ---- status, await, cancel ----

    @Override
    public CiRun status(String runId) {
        Ids.Run run = Ids.run(runId);
        if (run instanceof Ids.Build build) {
            return readBuild(build);
        }
        Ids.Queued queued = (Ids.Queued) run;
        Optional<Ids.Build> known = remembered(queued);
        if (known.isPresent()) {
            return readBuild(known.get());
        }
        JsonNode item;
        try {
            item = queueItem(queued);
        } catch (AdapterNotFoundException e) {
            // Jenkins forgets an item five minutes after it left the queue; its build still names it.
            return readBuild(findBuildOf(queued).orElseThrow(() -> e));
        }
        Optional<Ids.Build> build = buildOf(queued, item);
        return build.isPresent()
                ? readBuild(build.get())
                : JenkinsRuns.queued(queued, item, settings.refParameter(), http.baseUri(), clock);
    }

    @Override
    public CompletableFuture<CiRun> awaitCompletion(String runId, Duration timeout) {
        Ids.run(runId);
        // Once a queue id has resolved, poll its build directly.
        AtomicReference<String> current = new AtomicReference<>(runId);
        return poller.await(
                "Jenkins run " + runId,
                () -> {
                    CiRun run = status(current.get());
                    current.set(run.id());
                    return run;
                },
                r -> r.status().terminal(),
                timeout);
    }

    /**
     * A build: {@code POST .../<number>/stop}. A queue item: {@code POST /queue/cancelItem?id=<id>}; if it has left
     * the queue by then (Jenkins answers 404, or 500 "Could not cancel" for an item that just left), the build it
     * became is stopped instead.
     */
    @Override
    public CiRun cancel(String runId) {
        Ids.Run run = Ids.run(runId);
        if (run instanceof Ids.Build build) {
            return stop(build);
        }
        Ids.Queued queued = (Ids.Queued) run;
        Optional<Ids.Build> build = resolve(queued);
        if (build.isPresent()) {
            return stop(build.get());
        }
        try {
            http.send(AdapterRequest.builder("POST", "/queue/cancelItem")
                    .query("id", queued.id())
                    .build());
        } catch (AdapterNotFoundException | AdapterUnavailableException e) {
            if (e.status() != 404 && e.status() != 500) {
                throw e;
            }
            Optional<Ids.Build> started = resolve(queued);
            if (started.isEmpty()) {
                throw e;
            }
            return stop(started.get());
        }
        return status(runId);
    }

    private CiRun stop(Ids.Build build) {
        http.send(build.job().request("POST", "/{number}/stop", build.number()).build());
        return readBuild(build);
    }

    // ---- listing ----

    @Override
    public Stream<CiRun> runs(String pipeline) {
        Ids.Job job = Ids.job(pipeline);
        String fields = "number,url,result,building,timestamp"
                + (settings.refParameter() != null ? ",actions[parameters[name,value]]" : "");
        // allBuilds, not builds: Jenkins caps builds at the newest 100 (Job#getNewBuilds).
        return http
                .paginate(
                        job.request("GET", "/api/json").build(),
                        PageStyle.jenkinsTree("allBuilds[" + fields + "]", settings.pageSize()),
                        response -> {
                            List<CiRun> out = new ArrayList<>();
                            for (JsonNode build : response.json().path("allBuilds")) {
                                out.add(JenkinsRuns.build(job, build, settings.refParameter(), http.baseUri(), clock));
                            }
                            return out;
                        })
                .stream();
    }

    @Override
    public void close() {
        poller.close();
    }

    // ---- queue items and builds ----

    private CiRun readBuild(Ids.Build build) {
        JsonNode body = http.sendForJson(build.job()
                .request("GET", "/{number}/api/json", build.number())
                .query("tree", JenkinsRuns.BUILD_TREE)
                .build());
        return JenkinsRuns.build(build.job(), body, settings.refParameter(), http.baseUri(), clock);
    }

    private JsonNode queueItem(Ids.Queued queued) {
        return http.sendForJson(AdapterRequest.get("/queue/item/{id}/api/json", queued.id()));
    }

    /** The build the queue item became, if it has one yet: from memory, else from the item, else by its queueId. */
    private Optional<Ids.Build> resolve(Ids.Queued queued) {
        Optional<Ids.Build> known = remembered(queued);
        if (known.isPresent()) {
            return known;
        }
        try {
            return buildOf(queued, queueItem(queued));
        } catch (AdapterNotFoundException e) {
            Optional<Ids.Build> found = findBuildOf(queued);
            if (found.isEmpty()) {
                throw e;
            }
            return found;
        }
    }

    /**
     * The item's {@code executable.number}, remembered once seen.
     *
     * @throws IllegalArgumentException if the item belongs to another job than the run id names
     */
    private Optional<Ids.Build> buildOf(Ids.Queued queued, JsonNode item) {
        String taskUrl = item.path("task").path("url").asText("");
        if (!taskUrl.isEmpty()) {
            String path;
            try {
                path = URI.create(taskUrl).getPath();
            } catch (IllegalArgumentException e) {
                path = null;
            }
            String expected = queued.job().decodedPath();
            if (path != null && !(path.endsWith(expected + "/") || path.endsWith(expected))) {
                throw new IllegalArgumentException("queue item " + queued.id() + " of Jenkins instance " + instance
                        + " belongs to " + taskUrl + ", not to job " + queued.job() + ": use the run id trigger"
                        + " returned");
            }
        }
        JsonNode number = item.path("executable").path("number");
        if (!number.canConvertToLong()) {
            return Optional.empty();
        }
        Ids.Build build = new Ids.Build(queued.job(), number.asLong());
        synchronized (resolved) {
            resolved.put(queued, build.number());
        }
        return Optional.of(build);
    }

    private Optional<Ids.Build> remembered(Ids.Queued queued) {
        synchronized (resolved) {
            Long number = resolved.get(queued);
            return number == null ? Optional.empty() : Optional.of(new Ids.Build(queued.job(), number));
        }
    }

    /**
     * The build whose {@code queueId} is the item's, newest builds first, page by page; stops after the first page
     * whose builds all came from older queue items (queue ids only grow), so an unknown id costs a page or two.
     */
    private Optional<Ids.Build> findBuildOf(Ids.Queued queued) {
        Iterator<Page<long[]>> pages = http.paginate(
                        queued.job().request("GET", "/api/json").build(),
                        PageStyle.jenkinsTree("allBuilds[number,queueId]", settings.pageSize()),
                        response -> {
                            List<long[]> out = new ArrayList<>();
                            for (JsonNode b : response.json().path("allBuilds")) {
                                out.add(new long[] {
                                    b.path("number").asLong(), b.path("queueId").asLong()
                                });
                            }
                            return out;
                        })
                .pageIterator();
        while (pages.hasNext()) {
            long newestQueueId = Long.MIN_VALUE;
            for (long[] build : pages.next().items()) {
                if (build[1] == queued.id()) {
                    Ids.Build found = new Ids.Build(queued.job(), build[0]);
                    synchronized (resolved) {
                        resolved.put(queued, found.number());
                    }
                    return Optional.of(found);
                }
                newestQueueId = Math.max(newestQueueId, build[1]);
            }
            if (newestQueueId < queued.id()) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "JenkinsJobs[" + instance + " " + http.baseUri() + "]";
    }
}
