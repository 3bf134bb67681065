package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.catalog.ClusterCreated;
import dev.scaleplane.api.events.catalog.ClusterUpdated;
import dev.scaleplane.api.events.catalog.HealthStatus;
import dev.scaleplane.api.events.catalog.PlatformHealthCheck;
import dev.scaleplane.api.federation.ApplyException;
import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterHealthChange;
import dev.scaleplane.api.federation.ClusterRegistrationException;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.FailoverDecision;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.PlacementException;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.Propagation;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.WhatIf;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.federation.PlacementEngine;
import dev.scaleplane.core.orchestration.Orchestrator;
import dev.scaleplane.federation.kubernetes.KubernetesFleetConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet on fabric8: registry (event-sourced), health probes, placement, propagation through the platform's task
 * queue, watched status and failover. One Vert.x instance (event loops shared by every cluster's HTTP client), one
 * bounded pool for blocking client calls and handlers, and one scheduler thread, whatever the number of clusters.
 *
 * <p>Thread-safe.
 */
public final class KubernetesFleet implements Fleet {
    private static final Logger log = LoggerFactory.getLogger(KubernetesFleet.class);

    /** Task type of per-cluster applies and deletions. */
    public static final String APPLY_TASK = "scaleplane.federation.apply";

    static final String REGISTERED = "dev.scaleplane.federation.cluster-registered.v1";
    static final String UPDATED = "dev.scaleplane.federation.cluster-updated.v1";
    static final String REMOVED = "dev.scaleplane.federation.cluster-removed.v1";
    static final String PLACED = "dev.scaleplane.federation.propagation-placed.v1";
    static final String FAILED_OVER = "dev.scaleplane.federation.failover.v1";
    private static final URI SOURCE = URI.create("/scaleplane/federation");

    /**
     * The payload of an apply or delete task: small, so that it survives any queue backend's encoding.
     *
     * @param propagation the propagation id
     * @param cluster the cluster
     * @param op {@code apply}, {@code delete} or {@code orphan}
     * @param revision the propagation revision the task was submitted for
     */
    public record ClusterTask(String propagation, String cluster, String op, long revision) {}

    private final KubernetesFleetConfig config;
    private final Platform platform;
    private final TaskClock clock;
    private final Vertx vertx;
    private final HttpClient.Factory http;
    private final ExecutorService blocking;
    private final ScheduledExecutorService scheduler;
    private final Orchestrator orchestrator;
    private final Map<String, ClusterConnection> clusters = new ConcurrentSkipListMap<>();
    private final Map<String, ScheduledFuture<?>> probes = new ConcurrentHashMap<>();
    private final Map<String, PropagationState> propagations = new ConcurrentSkipListMap<>();
    private final StatusWatcher watcher;
    private final Applier applier;
    private final SubmissionPublisher<ClusterHealthChange> healthChanges;
    private final SubmissionPublisher<FailoverDecision> failovers;
    private final RateLimitedLog failures = new RateLimitedLog(log, Duration.ofMinutes(1));
    private final Set<String> failoverRefused = ConcurrentHashMap.newKeySet();
    private final AtomicInteger submissions = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private KubernetesFleet(KubernetesFleetConfig config, Platform platform, TaskClock clock, MeterRegistry meters) {
        this.config = config;
        this.platform = platform;
        this.clock = clock;
        this.vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(config.eventLoops())
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setUseDaemonThread(true));
        this.http = new Vertx5HttpClientFactory(vertx);
        AtomicInteger n = new AtomicInteger();
        int threads = Math.max(2, config.applyWorkers());
        this.blocking = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "scaleplane-fleet-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scaleplane-fleet-scheduler");
            t.setDaemon(true);
            return t;
        });
        this.healthChanges = new SubmissionPublisher<>(blocking, 1024);
        this.failovers = new SubmissionPublisher<>(blocking, 1024);
        this.watcher = new StatusWatcher(this);
        this.applier = new Applier(this);
        this.orchestrator = Orchestrator.builder(platform.tasks())
                .name("scaleplane-federation")
                .clock(clock)
                .executor(blocking)
                .types(Set.of(APPLY_TASK))
                .meterRegistry(meters)
                .build();
        orchestrator.register(WorkerSpec.of("federation-applier", config.applyWorkers()), applier::handle);
        for (ClusterHealth h : ClusterHealth.values()) {
            Gauge.builder("scaleplane.federation.clusters", this, f -> f.count(h))
                    .tag("health", h.name())
                    .description("registered clusters by health")
                    .register(meters);
        }
    }

    /**
     * Starts a fleet: restores the registry from the platform's event store, connects and starts probing every
     * cluster, and starts the apply workers on the platform's task queue.
     */
    public static KubernetesFleet start(
            KubernetesFleetConfig config, Platform platform, TaskClock clock, MeterRegistry meters) {
        KubernetesFleet fleet = new KubernetesFleet(config, platform, clock, meters);
        try {
            fleet.restore();
            fleet.orchestrator.start();
        } catch (RuntimeException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    // ---- shared infrastructure, for the helpers of this package ----

    Instant now() {
        return clock.now();
    }

    KubernetesFleetConfig config() {
        return config;
    }

    ExecutorService blocking() {
        return blocking;
    }

    RateLimitedLog failures() {
        return failures;
    }

    @Nullable
    ClusterConnection connection(String cluster) {
        return clusters.get(cluster);
    }

    @Nullable
    PropagationState state(String id) {
        return propagations.get(id);
    }

    Orchestrator orchestrator() {
        return orchestrator;
    }

    private double count(ClusterHealth h) {
        return clusters.values().stream().filter(c -> c.health() == h).count();
    }

    /** Why {@code cluster} cannot be reached now, or null when it is ready. */
    @Nullable
    String unreachableReason(String cluster) {
        ClusterConnection c = clusters.get(cluster);
        if (c == null) {
            return "cluster " + cluster + " is no longer registered";
        }
        ClusterHealth h = c.health();
        if (h == ClusterHealth.READY) {
            return null;
        }
        return (h == ClusterHealth.NOT_READY ? "NotReady" : "Unknown") + " since "
                + c.since().toString().substring(11, 19) + "Z: " + c.reason();
    }

    // ---- registry ----

    private void restore() {
        Map<String, ClusterSpec> specs = new LinkedHashMap<>();
        long from = 0;
        while (true) {
            List<RecordedEvent> page = platform.store().readStream(REGISTRY_STREAM, ReadDirection.FORWARD, from, 500);
            for (RecordedEvent r : page) {
                Map<String, Object> data = dataOf(r.event());
                switch (r.event().type()) {
                    case REGISTERED, UPDATED -> {
                        ClusterSpec s = ClusterSpecCodec.decode(data);
                        specs.put(s.name(), s);
                    }
                    case REMOVED -> specs.remove((String) data.get("name"));
                    default -> log.debug(
                            "registry: ignoring event type {}", r.event().type());
                }
            }
            if (page.size() < 500) {
                break;
            }
            from = page.get(page.size() - 1).version() + 1;
        }
        for (ClusterSpec spec : specs.values()) {
            try {
                add(spec);
            } catch (RuntimeException e) {
                // The rest of the fleet starts: one cluster whose kubeconfig went missing must not stop it.
                log.error("cluster {} from the registry cannot be connected: {}", spec.name(), e.getMessage());
            }
        }
        if (!specs.isEmpty()) {
            log.info("restored {} clusters from the registry stream {}", clusters.size(), REGISTRY_STREAM);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dataOf(Event<?> e) {
        Object d = e.data();
        if (d instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new ScaleplaneException("registry event " + e.id() + " of type " + e.type() + " has no map data: " + d);
    }

    private ClusterConnection add(ClusterSpec spec) {
        ClusterConnection c = new ClusterConnection(spec, connect(spec), now(), config.probeInterval());
        clusters.put(spec.name(), c);
        probes.put(
                spec.name(),
                scheduler.scheduleWithFixedDelay(
                        () -> probe(c), 0, config.probeInterval().toMillis(), TimeUnit.MILLISECONDS));
        return c;
    }

    private io.fabric8.kubernetes.client.KubernetesClient connect(ClusterSpec spec) {
        return ClusterConnection.connect(spec, http, blocking, config.probeTimeout(), config.requestTimeout());
    }

    @Override
    public ClusterState register(ClusterSpec spec) {
        Objects.requireNonNull(spec, "spec");
        checkOpen();
        synchronized (clusters) {
            if (clusters.containsKey(spec.name())) {
                throw new ClusterRegistrationException(
                        spec.name(), "name", "a cluster with this name is already registered; use update(spec)", null);
            }
            io.fabric8.kubernetes.client.KubernetesClient probeClient = connect(spec); // typed errors before writing
            probeClient.close();
            record(REGISTERED, ClusterSpecCodec.encode(spec), spec.name());
            add(spec);
        }
        publish(
                ClusterCreated.TYPE_NAME,
                new ClusterCreated(spec.name(), spec.region(), zoneOr(spec), "unknown", spec.labels()),
                spec.name());
        return state(clusters.get(spec.name()));
    }

    @Override
    public ClusterState update(ClusterSpec spec) {
        Objects.requireNonNull(spec, "spec");
        checkOpen();
        ClusterConnection c;
        ClusterSpec before;
        synchronized (clusters) {
            c = clusters.get(spec.name());
            if (c == null) {
                throw new ClusterRegistrationException(
                        spec.name(), "name", "no cluster with this name is registered; use register(spec)", null);
            }
            before = c.spec();
            io.fabric8.kubernetes.client.KubernetesClient client = connect(spec);
            try {
                record(UPDATED, ClusterSpecCodec.encode(spec), spec.name());
            } catch (RuntimeException e) {
                client.close();
                throw e;
            }
            io.fabric8.kubernetes.client.KubernetesClient old = c.client();
            c.replace(spec, client);
            watcher.reconnect(c);
            old.close();
        }
        Map<String, String> changes = new LinkedHashMap<>();
        if (!before.labels().equals(spec.labels()))
            changes.put("labels", spec.labels().toString());
        if (!before.taints().equals(spec.taints()))
            changes.put("taints", spec.taints().toString());
        if (!before.region().equals(spec.region())) changes.put("region", spec.region());
        if (!before.zone().equals(spec.zone())) changes.put("zone", spec.zone());
        if (!before.capacity().equals(spec.capacity())) changes.put("capacity", String.valueOf(spec.capacity()));
        if (!before.credentials().equals(spec.credentials())) changes.put("credentials", "changed");
        publish(
                ClusterUpdated.TYPE_NAME,
                new ClusterUpdated(spec.name(), spec.region(), "unknown", changes),
                spec.name());
        return state(c);
    }

    @Override
    public boolean remove(String cluster) {
        Objects.requireNonNull(cluster, "cluster");
        checkOpen();
        ClusterConnection c;
        synchronized (clusters) {
            c = clusters.get(cluster);
            if (c == null) {
                return false;
            }
            record(REMOVED, Map.of("name", cluster), cluster);
            clusters.remove(cluster);
        }
        ScheduledFuture<?> probe = probes.remove(cluster);
        if (probe != null) {
            probe.cancel(false);
        }
        watcher.forget(cluster);
        c.close();
        publish(
                ClusterUpdated.TYPE_NAME,
                new ClusterUpdated(c.spec().name(), c.spec().region(), "unknown", Map.of("removed", "true")),
                cluster);
        for (PropagationState p : propagations.values()) {
            failover(p, cluster, "cluster " + cluster + " removed from the fleet");
        }
        return true;
    }

    private static String zoneOr(ClusterSpec spec) {
        return spec.zone().isEmpty() ? spec.region() : spec.zone();
    }

    private void record(String type, Map<String, Object> data, String cluster) {
        try {
            platform.store()
                    .append(
                            REGISTRY_STREAM,
                            ExpectedVersion.ANY,
                            List.of(Event.builder(type, data)
                                    .source(SOURCE)
                                    .subject(cluster)
                                    .cluster(cluster)
                                    .build()))
                    .join();
        } catch (RuntimeException e) {
            throw new ScaleplaneException(
                    "cluster " + cluster + ": cannot record the registry change in the event store (stream "
                            + REGISTRY_STREAM + "): " + e.getMessage(),
                    e);
        }
    }

    /** Publishes on the bus; a failed publish is logged (rate-limited), never thrown at the caller. */
    void publish(String type, Object data, String cluster) {
        try {
            platform.events()
                    .publish(
                            TOPIC,
                            Event.builder(type, data)
                                    .source(SOURCE)
                                    .subject(cluster)
                                    .cluster(cluster)
                                    .build())
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            failures.warn(
                                    "publish",
                                    "federation event for {} not published on {}: {}",
                                    cluster,
                                    TOPIC,
                                    e.toString());
                        }
                    });
        } catch (RuntimeException e) {
            failures.warn("publish", "federation event for {} not published on {}: {}", cluster, TOPIC, e.toString());
        }
    }

    @Override
    public Optional<ClusterState> cluster(String name) {
        ClusterConnection c = clusters.get(name);
        return c == null ? Optional.empty() : Optional.of(state(c));
    }

    private ClusterState state(ClusterConnection c) {
        return c.state(now(), config.toleration(), used(c.name()));
    }

    /** Capacity the fleet's own placements take on {@code cluster}. */
    private Capacity used(String cluster) {
        Capacity used = Capacity.ZERO;
        for (PropagationState p : propagations.values()) {
            Optional<Capacity> per = p.request().placement().resourcesPerReplica();
            if (per.isEmpty()) {
                continue;
            }
            PropagationState.Placed placed = p.placed().get(cluster);
            if (placed != null && !placed.leaving) {
                used = used.plus(per.get().times(placed.replicas));
            }
        }
        return used;
    }

    @Override
    public FleetSnapshot snapshot() {
        Instant at = now();
        List<ClusterState> states = new ArrayList<>(clusters.size());
        for (ClusterConnection c : clusters.values()) {
            states.add(c.state(at, config.toleration(), used(c.name())));
        }
        return new FleetSnapshot(at, states);
    }

    /** The snapshot with one propagation's own usage given back, so re-placing it does not count it twice. */
    private FleetSnapshot snapshotExcluding(PropagationState p) {
        FleetSnapshot s = snapshot();
        Optional<Capacity> per = p.request().placement().resourcesPerReplica();
        if (per.isEmpty()) {
            return s;
        }
        List<ClusterState> states = new ArrayList<>();
        for (ClusterState c : s.clusters()) {
            PropagationState.Placed placed = p.placed().get(c.name());
            Capacity mine =
                    placed == null || placed.leaving ? Capacity.ZERO : per.get().times(placed.replicas);
            states.add(new ClusterState(
                    c.spec(),
                    c.health(),
                    c.healthSince(),
                    c.taints(),
                    c.capacity(),
                    c.available().plus(mine)));
        }
        return new FleetSnapshot(s.at(), states);
    }

    @Override
    public PlacementDecision place(PlacementPolicy policy) {
        return PlacementEngine.decide(Objects.requireNonNull(policy, "policy"), snapshot());
    }

    @Override
    public PlacementDecision simulate(PlacementPolicy policy, WhatIf whatIf) {
        return PlacementEngine.simulate(
                Objects.requireNonNull(policy, "policy"), snapshot(), Objects.requireNonNull(whatIf, "whatIf"));
    }

    // ---- health ----

    private void probe(ClusterConnection c) {
        if (closed.get() || clusters.get(c.name()) != c) {
            return;
        }
        CompletableFuture.supplyAsync(() -> c.client().nodes().list(), blocking)
                .orTimeout(config.probeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((nodes, error) -> {
                    boolean ok = error == null;
                    boolean answered = ok;
                    String reason = "ok";
                    if (ok) {
                        c.discovered(capacityOf(nodes.getItems()));
                    } else {
                        Throwable cause =
                                error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                                        ? error.getCause()
                                        : error;
                        if (cause instanceof TimeoutException) {
                            reason = "probe timed out after "
                                    + config.probeTimeout().toMillis() + "ms";
                        } else if (cause instanceof KubernetesClientException k && k.getCode() > 0) {
                            answered = true;
                            reason = "HTTP " + k.getCode() + ": " + statusMessage(k);
                        } else {
                            reason = "unreachable: " + rootMessage(cause);
                        }
                        failures.warn("probe-" + c.name(), "cluster {} probe failed: {}", c.name(), reason);
                    }
                    onProbe(c, ok, answered, reason);
                });
    }

    private void onProbe(ClusterConnection c, boolean ok, boolean answered, String reason) {
        if (closed.get()) {
            return;
        }
        Instant at = now();
        ClusterHealth[] change =
                c.record(ok, answered, reason, at, config.failureThreshold(), config.successThreshold());
        if (change != null) {
            onHealthChange(c, change[0], change[1], reason, at);
        }
        if (c.pastToleration(at, config.toleration())) {
            for (PropagationState p : propagations.values()) {
                failover(
                        p,
                        c.name(),
                        c.name() + " " + unreachableReason(c.name()) + " past toleration "
                                + config.toleration().toSeconds() + "s");
            }
        }
    }

    private void onHealthChange(ClusterConnection c, ClusterHealth from, ClusterHealth to, String reason, Instant at) {
        log.info("cluster {} {} -> {} ({})", c.name(), from, to, reason);
        ClusterSpec spec = c.spec();
        healthChanges.offer(new ClusterHealthChange(c.name(), spec.region(), from, to, at, reason), null);
        HealthStatus status =
                switch (to) {
                    case READY -> HealthStatus.UP;
                    case NOT_READY -> HealthStatus.DEGRADED;
                    case UNKNOWN -> HealthStatus.DOWN;
                };
        publish(
                PlatformHealthCheck.TYPE_NAME,
                new PlatformHealthCheck(
                        "cluster/" + c.name(),
                        status,
                        spec.region(),
                        Map.of("from", from.name(), "to", to.name(), "reason", reason)),
                c.name());
        if (to == ClusterHealth.READY) {
            c.breaker().reset();
            failoverRefused.removeIf(k -> k.endsWith("@" + c.name()));
            // Level-triggered: whatever was meant for the cluster while it was away is applied again (idempotent).
            for (PropagationState p : propagations.values()) {
                PropagationState.Placed placed = p.placed().get(c.name());
                if (placed != null && !placed.applied && !placed.refused) {
                    submit(p, c.name(), placed.leaving ? "delete" : "apply");
                }
            }
        }
        propagations.values().forEach(p -> {
            if (p.placed().containsKey(c.name())) {
                p.publish();
            }
        });
    }

    private static Capacity capacityOf(List<Node> nodes) {
        Capacity total = Capacity.ZERO;
        for (Node n : nodes) {
            if (n.getStatus() == null || n.getStatus().getAllocatable() == null) {
                continue;
            }
            Map<String, Quantity> a = n.getStatus().getAllocatable();
            long cpu = a.containsKey("cpu") ? Capacity.cpuMillis(a.get("cpu").toString()) : 0;
            long mem = a.containsKey("memory") ? Capacity.bytes(a.get("memory").toString()) : 0;
            long pods = a.containsKey("pods") ? Long.parseLong(a.get("pods").toString()) : 0;
            total = total.plus(new Capacity(cpu, mem, pods));
        }
        return total;
    }

    static String statusMessage(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        return rootMessage(e);
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public Flow.Publisher<ClusterHealthChange> healthChanges() {
        return healthChanges;
    }

    @Override
    public Flow.Publisher<FailoverDecision> failovers() {
        return failovers;
    }

    // ---- propagation ----

    @Override
    public Propagation propagate(PropagationRequest request) {
        Objects.requireNonNull(request, "request");
        checkOpen();
        PropagationState existing = propagations.get(request.id());
        FleetSnapshot snapshot = existing == null ? snapshot() : snapshotExcluding(existing);
        PlacementDecision decision = PlacementEngine.decide(request.placement(), snapshot);
        if (!decision.satisfied()) {
            throw new PlacementException(request.id(), decision);
        }
        // Rendered before anything changes: an override that does not apply fails the call and leaves no trace.
        Map<String, List<Manifest>> desired = new LinkedHashMap<>();
        Map<String, String> regions = new HashMap<>();
        for (var v : decision.chosen()) {
            ClusterConnection c = clusters.get(v.cluster());
            desired.put(v.cluster(), ManifestRenderer.render(request, c.spec(), v.replicas()));
            regions.put(v.cluster(), c.spec().region());
        }
        PropagationState state = existing != null
                ? existing
                : propagations.computeIfAbsent(
                        request.id(), id -> new PropagationState(this, request, decision, blocking));
        List<String> toApply = new ArrayList<>();
        List<String> toLeave = new ArrayList<>();
        synchronized (state) {
            state.update(request, decision);
            long revision = state.nextRevision();
            for (var e : desired.entrySet()) {
                PropagationState.Placed p =
                        state.placed().computeIfAbsent(e.getKey(), k -> new PropagationState.Placed(k, regions.get(k)));
                p.replicas = decision.replicas().getOrDefault(e.getKey(), 0);
                p.desired = e.getValue();
                p.revision = revision;
                p.applied = false;
                p.refused = false;
                p.leaving = false;
                p.applyMessage = null;
                toApply.add(e.getKey());
            }
            for (PropagationState.Placed p : state.placed().values()) {
                if (!desired.containsKey(p.cluster)) {
                    p.leaving = true;
                    toLeave.add(p.cluster);
                }
            }
        }
        recordPlacement(state, decision, "propagated");
        for (String cluster : toApply) {
            watcher.watch(cluster, desired.get(cluster));
            submit(state, cluster, "apply");
        }
        // No longer chosen (an update of the request): removed once the new placement is ready.
        if (!toLeave.isEmpty()) {
            state.publish();
        }
        state.publish();
        return state;
    }

    /** Queues one cluster's apply or delete as a task: retries, backoff and dead letters are the queue's. */
    @Nullable
    TaskHandle submit(PropagationState p, String cluster, String op) {
        long revision;
        synchronized (p) {
            PropagationState.Placed placed = p.placed().get(cluster);
            revision = placed == null ? 0 : placed.revision;
        }
        try {
            return platform.tasks()
                    .submit(TaskRequest.builder(APPLY_TASK, new ClusterTask(p.id(), cluster, op, revision))
                            // One key per propagation and cluster: its writes to a cluster stay in order.
                            .key(cluster + "/" + p.id())
                            .correlationId(p.id())
                            .build());
        } catch (RuntimeException e) {
            failures.warn("submit", "propagation {}: cannot queue the {} on {}: {}", p.id(), op, cluster, e.toString());
            synchronized (p) {
                PropagationState.Placed placed = p.placed().get(cluster);
                if (placed != null) {
                    placed.applyMessage = "cannot queue the " + op + ": " + e.getMessage();
                }
            }
            p.publish();
            return null;
        } finally {
            submissions.incrementAndGet();
        }
    }

    @Override
    public Optional<Propagation> propagation(String id) {
        return Optional.ofNullable(propagations.get(id));
    }

    @Override
    public List<Propagation> propagations() {
        return List.copyOf(propagations.values());
    }

    CompletableFuture<Void> delete(PropagationState p, boolean orphan) {
        p.markDeleted();
        List<CompletableFuture<?>> results = new ArrayList<>();
        for (String cluster : p.clusters()) {
            synchronized (p) {
                PropagationState.Placed placed = p.placed().get(cluster);
                if (placed != null) {
                    placed.leaving = true;
                }
            }
            TaskHandle h = submit(p, cluster, orphan ? "orphan" : "delete");
            if (h != null) {
                results.add(h.result());
            }
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenRun(() -> {
                    propagations.remove(p.id(), p);
                    p.close();
                });
    }

    /** Called when a cluster's objects were applied; removes clusters being left once the others are ready. */
    void afterStatusChange(PropagationState p) {
        List<String> leave = new ArrayList<>();
        synchronized (p) {
            if (p.deleted()) {
                return;
            }
            boolean othersReady = true;
            boolean anyLeaving = false;
            for (PropagationState.Placed placed : p.placed().values()) {
                if (placed.leaving) {
                    anyLeaving = true;
                } else if (!watcher.ready(p, placed)) {
                    othersReady = false;
                }
            }
            if (!anyLeaving || !othersReady) {
                return;
            }
            for (PropagationState.Placed placed : p.placed().values()) {
                if (placed.leaving && !placed.deleteQueued) {
                    placed.deleteQueued = true;
                    leave.add(placed.cluster);
                }
            }
        }
        for (String cluster : leave) {
            ClusterConnection c = clusters.get(cluster);
            if (c == null) {
                // Removed from the fleet: nothing to delete there any more.
                synchronized (p) {
                    p.placed().remove(cluster);
                }
                p.publish();
            } else {
                submit(p, cluster, "delete");
            }
        }
    }

    // ---- failover ----

    /**
     * Moves {@code p} away from {@code lost} if it is placed there: a new decision on the current fleet (residency
     * and every other filter kept), the replacements applied first, the old copy removed once they are ready.
     */
    void failover(PropagationState p, String lost, String reason) {
        PropagationRequest request;
        synchronized (p) {
            PropagationState.Placed placed = p.placed().get(lost);
            if (placed == null || placed.leaving || p.deleted()) {
                return;
            }
            request = p.request();
        }
        if (!request.failover()) {
            return;
        }
        PlacementDecision decision = PlacementEngine.decide(request.placement(), snapshotExcluding(p));
        if (!decision.satisfied() || decision.chosenNames().contains(lost)) {
            if (failoverRefused.add(p.id() + "@" + lost)) {
                String why = decision.satisfied()
                        ? lost + " is still chosen (its taint is tolerated)"
                        : decision.failureReason().orElse("no placement");
                log.warn("propagation {} cannot fail over from {}: {}", p.id(), lost, why);
                emitFailover(p, List.of(), List.of(), decision, reason + "; not failed over: " + why);
            }
            return;
        }
        Map<String, List<Manifest>> desired = new LinkedHashMap<>();
        for (var v : decision.chosen()) {
            desired.put(
                    v.cluster(),
                    ManifestRenderer.render(request, clusters.get(v.cluster()).spec(), v.replicas()));
        }
        List<String> joining = new ArrayList<>();
        List<String> leaving = new ArrayList<>();
        List<String> reapply = new ArrayList<>();
        synchronized (p) {
            p.update(request, decision);
            long revision = p.nextRevision();
            for (var e : desired.entrySet()) {
                PropagationState.Placed placed = p.placed().get(e.getKey());
                if (placed == null) {
                    placed = new PropagationState.Placed(
                            e.getKey(), clusters.get(e.getKey()).spec().region());
                    p.placed().put(e.getKey(), placed);
                    joining.add(e.getKey());
                } else if (placed.desired.equals(e.getValue()) && !placed.leaving) {
                    continue; // unchanged
                } else {
                    reapply.add(e.getKey());
                }
                placed.replicas = decision.replicas().getOrDefault(e.getKey(), 0);
                placed.desired = e.getValue();
                placed.revision = revision;
                placed.applied = false;
                placed.refused = false;
                placed.leaving = false;
            }
            for (PropagationState.Placed placed : p.placed().values()) {
                if (!desired.containsKey(placed.cluster) && !placed.leaving) {
                    placed.leaving = true;
                    leaving.add(placed.cluster);
                }
            }
        }
        emitFailover(p, leaving, joining, decision, reason);
        for (String cluster : joining) {
            watcher.watch(cluster, desired.get(cluster));
            submit(p, cluster, "apply");
        }
        for (String cluster : reapply) {
            submit(p, cluster, "apply");
        }
        p.publish();
    }

    private void emitFailover(
            PropagationState p, List<String> leaving, List<String> joining, PlacementDecision decision, String reason) {
        FailoverDecision d = new FailoverDecision(p.id(), leaving, joining, decision, now(), reason);
        log.info("propagation {} failover: leaving {} joining {} ({})", p.id(), leaving, joining, reason);
        failovers.offer(d, null);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("propagation", p.id());
        data.put("leaving", leaving);
        data.put("joining", joining);
        data.put("reason", reason);
        data.put("decision", decision.explain());
        appendPropagationEvent(p.id(), FAILED_OVER, data);
        publish(FAILED_OVER, data, leaving.isEmpty() ? p.id() : String.join(",", leaving));
    }

    private void recordPlacement(PropagationState p, PlacementDecision decision, String what) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("propagation", p.id());
        data.put("what", what);
        data.put("chosen", decision.chosenNames());
        data.put("replicas", new LinkedHashMap<>(decision.replicas()));
        data.put("decision", decision.explain());
        appendPropagationEvent(p.id(), PLACED, data);
    }

    private void appendPropagationEvent(String id, String type, Map<String, Object> data) {
        try {
            platform.store()
                    .append(
                            "federation-propagation-" + id,
                            ExpectedVersion.ANY,
                            List.of(Event.builder(type, data)
                                    .source(SOURCE)
                                    .subject(id)
                                    .build()))
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            failures.warn("record", "propagation {}: {} not recorded: {}", id, type, e.toString());
                        }
                    });
        } catch (RuntimeException e) {
            failures.warn("record", "propagation {}: {} not recorded: {}", id, type, e.toString());
        }
    }

    // ---- lifecycle ----

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the fleet is closed");
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        probes.values().forEach(f -> f.cancel(false));
        orchestrator.close();
        watcher.close();
        propagations.values().forEach(PropagationState::close);
        healthChanges.close();
        failovers.close();
        scheduler.shutdownNow();
        clusters.values().forEach(ClusterConnection::close);
        blocking.shutdown();
        try {
            if (!blocking.awaitTermination(5, TimeUnit.SECONDS)) {
                blocking.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            blocking.shutdownNow();
        }
        vertx.close();
    }

    @Override
    public String toString() {
        return "KubernetesFleet{clusters=" + clusters.keySet() + ", propagations=" + propagations.keySet() + '}';
    }

    /** Used by the applier: whether a failure means the cluster could not be reached (as opposed to a refusal). */
    static boolean retryable(Throwable t) {
        if (t instanceof CallNotPermittedException) {
            return true;
        }
        if (t instanceof ApplyException) {
            return false;
        }
        if (t instanceof KubernetesClientException k) {
            int code = k.getCode();
            // fabric8 reports an I/O failure (no answer at all) with code -1.
            return code <= 0 || code == 409 || code == 429 || code >= 500;
        }
        return true;
    }

    /** The object as fabric8 sees it. */
    static HasMetadata toObject(Manifest m) {
        Object o = StatusWatcher.SERIALIZATION.unmarshal(StatusWatcher.SERIALIZATION.asJson(m.tree()));
        if (o instanceof HasMetadata h) {
            return h;
        }
        throw new IllegalArgumentException(m.id() + " is not an object with metadata");
    }
}
