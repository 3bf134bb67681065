package dev.scaleplane.core.internal.deploy;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.adapters.ci.CiTrigger;
import dev.scaleplane.api.adapters.issues.NewIssue;
import dev.scaleplane.api.adapters.observability.Annotation;
import dev.scaleplane.api.deployments.Application;
import dev.scaleplane.api.deployments.ClusterRolloutState;
import dev.scaleplane.api.deployments.DeploymentConflictException;
import dev.scaleplane.api.deployments.DeploymentMeters;
import dev.scaleplane.api.deployments.DeploymentNotification;
import dev.scaleplane.api.deployments.DeploymentPhase;
import dev.scaleplane.api.deployments.DeploymentProgressed;
import dev.scaleplane.api.deployments.DeploymentRequest;
import dev.scaleplane.api.deployments.DeploymentStatus;
import dev.scaleplane.api.deployments.Deployments;
import dev.scaleplane.api.deployments.InvalidDeploymentException;
import dev.scaleplane.api.deployments.UnknownDeploymentException;
import dev.scaleplane.api.deployments.analysis.AnalysisPhase;
import dev.scaleplane.api.deployments.analysis.AnalysisResult;
import dev.scaleplane.api.deployments.analysis.Measurement;
import dev.scaleplane.api.deployments.analysis.MeasurementPhase;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.DeploymentCompleted;
import dev.scaleplane.api.events.catalog.DeploymentFailed;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.events.catalog.DeploymentRolledBack;
import dev.scaleplane.api.events.catalog.DeploymentStarted;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterPropagationStatus;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.Propagation;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.Taint;
import dev.scaleplane.api.federation.Toleration;
import dev.scaleplane.api.federation.WhatIf;
import dev.scaleplane.api.federation.WorkloadState;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.slo.AdmissionDecision;
import dev.scaleplane.api.slo.AdmissionRequest;
import dev.scaleplane.api.slo.FreezeFlag;
import dev.scaleplane.api.store.AppendResult;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.api.store.WrongExpectedVersionException;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.internal.analysis.AnalysisRun;
import dev.scaleplane.core.internal.analysis.AnalysisRunner;
import dev.scaleplane.core.logging.RateLimitedLog;
import dev.scaleplane.core.store.EventRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment controller: {@link Deployments} on the platform's store, bus, fleet, SLOs and adapters.
 *
 * <p>How it works. Every deployment is a {@link DeploymentAggregate} rebuilt from its stream. A driver per
 * unfinished deployment reconciles level-triggered: it looks at the recorded state and the world (propagation status,
 * the clock, a CI run) and records the next step, appending with the stream version it read, so two controllers on
 * one store can never both record a step (the loser reloads). A step is recorded <em>before</em> it is acted on when
 * acting twice would be wrong ({@code cluster-applying} before the propagation, which is idempotent by content) and
 * after it is observed otherwise ({@code cluster-ready}). A restart reads the index stream and resumes every
 * deployment not recorded as finished.
 *
 * <p>Each per-cluster apply is a propagation {@code <application>.<cluster>} of the federation layer, placed on that
 * one cluster, so its writes are orchestrator tasks keyed by cluster and propagation: two deployments of an
 * application never write one cluster's objects at once, and an apply of unchanged objects is no write at all.
 *
 * <p>Thread-safety: public methods may be called from any thread; a driver's state is touched only under its lock.
 */
public final class DeploymentController implements Deployments, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeploymentController.class);
    private static final URI SOURCE = URI.create("/scaleplane/deployments");
    private static final String GROUP = "scaleplane-deployment-controller";
    private static final int READ_PAGE = 500;
    /** Reconcile rounds per wake-up before yielding the thread to other deployments. */
    private static final int MAX_ROUNDS = 64;

    private final ScaleplanePlatform platform;
    private final TaskClock clock;
    private final DeploymentSettings settings;
    private final RateLimitedLog failures;
    private final EventRecorder announcements;
    private final ExecutorService executor;
    private final AnalysisRunner analysis;
    private final Map<String, Application> applications = new ConcurrentHashMap<>();
    /** Unfinished deployments, in request order. */
    private final Map<String, Driver> drivers = new LinkedHashMap<>();
    /** Deployments holding a concurrency slot. */
    private final Set<String> slots = new LinkedHashSet<>();
    /** Per application: cluster to the revision it runs, as completed deployments recorded it. */
    private final Map<String, Map<String, Revision>> revisions = new ConcurrentHashMap<>();

    private final SubmissionPublisher<DeploymentStatus> changes;
    private final Object requestLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Meters meters;
    private @Nullable Subscription subscription;
    private TaskClock.@Nullable Cancellable ticker;
    /** Set once a deployment has been placed: before that, the fleet may not even be installed. */
    private volatile boolean platformUsesFleet;

    private volatile Instant nextUtilization = Instant.MIN;
    private static final Duration UTILIZATION_INTERVAL = Duration.ofSeconds(5);

    /** What a completed deployment left on a cluster. */
    private record Revision(String deploymentId, String version) {}

    /** One unfinished deployment. */
    private final class Driver {
        volatile DeploymentAggregate state;
        final AtomicBoolean queued = new AtomicBoolean();
        volatile boolean dirty;
        final CompletableFuture<DeploymentStatus> finished = new CompletableFuture<>();

        @Nullable
        AnalysisRun run;

        int runWave = -1;
        volatile @Nullable AnalysisResult runResult;
        volatile @Nullable Throwable runError;

        @Nullable
        String runRecordError;

        final Map<String, Instant> replacedAt = new HashMap<>();

        Driver(DeploymentAggregate state) {
            this.state = state;
        }
    }

    /**
     * Creates the controller; {@link #start()} resumes what the store holds and starts consuming requests.
     *
     * @throws dev.scaleplane.api.ConfigurationException if a {@code scaleplane.deployments.*} setting is invalid
     */
    public DeploymentController(ScaleplanePlatform platform, TaskClock clock) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = DeploymentSettings.read(platform.config());
        this.failures = new RateLimitedLog(log, Duration.ofSeconds(30));
        this.announcements = new EventRecorder(failures, "Event of deployment");
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "scaleplane-deployments-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.analysis = new AnalysisRunner(platform.adapters(), platform.store(), clock, executor);
        this.changes = new SubmissionPublisher<>(executor, 1024);
        this.meters = new Meters(platform.meterRegistry());
    }

    /**
     * Validates the settings without creating a controller.
     *
     * @throws dev.scaleplane.api.ConfigurationException if a {@code scaleplane.deployments.*} setting is invalid
     */
    public static void validate(dev.scaleplane.api.spi.ConfigProperties config) {
        DeploymentSettings.read(config);
    }

    /** Resumes every unfinished deployment the index records, subscribes to requests, starts the ticker. */
    public DeploymentController start() {
        Set<String> unfinished = new LinkedHashSet<>();
        for (RecordedEvent r : readAll(INDEX_STREAM)) {
            String id = (String) data(r).get("deployment");
            if (r.event().type().equals(Steps.INDEX_REQUESTED)) {
                unfinished.add(id);
            } else if (r.event().type().equals(Steps.INDEX_FINISHED)) {
                unfinished.remove(id);
            }
        }
        for (String id : unfinished) {
            try {
                DeploymentAggregate state = load(id).orElseThrow(
                                () -> new IllegalStateException("the index lists deployment " + id + " but its stream "
                                        + Deployments.stream(id) + " is empty"));
                track(state);
            } catch (RuntimeException e) {
                log.error("deployment {} cannot be resumed: {}", id, e.toString());
            }
        }
        if (!unfinished.isEmpty()) {
            log.info("resumed {} unfinished deployments from the event store", unfinished.size());
        }
        subscription = platform.events()
                .subscribe(SubscriptionOptions.of(TOPIC, GROUP), DeploymentRequested.TYPE, this::onRequested);
        scheduleTick();
        return this;
    }

    // ---- the API ----

    @Override
    public Application define(Application application) {
        Objects.requireNonNull(application, "application");
        applications.put(application.name(), application);
        kickAll(); // deployments resumed before their application was defined can go on
        return application;
    }

    @Override
    public Optional<Application> application(String name) {
        return Optional.ofNullable(applications.get(name));
    }

    @Override
    public DeploymentStatus request(DeploymentRequest request) {
        Objects.requireNonNull(request, "request");
        checkOpen();
        Application app = applications.get(request.application());
        if (app == null) {
            throw new InvalidDeploymentException(
                    "application",
                    request.application(),
                    "an application defined with platform.deployments().define(...); defined: "
                            + new TreeSet<>(applications.keySet()));
        }
        List<Manifest> objects = app.manifests(request.version());
        DeploymentStatus status =
                record(request, objects.stream().map(Manifest::tree).toList(), null);
        publish(TOPIC, request.toEvent(), request.deploymentId());
        return status;
    }

    /** Records a request (or finds the same one recorded) and starts driving it. */
    private DeploymentStatus record(
            DeploymentRequest request, List<Map<String, Object>> manifests, @Nullable String refusal) {
        String id = request.deploymentId();
        synchronized (requestLock) {
            Optional<DeploymentAggregate> existing = load(id);
            if (existing.isPresent()) {
                DeploymentAggregate a = existing.get();
                String difference = difference(Objects.requireNonNull(a.request), request);
                if (difference != null) {
                    throw new DeploymentConflictException(id, difference);
                }
                if (!a.phase().terminal()) {
                    track(a);
                }
                return a.status();
            }
            DeploymentAggregate state = new DeploymentAggregate(id);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("request", DeploymentAggregate.encodeRequest(request));
            data.put("manifests", manifests);
            try {
                append(state, Steps.REQUESTED, data, ExpectedVersion.NO_STREAM);
            } catch (WrongExpectedVersionException e) {
                // Another controller recorded it first: compare with what it recorded.
                return record(request, manifests, refusal);
            }
            appendIndex(Steps.INDEX_REQUESTED, id, null);
            if (refusal != null) {
                append(state, Steps.REFUSED, Map.of("reason", refusal), null);
            }
            Driver d = track(state);
            return d.state.status();
        }
    }

    private static @Nullable String difference(DeploymentRequest before, DeploymentRequest now) {
        if (!before.application().equals(now.application())) {
            return "application " + before.application() + " was requested before, " + now.application() + " now";
        }
        if (!before.version().equals(now.version())) {
            return "version " + before.version() + " was requested before, " + now.version() + " now";
        }
        if (!before.environment().equals(now.environment())) {
            return "environment " + before.environment() + " was requested before, " + now.environment() + " now";
        }
        if (!before.clusters().equals(now.clusters())) {
            return "clusters " + before.clusters() + " were requested before, " + now.clusters() + " now";
        }
        if (before.flag() != now.flag()) {
            return "flag " + before.flag() + " was requested before, " + now.flag() + " now";
        }
        return null;
    }

    /** A {@code DeploymentRequested} from the bus: ours (already recorded) or another publisher's. */
    private void onRequested(Event<DeploymentRequested> event) {
        DeploymentRequested r = event.data();
        if (closed.get()) {
            return;
        }
        Optional<DeploymentAggregate> existing = load(r.deploymentId());
        if (existing.isPresent()) {
            if (!existing.get().phase().terminal()) {
                track(existing.get());
            }
            return;
        }
        DeploymentRequest request = new DeploymentRequest(
                r.deploymentId(),
                r.application(),
                r.version(),
                r.environment(),
                r.clusters(),
                r.requestedBy(),
                FreezeFlag.NONE,
                null,
                null);
        Application app = applications.get(r.application());
        if (app == null) {
            record(request, List.of(), "application " + r.application() + " is not defined on this platform");
            return;
        }
        List<Map<String, Object>> manifests;
        try {
            manifests = app.manifests(r.version()).stream().map(Manifest::tree).toList();
        } catch (InvalidDeploymentException e) {
            record(request, List.of(), e.getMessage());
            return;
        }
        record(request, manifests, null);
    }

    @Override
    public Optional<DeploymentStatus> status(String deploymentId) {
        Driver d = driver(deploymentId);
        if (d != null) {
            synchronized (d) {
                return Optional.of(d.state.status());
            }
        }
        return load(deploymentId).map(DeploymentAggregate::status);
    }

    @Override
    public List<DeploymentStatus> active() {
        List<DeploymentStatus> result = new ArrayList<>();
        for (Driver d : drivers()) {
            synchronized (d) {
                if (!d.state.phase().terminal()) {
                    result.add(d.state.status());
                }
            }
        }
        return result;
    }

    @Override
    public CompletableFuture<DeploymentStatus> whenFinished(String deploymentId) {
        Driver d = driver(deploymentId);
        if (d != null) {
            return d.finished.copy();
        }
        DeploymentAggregate a = load(deploymentId)
                .orElseThrow(
                        () -> new UnknownDeploymentException("deployment " + deploymentId + " was never requested"));
        if (a.phase().terminal()) {
            return CompletableFuture.completedFuture(a.status());
        }
        return track(a).finished.copy();
    }

    @Override
    public DeploymentStatus pause(String deploymentId, String actor) {
        return control(deploymentId, Steps.PAUSED, actor, null);
    }

    @Override
    public DeploymentStatus resume(String deploymentId, String actor) {
        return control(deploymentId, Steps.RESUMED, actor, null);
    }

    @Override
    public DeploymentStatus promote(String deploymentId, String actor) {
        return control(deploymentId, Steps.PROMOTED, actor, null);
    }

    @Override
    public DeploymentStatus abort(String deploymentId, String actor, String reason) {
        return control(deploymentId, Steps.ABORTED, actor, Objects.requireNonNull(reason, "reason"));
    }

    private DeploymentStatus control(String id, String kind, String actor, @Nullable String reason) {
        if (actor == null || actor.isBlank()) {
            throw new InvalidDeploymentException("actor", actor, "who " + kind + " the deployment, recorded with it");
        }
        checkOpen();
        Driver d = driver(id);
        if (d == null) {
            DeploymentAggregate a = load(id).orElseThrow(() -> new UnknownDeploymentException(
                    "cannot " + verb(kind) + " deployment " + id + ": it was never requested"));
            if (a.phase().terminal()) {
                throw new UnknownDeploymentException(
                        "cannot " + verb(kind) + " deployment " + id + ": it has finished (" + a.phase() + ")");
            }
            d = track(a);
        }
        synchronized (d) {
            DeploymentAggregate a = d.state;
            if (a.phase().terminal()) {
                throw new UnknownDeploymentException(
                        "cannot " + verb(kind) + " deployment " + id + ": it has finished (" + a.phase() + ")");
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("actor", actor);
            if (reason != null) {
                data.put("reason", reason);
            }
            append(a, kind, data, null);
            progress(a, kind, -1, null, actor + (reason == null ? "" : ": " + reason));
            DeploymentStatus status = a.status();
            kick(d);
            return status;
        }
    }

    private static String verb(String kind) {
        return switch (kind) {
            case Steps.PAUSED -> "pause";
            case Steps.RESUMED -> "resume";
            case Steps.PROMOTED -> "promote";
            default -> "abort";
        };
    }

    @Override
    public Flow.Publisher<DeploymentStatus> changes() {
        return changes;
    }

    // ---- driving ----

    private Driver track(DeploymentAggregate state) {
        Driver d;
        boolean created = false;
        synchronized (drivers) {
            d = drivers.get(state.id);
            if (d == null) {
                d = new Driver(state);
                drivers.put(state.id, d);
                created = true;
            }
        }
        if (created && state.started() && !state.phase().terminal()) {
            synchronized (slots) {
                slots.add(state.id); // resumed mid-rollout: it held a slot when it stopped
                meters.active(slots.size());
            }
        }
        kick(d);
        return d;
    }

    private @Nullable Driver driver(String id) {
        synchronized (drivers) {
            return drivers.get(id);
        }
    }

    private List<Driver> drivers() {
        synchronized (drivers) {
            return new ArrayList<>(drivers.values());
        }
    }

    private void kickAll() {
        for (Driver d : drivers()) {
            kick(d);
        }
    }

    private void kick(Driver d) {
        d.dirty = true;
        if (closed.get() || !d.queued.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> run(d));
        } catch (RuntimeException e) {
            d.queued.set(false); // closing
        }
    }

    private void run(Driver d) {
        try {
            for (int round = 0; d.dirty && round < MAX_ROUNDS && !closed.get(); round++) {
                d.dirty = false;
                synchronized (d) {
                    if (reconcile(d)) {
                        d.dirty = true; // progress: look again at once
                    }
                }
            }
        } catch (WrongExpectedVersionException e) {
            // Another controller recorded a step: take its view and go on from there.
            reload(d);
            d.dirty = true;
        } catch (RuntimeException e) {
            failures.warn("reconcile-" + d.state.id, "deployment {}: {} (retrying)", d.state.id, String.valueOf(e), e);
        } finally {
            d.queued.set(false);
        }
        if (d.dirty && !closed.get()) {
            kick(d);
        }
    }

    private void reload(Driver d) {
        synchronized (d) {
            d.state = load(d.state.id).orElseThrow();
        }
    }

    /**
     * One step of a deployment.
     *
     * @return whether a step was recorded (so another may follow at once)
     */
    private boolean reconcile(Driver d) {
        DeploymentAggregate a = d.state;
        DeploymentRequest r = Objects.requireNonNull(a.request);
        if (a.phase().terminal()) {
            finish(d);
            return false;
        }
        Application app = applications.get(r.application());
        if (app == null) {
            failures.warn(
                    "undefined-" + r.application(),
                    "deployment {} waits: application {} is not defined in this process (define it at start-up)",
                    a.id,
                    r.application());
            return false;
        }
        if (!a.admitted) {
            return guard(a, app);
        }
        if (a.abortRequested && !a.rollbackStarted) {
            return startRollback(a, a.reason == null ? "aborted" : a.reason, null);
        }
        if (a.rollbackStarted) {
            return rollBack(d, app);
        }
        if (a.paused) {
            return false;
        }
        if (!a.started() && !acquireSlot(d)) {
            if (!a.queued) {
                append(a, Steps.QUEUED, Map.of("reason", queueReason(r.application())), null);
                return true;
            }
            return false;
        }
        if (app.ciAdapter().isPresent() && !a.ciDone) {
            return ci(a, app);
        }
        if (a.ciFailed) {
            return fail(a, "the CI run " + a.ciRun + " did not succeed", null);
        }
        if (!a.placed) {
            return place(a, app);
        }
        return roll(d, app);
    }

    private boolean guard(DeploymentAggregate a, Application app) {
        DeploymentRequest r = Objects.requireNonNull(a.request);
        AdmissionRequest admission = r.flag() == FreezeFlag.NONE
                ? AdmissionRequest.of(app.name(), a.id)
                : AdmissionRequest.flagged(
                        app.name(), a.id, r.flag(), Objects.requireNonNull(r.flaggedBy()), r.justification());
        AdmissionDecision decision = platform.slos().admit(admission);
        if (!decision.admitted()) {
            String reason = "refused by the error-budget policy: " + decision.reason();
            append(a, Steps.REFUSED, Map.of("reason", reason), null);
            progress(a, Steps.REFUSED, -1, null, reason);
            return true;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reason", decision.reason());
        data.put("frozen", decision.frozen());
        data.put("flag", r.flag().name());
        data.put("flaggedBy", r.flaggedBy());
        append(a, Steps.ADMITTED, data, null);
        return true;
    }

    private String queueReason(String application) {
        synchronized (slots) {
            long mine = slots.stream()
                    .filter(id -> applicationOf(id).equals(application))
                    .count();
            return mine >= settings.maxConcurrentPerApplication()
                    ? "waiting: " + mine + " deployment(s) of " + application + " in progress (max "
                            + settings.maxConcurrentPerApplication() + ", "
                            + DeploymentSettings.MAX_CONCURRENT_PER_APPLICATION
                            + ")"
                    : "waiting: " + slots.size() + " deployments in progress (max " + settings.maxConcurrent() + ", "
                            + DeploymentSettings.MAX_CONCURRENT + ")";
        }
    }

    private String applicationOf(String id) {
        Driver d = driver(id);
        return d == null || d.state.request == null ? "" : d.state.request.application();
    }

    /** Takes a slot if the limits allow and no earlier request of the same application waits. */
    private boolean acquireSlot(Driver d) {
        String application = Objects.requireNonNull(d.state.request).application();
        synchronized (slots) {
            if (slots.contains(d.state.id)) {
                return true;
            }
            if (slots.size() >= settings.maxConcurrent()) {
                return false;
            }
            long mine = slots.stream()
                    .filter(id -> applicationOf(id).equals(application))
                    .count();
            if (mine >= settings.maxConcurrentPerApplication()) {
                return false;
            }
            for (Driver o : drivers()) {
                if (o == d) {
                    break;
                }
                DeploymentAggregate s = o.state;
                if (!s.started()
                        && !s.phase().terminal()
                        && s.request != null
                        && s.request.application().equals(application)) {
                    return false; // first come, first served within an application
                }
            }
            slots.add(d.state.id);
            meters.active(slots.size());
            return true;
        }
    }

    private void releaseSlot(String id) {
        boolean released;
        synchronized (slots) {
            released = slots.remove(id);
            meters.active(slots.size());
        }
        if (released) {
            kickAll(); // a queued deployment may start
        }
    }

    private boolean ci(DeploymentAggregate a, Application app) {
        String adapterName = app.ciAdapter().orElseThrow();
        String pipeline = app.ciPipeline().orElseThrow();
        CiAdapter ci = platform.adapters().ci(adapterName);
        String version = Objects.requireNonNull(a.request).version();
        if (a.ciRun == null) {
            CiRun run = ci.trigger(new CiTrigger(pipeline, version, Map.of("deployment", a.id)));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("adapter", adapterName);
            data.put("pipeline", pipeline);
            data.put("run", run.id());
            data.put("url", run.url().toString());
            append(a, Steps.CI_TRIGGERED, data, null);
            progress(a, Steps.CI_TRIGGERED, -1, null, "CI run " + run.id() + " of " + pipeline + ": " + run.url());
            return true;
        }
        CiRun run = ci.status(a.ciRun);
        if (run.status() != CiStatus.SUCCEEDED
                && run.status() != CiStatus.FAILED
                && run.status() != CiStatus.CANCELLED) {
            return false;
        }
        boolean ok = run.status() == CiStatus.SUCCEEDED;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("run", run.id());
        data.put("status", run.status().name());
        data.put("conclusion", run.conclusion());
        data.put("ok", ok);
        append(a, Steps.CI_COMPLETED, data, null);
        progress(a, Steps.CI_COMPLETED, -1, null, "CI run " + run.id() + " " + run.status());
        return true;
    }

    private boolean place(DeploymentAggregate a, Application app) {
        DeploymentRequest r = Objects.requireNonNull(a.request);
        Fleet fleet = platform.federation();
        usingFleet();
        List<String> chosen;
        String explanation;
        if (!r.clusters().isEmpty()) {
            for (String c : r.clusters()) {
                if (fleet.cluster(c).isEmpty()) {
                    return fail(a, "cluster " + c + " named by the request is not registered in the fleet", null);
                }
            }
            chosen = r.clusters();
            explanation = "the clusters named by the request: " + chosen;
        } else {
            PlacementDecision decision = fleet.place(app.placement());
            if (!decision.satisfied()) {
                String why = "placement: " + decision.failureReason().orElse("no cluster chosen");
                // Clusters may be briefly not ready (a probe missed): wait for them up to the progress deadline.
                Instant giveUp =
                        Objects.requireNonNull(a.requestedAt).plus(app.rollout().progressDeadline());
                if (clock.now().isBefore(giveUp)) {
                    failures.warn("place-" + a.id, "deployment {} waits until {}: {}", a.id, giveUp, why);
                    return false;
                }
                return fail(a, why + " (waited " + app.rollout().progressDeadline() + ")", null);
            }
            chosen = decision.chosenNames();
            explanation = decision.explain();
        }
        Map<String, String> regions = new HashMap<>();
        for (String c : chosen) {
            fleet.cluster(c).ifPresent(s -> regions.put(c, s.spec().region()));
        }
        List<List<String>> waves = WavePlanner.plan(chosen, regions, app.rollout());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("clusters", chosen);
        data.put("waves", waves);
        data.put("regions", regions);
        data.put("explanation", explanation);
        append(a, Steps.PLACED, data, null);
        progress(a, Steps.PLACED, -1, null, waves.size() + " waves: " + waves);
        return true;
    }

    /** The waves: apply, wait for readiness, soak, analyse, next. */
    private boolean roll(Driver d, Application app) {
        DeploymentAggregate a = d.state;
        usingFleet();
        DeploymentRequest r = Objects.requireNonNull(a.request);
        int w = a.wave;
        if (w < 0) {
            return fail(a, "placement chose no cluster", null);
        }
        if (!a.wavesStarted.contains(w)) {
            append(a, Steps.WAVE_STARTED, Map.of("wave", w, "clusters", a.waves.get(w)), null);
            if (w == 0) {
                publish(
                        TOPIC,
                        new DeploymentStarted(
                                a.id, r.application(), r.version(), String.join(",", a.waves.get(0)), "waves"),
                        a.id);
                annotateStart(a, app);
            }
            progress(a, Steps.WAVE_STARTED, w, null, "wave " + w + " of " + a.waves.size() + ": " + a.waves.get(w));
            return true;
        }
        Instant now = clock.now();
        int inFlight = 0;
        for (DeploymentAggregate.Cluster c : a.wave(w)) {
            switch (c.state) {
                case APPLYING -> {
                    // Recorded as applying, not as applied: the process stopped in between. The propagation is
                    // idempotent by content, so this apply changes nothing if the first one happened.
                    apply(a, app, c);
                    return true;
                }
                case APPLIED -> {
                    String failure = readiness(a, app, c, now);
                    if (failure == null) {
                        append(a, Steps.CLUSTER_READY, Map.of("cluster", c.name), null);
                        progress(a, Steps.CLUSTER_READY, w, c.name, null);
                        Instant lostAt = d.replacedAt.remove(c.name);
                        if (lostAt != null) {
                            meters.recovery(Duration.between(lostAt, clock.now()));
                        }
                        return true;
                    }
                    if (!failure.isEmpty()) {
                        append(a, Steps.CLUSTER_FAILED, Map.of("cluster", c.name, "reason", failure), null);
                        progress(a, Steps.CLUSTER_FAILED, w, c.name, failure);
                        return true;
                    }
                    inFlight++;
                }
                case FAILED -> {
                    return startRollback(a, "cluster " + c.name + " failed: " + c.message, c.name);
                }
                default -> {}
            }
        }
        for (DeploymentAggregate.Cluster c : a.wave(w)) {
            if (c.state != ClusterRolloutState.PENDING
                    || inFlight >= app.rollout().maxUnavailable()) {
                continue;
            }
            Optional<ClusterState> health = platform.federation().cluster(c.name);
            if (health.isEmpty() || health.get().health() != ClusterHealth.READY) {
                return replace(
                        d,
                        app,
                        c,
                        health.map(s -> "cluster " + c.name + " is " + s.health())
                                .orElse("cluster " + c.name + " left the fleet"));
            }
            Timer.Sample sample = meters.overheadStart();
            Revision previous = revisions(r.application()).get(c.name);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("cluster", c.name);
            data.put("wave", w);
            data.put("previousVersion", previous == null ? null : previous.version());
            data.put("previousDeployment", previous == null ? null : previous.deploymentId());
            append(a, Steps.CLUSTER_APPLYING, data, null);
            apply(a, app, c);
            meters.overheadStop(sample);
            return true;
        }
        for (DeploymentAggregate.Cluster c : a.wave(w)) {
            if (c.state != ClusterRolloutState.READY) {
                return false; // waiting for readiness (the ticker looks again)
            }
        }
        boolean last = w == a.waves.size() - 1;
        if (last) {
            append(a, Steps.WAVE_COMPLETED, Map.of("wave", w), null);
            append(a, Steps.COMPLETED, Map.of("clusters", clusters(a)), null);
            progress(a, Steps.COMPLETED, w, null, "every cluster runs " + r.version());
            return true;
        }
        if (!a.wavesReady.containsKey(w)) {
            append(a, Steps.WAVE_READY, Map.of("wave", w), null);
            return true;
        }
        if (!a.promoted) {
            Instant soaked = a.wavesReady.get(w).plus(app.rollout().minSuccessTime());
            if (now.isBefore(soaked)) {
                return false; // the ticker looks again
            }
            if (!app.rollout().analysis().isNone() && !a.analyses.containsKey(w)) {
                return analyse(d, app, w);
            }
            String outcome = a.analyses.get(w);
            if (AnalysisPhase.FAILED.name().equals(outcome)
                    || AnalysisPhase.ERROR.name().equals(outcome)) {
                return startRollback(
                        a, "analysis after wave " + w + " " + outcome + ": " + a.analysisMessages.get(w), null);
            }
        }
        append(a, Steps.WAVE_COMPLETED, Map.of("wave", w), null);
        progress(a, Steps.WAVE_COMPLETED, w, null, null);
        return true;
    }

    private static List<String> clusters(DeploymentAggregate a) {
        List<String> result = new ArrayList<>();
        for (DeploymentAggregate.Cluster c : a.clusters.values()) {
            if (c.state != ClusterRolloutState.REPLACED) {
                result.add(c.name);
            }
        }
        return result;
    }

    /** The cluster is unreachable before its apply: placement picks a replacement with the same policy. */
    private boolean replace(Driver d, Application app, DeploymentAggregate.Cluster lost, String why) {
        DeploymentAggregate a = d.state;
        Fleet fleet = platform.federation();
        String by = null;
        String explanation = "";
        if (Objects.requireNonNull(a.request).clusters().isEmpty()) {
            PlacementDecision decision = fleet.simulate(
                    app.placement(), WhatIf.builder().clusterDown(lost.name).build());
            explanation = decision.explain();
            for (String c : decision.chosenNames()) {
                if (!a.clusters.containsKey(c)) {
                    by = c;
                    break;
                }
            }
        }
        if (by == null) {
            failures.warn(
                    "replace-" + a.id + lost.name,
                    "deployment {}: {} and placement has no other cluster for it; waiting for it to return",
                    a.id,
                    why);
            return false;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cluster", lost.name);
        data.put("by", by);
        data.put("reason", why);
        data.put("explanation", explanation);
        append(a, Steps.CLUSTER_REPLACED, data, null);
        d.replacedAt.put(by, clock.now());
        progress(a, Steps.CLUSTER_REPLACED, lost.wave, lost.name, why + "; replaced by " + by);
        return true;
    }

    private void apply(DeploymentAggregate a, Application app, DeploymentAggregate.Cluster c) {
        List<Manifest> objects = a.manifests.stream().map(m -> Manifest.of(m)).toList();
        propagate(app.name(), c.name, objects);
        append(a, Steps.CLUSTER_APPLIED, Map.of("cluster", c.name), null);
        progress(a, Steps.CLUSTER_APPLIED, c.wave, c.name, null);
    }

    private Propagation propagate(String application, String cluster, List<Manifest> objects) {
        return platform.federation().propagate(clusterPropagation(application, cluster, objects));
    }

    /**
     * The propagation that applies {@code objects} of {@code application} to one cluster, as a rollout does; public
     * for the benchmark that measures the controller against these propagations made directly.
     */
    public static PropagationRequest clusterPropagation(String application, String cluster, List<Manifest> objects) {
        return PropagationRequest.builder(propagationId(application, cluster))
                .objects(objects)
                // Pinned to the cluster: the rollout chooses clusters, not failover; and an unreachable
                // cluster stays chosen so that a rollback catches up when it returns.
                .placement(PlacementPolicy.builder()
                        .clusters(cluster)
                        .tolerate(Toleration.exists(Taint.UNREACHABLE))
                        .tolerate(Toleration.exists(Taint.NOT_READY))
                        .build())
                .failover(false)
                .build();
    }

    /**
     * {@code <application>--<cluster>}: a DNS label, as propagation ids are; past 63 characters the tail is a hash,
     * so distinct pairs stay distinct.
     */
    public static String propagationId(String application, String cluster) {
        String id = application + "--" + cluster;
        if (id.length() <= 63) {
            return id;
        }
        String hash = Integer.toHexString(id.hashCode() & 0x7fffffff);
        return id.substring(0, 62 - hash.length()).replaceAll("-+$", "") + "-" + hash;
    }

    /**
     * Whether an applied cluster is ready.
     *
     * @return {@code null} when ready, empty while it may still become ready, else why it failed
     */
    private @Nullable String readiness(
            DeploymentAggregate a, Application app, DeploymentAggregate.Cluster c, Instant now) {
        Optional<Propagation> p = platform.federation().propagation(propagationId(app.name(), c.name));
        Optional<ClusterPropagationStatus> s = p.flatMap(x -> x.status().cluster(c.name));
        if (s.isPresent() && s.get().state() == WorkloadState.READY) {
            return null;
        }
        if (s.isPresent() && s.get().state() == WorkloadState.ERR_APPLIED) {
            return "the apply was refused: " + s.get().message();
        }
        Instant deadline =
                Objects.requireNonNull(c.appliedAt).plus(app.rollout().progressDeadline());
        if (!now.isBefore(deadline)) {
            return "not ready within the progress deadline of " + app.rollout().progressDeadline()
                    + s.map(x -> " (" + x.state() + (x.message().isEmpty() ? "" : ": " + x.message()) + ")")
                            .orElse("");
        }
        return "";
    }

    private boolean analyse(Driver d, Application app, int w) {
        DeploymentAggregate a = d.state;
        DeploymentRequest r = Objects.requireNonNull(a.request);
        if (d.run != null && d.runWave == w) {
            AnalysisResult result = d.runResult;
            Throwable error = d.runError;
            if (result == null && error == null) {
                return false; // measuring
            }
            String phase = result != null ? result.phase().name() : AnalysisPhase.ERROR.name();
            String message = result != null ? result.message() : "the analysis stopped: " + error;
            append(a, Steps.ANALYSIS_COMPLETED, Map.of("wave", w, "phase", phase, "message", message), null);
            progress(a, Steps.ANALYSIS_COMPLETED, w, null, phase + ": " + message);
            d.run = null;
            if (AnalysisPhase.INCONCLUSIVE.name().equals(phase)) {
                // Argo's rule: an inconclusive analysis pauses for a person to resume (go on) or abort.
                append(a, Steps.PAUSED, Map.of("actor", "analysis", "reason", "inconclusive: " + message), null);
                progress(a, Steps.PAUSED, w, null, "inconclusive analysis: " + message);
            }
            return true;
        }
        List<Measurement> prior = new ArrayList<>();
        for (Map<String, Object> m : a.measurements.getOrDefault(w, List.of())) {
            Object value = m.get("value");
            prior.add(new Measurement(
                    (String) m.get("metric"),
                    Instant.parse((String) m.get("at")),
                    value == null ? null : ((Number) value).doubleValue(),
                    MeasurementPhase.valueOf((String) m.get("phase")),
                    String.valueOf(m.get("message"))));
        }
        Map<String, String> args = new LinkedHashMap<>();
        args.put("service", r.application());
        args.put("application", r.application());
        args.put("version", r.version());
        args.put("deployment", a.id);
        args.put("environment", r.environment());
        args.put("wave", String.valueOf(w));
        args.put("cluster", String.join(",", a.waves.get(w)));
        d.runResult = null;
        d.runError = null;
        d.runWave = w;
        AnalysisRun run;
        try {
            run = analysis.start(app.rollout().analysis(), args, prior, m -> {
                synchronized (d) {
                    DeploymentAggregate current = d.state; // a reload may have replaced the state
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("wave", w);
                    data.put("metric", m.metric());
                    data.put("at", m.at().toString());
                    data.put("value", m.value());
                    data.put("phase", m.phase().name());
                    data.put("message", m.message());
                    append(current, Steps.ANALYSIS_MEASUREMENT, data, null);
                    progress(
                            current,
                            Steps.ANALYSIS_MEASUREMENT,
                            w,
                            null,
                            m.metric() + " = " + m.value() + " " + m.phase());
                }
            });
        } catch (RuntimeException e) {
            // An analysis that cannot start (a placeholder without a value, an adapter that is not configured) is
            // an analysis that errs: the wave is not promoted on it.
            String message = "the analysis cannot start: " + e.getMessage();
            append(
                    a,
                    Steps.ANALYSIS_COMPLETED,
                    Map.of("wave", w, "phase", AnalysisPhase.ERROR.name(), "message", message),
                    null);
            progress(a, Steps.ANALYSIS_COMPLETED, w, null, message);
            return true;
        }
        d.run = run;
        run.result().whenComplete((result, error) -> {
            d.runResult = result;
            d.runError = error;
            kick(d);
        });
        return false;
    }

    // ---- failure and rollback ----

    /** Fails a deployment that changed no cluster. */
    private boolean fail(DeploymentAggregate a, String reason, @Nullable String cluster) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reason", reason);
        data.put("cluster", cluster);
        append(a, Steps.FAILED, data, null);
        progress(a, Steps.FAILED, a.wave, cluster, reason);
        return true;
    }

    private boolean startRollback(DeploymentAggregate a, String reason, @Nullable String cluster) {
        boolean changed = a.clusters.values().stream().anyMatch(DeploymentAggregate.Cluster::changed);
        if (!changed) {
            return fail(a, reason, cluster);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reason", reason);
        data.put("cluster", cluster);
        append(a, Steps.ROLLBACK_STARTED, data, null);
        progress(a, Steps.ROLLBACK_STARTED, a.wave, cluster, reason);
        return true;
    }

    /** Compensation: every cluster this deployment changed goes back to what it ran before, newest wave first. */
    private boolean rollBack(Driver d, Application app) {
        DeploymentAggregate a = d.state;
        DeploymentRequest r = Objects.requireNonNull(a.request);
        if (d.run != null) {
            d.run.cancel();
            d.run = null;
        }
        List<DeploymentAggregate.Cluster> changed = new ArrayList<>();
        for (DeploymentAggregate.Cluster c : a.clusters.values()) {
            if (c.changed()) {
                changed.add(c);
            }
        }
        changed.sort((x, y) -> Integer.compare(y.wave, x.wave));
        String reason = a.reason == null ? "rolled back" : a.reason;
        for (DeploymentAggregate.Cluster c : changed) {
            if (c.previousDeployment != null) {
                propagate(app.name(), c.name, manifestsOf(c.previousDeployment));
            } else {
                platform.federation()
                        .propagation(propagationId(app.name(), c.name))
                        .ifPresent(p -> p.delete(false)); // the application was new there: remove it
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("cluster", c.name);
            data.put("toVersion", c.previousVersion);
            data.put("removed", c.previousDeployment == null);
            append(a, Steps.CLUSTER_ROLLED_BACK, data, null);
            publish(
                    TOPIC,
                    new DeploymentRolledBack(
                            a.id,
                            r.application(),
                            r.version(),
                            c.previousVersion == null ? "none" : c.previousVersion,
                            c.name,
                            reason),
                    a.id);
            progress(a, Steps.CLUSTER_ROLLED_BACK, c.wave, c.name, "back to " + c.previousVersion);
            return true;
        }
        append(a, Steps.ROLLED_BACK, Map.of(), null);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reason", reason);
        data.put("cluster", a.failedCluster);
        append(a, Steps.FAILED, data, null);
        progress(a, Steps.FAILED, a.wave, a.failedCluster, reason);
        return true;
    }

    private List<Manifest> manifestsOf(String deploymentId) {
        List<RecordedEvent> first =
                platform.store().readStream(Deployments.stream(deploymentId), ReadDirection.FORWARD, 0, 1);
        if (first.isEmpty() || !first.get(0).event().type().equals(Steps.type(Steps.REQUESTED))) {
            throw new ScaleplaneException("cannot roll back to deployment " + deploymentId + ": its stream "
                    + Deployments.stream(deploymentId) + " does not start with its request");
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> trees =
                (List<Map<String, Object>>) data(first.get(0)).get("manifests");
        return trees.stream().map(m -> Manifest.of(m)).toList();
    }

    // ---- finishing ----

    private void finish(Driver d) {
        DeploymentAggregate a = d.state;
        DeploymentRequest r = Objects.requireNonNull(a.request);
        DeploymentPhase phase = a.phase();
        if (d.run != null) {
            d.run.cancel();
            d.run = null;
        }
        Application app = applications.get(r.application());
        Set<String> notified = a.notified;
        if (phase == DeploymentPhase.COMPLETED && !notified.contains("completed")) {
            Map<String, Revision> revs = revisions(r.application());
            for (String c : clusters(a)) {
                revs.put(c, new Revision(a.id, r.version()));
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("deployment", a.id);
            data.put("version", r.version());
            data.put("clusters", clusters(a));
            appendTo(Steps.revisionStream(r.application()), Steps.REVISION, data, a.id);
            Duration took = Duration.between(a.startedAt == null ? a.requestedAt : a.startedAt, a.finishedAt);
            publish(
                    TOPIC,
                    new DeploymentCompleted(a.id, r.application(), r.version(), String.join(",", clusters(a)), took),
                    a.id);
            notify(a, "completed", null);
        } else if (phase == DeploymentPhase.FAILED && !notified.contains("failed")) {
            String reason = a.reason == null ? "failed" : a.reason;
            publish(
                    TOPIC,
                    new DeploymentFailed(
                            a.id,
                            r.application(),
                            r.version(),
                            a.failedCluster == null ? "-" : a.failedCluster,
                            reason,
                            false),
                    a.id);
            notify(a, "failed", null);
            if (app != null) {
                ticket(a, app, reason);
            }
            publish(
                    NOTIFICATIONS_TOPIC,
                    new DeploymentNotification(
                            a.id,
                            r.application(),
                            r.version(),
                            "error",
                            "Deployment of " + r.application() + " " + r.version() + " failed",
                            reason + (a.rolledBack ? "; rolled back: " + rolledBack(a) : "")),
                    a.id);
        } else if (phase == DeploymentPhase.REFUSED && !notified.contains("refused")) {
            notify(a, "refused", null);
            publish(
                    NOTIFICATIONS_TOPIC,
                    new DeploymentNotification(
                            a.id,
                            r.application(),
                            r.version(),
                            "warning",
                            "Deployment of " + r.application() + " " + r.version() + " refused",
                            String.valueOf(a.reason)),
                    a.id);
        }
        if (app != null && a.startedAt != null && !notified.contains("annotation-end")) {
            annotateEnd(a, app);
        }
        if (!notified.contains("indexed")) {
            appendIndex(Steps.INDEX_FINISHED, a.id, phase.name());
            notify(a, "indexed", null);
            meters.finished(a);
        }
        synchronized (drivers) {
            drivers.remove(a.id);
        }
        releaseSlot(a.id);
        d.finished.complete(a.status());
    }

    private static String rolledBack(DeploymentAggregate a) {
        List<String> names = new ArrayList<>();
        for (DeploymentAggregate.Cluster c : a.clusters.values()) {
            if (c.state == ClusterRolloutState.ROLLED_BACK) {
                names.add(c.name + " to " + (c.previousVersion == null ? "nothing (removed)" : c.previousVersion));
            }
        }
        return String.join(", ", names);
    }

    /** Records that a side effect happened, so a resumed controller does not do it twice. */
    private void notify(DeploymentAggregate a, String channel, @Nullable String message) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("channel", channel);
        data.put("message", message);
        append(a, Steps.NOTIFIED, data, null);
    }

    private void ticket(DeploymentAggregate a, Application app, String reason) {
        if (app.issueTracker().isEmpty()) {
            return;
        }
        DeploymentRequest r = Objects.requireNonNull(a.request);
        String body = "Deployment " + a.id + " of " + r.application() + " " + r.version() + " failed: " + reason
                + (a.rolledBack ? "\n\nRolled back: " + rolledBack(a) : "") + "\n\nStream: " + Deployments.stream(a.id);
        try {
            var issue = platform.adapters()
                    .issues(app.issueTracker().get())
                    .upsert(
                            "scaleplane-deployments-" + r.application(),
                            NewIssue.builder(
                                            app.issueProject().orElseThrow(),
                                            "Deployments of " + r.application() + " are failing")
                                    .body(body)
                                    .labels("scaleplane", "deployment-failed")
                                    .build(),
                            body);
            notify(a, "ticket", issue.id());
        } catch (RuntimeException e) {
            failures.warn(
                    "ticket-" + r.application(),
                    "deployment {}: the ticket in {} was not filed: {}",
                    a.id,
                    app.issueTracker().get(),
                    e.toString());
            notify(a, "ticket", "not filed: " + e.getMessage());
        }
    }

    private void annotateStart(DeploymentAggregate a, Application app) {
        if (app.annotations().isEmpty()) {
            return;
        }
        DeploymentRequest r = Objects.requireNonNull(a.request);
        annotate(
                a,
                app,
                "annotation-start",
                Annotation.of("Deploying " + r.application() + " " + r.version(), clock.now(), tags(a, "started")));
    }

    private void annotateEnd(DeploymentAggregate a, Application app) {
        if (app.annotations().isEmpty()) {
            return;
        }
        DeploymentRequest r = Objects.requireNonNull(a.request);
        Instant end = a.finishedAt == null ? clock.now() : a.finishedAt;
        annotate(
                a,
                app,
                "annotation-end",
                Annotation.span(
                        "Deployment of " + r.application() + " " + r.version() + " "
                                + a.phase().name().toLowerCase(),
                        Objects.requireNonNull(a.startedAt),
                        end,
                        tags(a, a.phase().name().toLowerCase())));
    }

    private void annotate(DeploymentAggregate a, Application app, String channel, Annotation annotation) {
        String adapter = app.annotations().orElseThrow();
        try {
            Annotation made = platform.adapters().observability(adapter).annotate(annotation);
            notify(a, channel, made.id());
        } catch (RuntimeException e) {
            failures.warn("annotate-" + adapter, "deployment {}: no annotation in {}: {}", a.id, adapter, e.toString());
            notify(a, channel, "not annotated: " + e.getMessage());
        }
    }

    private static Set<String> tags(DeploymentAggregate a, String outcome) {
        DeploymentRequest r = Objects.requireNonNull(a.request);
        return Set.of("deployment", "application:" + r.application(), "version:" + r.version(), "outcome:" + outcome);
    }

    // ---- recording and reading ----

    /**
     * Appends a step to the deployment's stream (waiting: a step not recorded must not be acted on) and folds it.
     *
     * @param expected the expectation, or {@code null} for the version the state was rebuilt at
     */
    private void append(
            DeploymentAggregate a, String kind, Map<String, Object> data, @Nullable ExpectedVersion expected) {
        Event<Map<String, Object>> event = Event.builder(Steps.type(kind), data)
                .source(SOURCE)
                .subject(a.id)
                .correlationId(a.id)
                .time(clock.now())
                .build();
        ExpectedVersion e = expected != null
                ? expected
                : a.version < 0 ? ExpectedVersion.NO_STREAM : ExpectedVersion.exactly(a.version);
        AppendResult result;
        try {
            result = platform.store()
                    .append(Deployments.stream(a.id), e, List.of(event))
                    .join();
        } catch (CompletionException ex) {
            if (ex.getCause() instanceof WrongExpectedVersionException w) {
                throw w;
            }
            throw new ScaleplaneException(
                    "deployment " + a.id + ": step " + kind + " not recorded in the event store (stream "
                            + Deployments.stream(a.id) + "): " + ex.getCause(),
                    ex.getCause());
        }
        a.apply(result.lastVersion(), kind, data, event.time());
        meters.step();
        if (!kind.equals(Steps.NOTIFIED)) {
            changes.offer(a.status(), null);
        }
    }

    private void appendIndex(String type, String id, @Nullable String phase) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("deployment", id);
        if (phase != null) {
            data.put("phase", phase);
        }
        appendTo(INDEX_STREAM, type, data, id);
    }

    private void appendTo(String stream, String type, Map<String, Object> data, String subject) {
        platform.store()
                .append(
                        stream,
                        ExpectedVersion.ANY,
                        List.of(Event.builder(type, data)
                                .source(SOURCE)
                                .subject(subject)
                                .time(clock.now())
                                .build()))
                .join();
    }

    private Optional<DeploymentAggregate> load(String id) {
        List<RecordedEvent> events = readAll(Deployments.stream(id));
        if (events.isEmpty()) {
            return Optional.empty();
        }
        DeploymentAggregate a = new DeploymentAggregate(id);
        for (RecordedEvent r : events) {
            a.apply(
                    r.version(),
                    Steps.kind(r.event().type()),
                    data(r),
                    r.event().time());
        }
        return Optional.of(a);
    }

    private Map<String, Revision> revisions(String application) {
        return revisions.computeIfAbsent(application, app -> {
            Map<String, Revision> result = new ConcurrentHashMap<>();
            for (RecordedEvent r : readAll(Steps.revisionStream(app))) {
                Map<String, Object> data = data(r);
                @SuppressWarnings("unchecked")
                List<String> clusters = (List<String>) data.get("clusters");
                for (String c : clusters) {
                    result.put(c, new Revision((String) data.get("deployment"), (String) data.get("version")));
                }
            }
            return result;
        });
    }

    private List<RecordedEvent> readAll(String stream) {
        List<RecordedEvent> all = new ArrayList<>();
        long from = 0;
        while (true) {
            List<RecordedEvent> page = platform.store().readStream(stream, ReadDirection.FORWARD, from, READ_PAGE);
            all.addAll(page);
            if (page.size() < READ_PAGE) {
                return all;
            }
            from = page.get(page.size() - 1).version() + 1;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(RecordedEvent r) {
        Object d = r.event().data();
        if (d instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new ScaleplaneException("deployment event " + r.event().id() + " of type "
                + r.event().type() + " in stream " + r.stream() + " has no map data");
    }

    private void progress(
            DeploymentAggregate a, String step, int wave, @Nullable String cluster, @Nullable String message) {
        DeploymentRequest r = Objects.requireNonNull(a.request);
        publish(
                TOPIC,
                new DeploymentProgressed(a.id, r.application(), r.version(), step, wave, cluster, message),
                a.id);
    }

    private void publish(String topic, Object data, String deploymentId) {
        // The stream already holds the step: a lost announcement is logged, never fatal.
        announcements.publish(platform, topic, data, deploymentId);
    }

    // ---- ticking and closing ----

    private void scheduleTick() {
        if (closed.get()) {
            return;
        }
        ticker = clock.schedule(settings.tick(), () -> {
            for (Driver d : drivers()) {
                kick(d);
            }
            Instant now = clock.now();
            if (!now.isBefore(nextUtilization)) {
                nextUtilization = now.plus(UTILIZATION_INTERVAL);
                try {
                    executor.execute(this::refreshUtilization); // the snapshot is not for the timer thread
                } catch (RuntimeException e) {
                    // closing
                }
            }
            scheduleTick();
        });
    }

    private void usingFleet() {
        if (!platformUsesFleet) {
            platformUsesFleet = true;
            nextUtilization = Instant.MIN; // report at the next tick
        }
    }

    /** Cluster utilization gauges from the fleet's capacity reports, once the fleet is in use. */
    private void refreshUtilization() {
        if (!platformUsesFleet) {
            return;
        }
        try {
            for (ClusterState c : platform.federation().snapshot().clusters()) {
                meters.utilization(c);
            }
        } catch (RuntimeException e) {
            failures.warn("utilization", "cluster utilization not refreshed: {}", e.toString());
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new ScaleplaneException("the deployment controller is closed");
        }
    }

    /** Stops driving: steps in progress finish recording; what is unfinished resumes in the next process. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        TaskClock.Cancellable t = ticker;
        if (t != null) {
            t.cancel();
        }
        Subscription s = subscription;
        if (s != null) {
            try {
                s.close();
            } catch (RuntimeException e) {
                log.debug("closing the deployment subscription failed", e);
            }
        }
        for (Driver d : drivers()) {
            AnalysisRun run = d.run;
            if (run != null) {
                run.cancel();
            }
        }
        changes.close();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        meters.close();
    }

    /** The scaling meters of seed 000. */
    private static final class Meters {
        private final MeterRegistry registry;
        private final Counter steps;
        private final Timer duration;
        private final Timer overhead;
        private final Timer recovery;
        private final Deque<Instant> lastHour = new ArrayDeque<>();
        private final AtomicInteger active = new AtomicInteger();
        private final AtomicInteger activeMax = new AtomicInteger();
        private final List<io.micrometer.core.instrument.Meter> meters =
                new java.util.concurrent.CopyOnWriteArrayList<>();

        Meters(MeterRegistry registry) {
            this.registry = registry;
            steps = register(Counter.builder(DeploymentMeters.STEPS)
                    .description("deployment steps recorded")
                    .register(registry));
            duration = register(Timer.builder(DeploymentMeters.DURATION)
                    .description("deployment duration, first wave to completion")
                    .publishPercentiles(0.5, 0.95, 0.99)
                    .register(registry));
            overhead = register(Timer.builder(DeploymentMeters.APPLY_OVERHEAD)
                    .description("controller time per cluster apply: recording and queueing")
                    .publishPercentiles(0.5, 0.99)
                    .register(registry));
            recovery = register(Timer.builder(DeploymentMeters.FAILURE_RECOVERY)
                    .description("from a cluster lost in a rollout to its replacement ready")
                    .register(registry));
            register(Gauge.builder(DeploymentMeters.ACTIVE, active, AtomicInteger::get)
                    .description("deployments in progress")
                    .register(registry));
            register(Gauge.builder(DeploymentMeters.ACTIVE_MAX, activeMax, AtomicInteger::get)
                    .description("most deployments in progress at once")
                    .register(registry));
            register(Gauge.builder(DeploymentMeters.PER_HOUR, this, Meters::perHour)
                    .description("deployments finished in the trailing hour")
                    .register(registry));
        }

        private <M extends io.micrometer.core.instrument.Meter> M register(M meter) {
            meters.add(meter);
            return meter;
        }

        void step() {
            steps.increment();
        }

        void active(int n) {
            active.set(n);
            activeMax.accumulateAndGet(n, Math::max);
        }

        Timer.Sample overheadStart() {
            return Timer.start(registry);
        }

        void overheadStop(Timer.Sample sample) {
            sample.stop(overhead);
        }

        void recovery(Duration took) {
            recovery.record(took);
        }

        private final Map<String, java.util.concurrent.atomic.AtomicReference<Double>> utilization =
                new ConcurrentHashMap<>();

        /** Requested share of allocatable per resource; gauges are registered on a cluster's first report. */
        void utilization(ClusterState c) {
            gauge(c, "cpu", c.capacity().cpuMillis(), c.available().cpuMillis());
            gauge(c, "memory", c.capacity().memoryBytes(), c.available().memoryBytes());
            gauge(c, "pods", c.capacity().pods(), c.available().pods());
        }

        private void gauge(ClusterState c, String resource, long capacity, long available) {
            if (capacity <= 0) {
                return; // no capacity report yet
            }
            double share = Math.max(0, Math.min(1, (double) (capacity - available) / capacity));
            utilization
                    .computeIfAbsent(c.name() + "/" + resource, k -> {
                        var ref = new java.util.concurrent.atomic.AtomicReference<>(share);
                        register(Gauge.builder(DeploymentMeters.CLUSTER_UTILIZATION, ref, x -> x.get())
                                .tag("cluster", c.name())
                                .tag("region", c.spec().region())
                                .tag("resource", resource)
                                .description("requested share of the cluster's allocatable resource")
                                .register(registry));
                        return ref;
                    })
                    .set(share);
        }

        synchronized void finished(DeploymentAggregate a) {
            String outcome = a.phase().name().toLowerCase();
            register(Counter.builder(DeploymentMeters.FINISHED)
                            .tag("outcome", outcome)
                            .description("finished deployments")
                            .register(registry))
                    .increment();
            if (a.startedAt != null && a.finishedAt != null && a.phase() == DeploymentPhase.COMPLETED) {
                duration.record(Duration.between(a.startedAt, a.finishedAt));
            }
            Instant now = Instant.now();
            lastHour.addLast(now);
            prune(now);
        }

        private synchronized double perHour() {
            prune(Instant.now());
            return lastHour.size();
        }

        private void prune(Instant now) {
            Instant cutoff = now.minus(Duration.ofHours(1));
            while (!lastHour.isEmpty() && lastHour.peekFirst().isBefore(cutoff)) {
                lastHour.removeFirst();
            }
        }

        void close() {
            for (io.micrometer.core.instrument.Meter m : meters) {
                registry.remove(m);
            }
        }
    }

    /** For tests: the drivers' ids. */
    Collection<String> activeIds() {
        synchronized (drivers) {
            return List.copyOf(drivers.keySet());
        }
    }
}
