package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.Platform;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.federation.ApplyException;
import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterCredentials;
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
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.Propagation;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.WhatIf;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.core.federation.PlacementEngine;
import dev.scaleplane.core.logging.RateLimitedLog;
import dev.scaleplane.core.orchestration.Orchestrator;
import dev.scaleplane.federation.kubernetes.FleetHaConfig;
import dev.scaleplane.federation.kubernetes.FleetOwnership;
import dev.scaleplane.federation.kubernetes.KubernetesFederationProvider;
import dev.scaleplane.federation.kubernetes.KubernetesFleetConfig;
import dev.scaleplane.federation.kubernetes.tenants.internal.KubernetesTenants;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet on fabric8, as one facade over its parts: the {@link ClusterRegistry} (event-sourced), the
 * {@link HealthMonitor} (probes, thresholds, taints), the {@link Propagator} (placement, tasks, failover, restore),
 * the {@link StatusWatcher} (informers, roll-up, drift) and the {@link Applier} (the task handler). They share one
 * Vert.x instance (event loops for every cluster's HTTP client), one bounded worker pool for blocking client calls
 * and handlers, and one scheduler thread, whatever the number of clusters.
 *
 * <p>With {@link FleetHaConfig#ENABLED} on, the {@link Ownership} decides which clusters this replica works: probes,
 * informers and applies of a cluster run only between {@link #enter(String)} and {@link #exit(String)} while it is
 * owned, and start and stop with its ownership.
 *
 * <p>Thread-safe.
 */
public final class KubernetesFleet implements Fleet {
    private static final Logger log = LoggerFactory.getLogger(KubernetesFleet.class);

    /** Task type of per-cluster applies and deletions; see {@link KubernetesFederationProvider#APPLY_TASK}. */
    public static final String APPLY_TASK = KubernetesFederationProvider.APPLY_TASK;

    static final URI SOURCE = URI.create("/scaleplane/federation");

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
    private final ExecutorService blocking;
    private final ScheduledExecutorService scheduler;
    private final ClusterRegistry registry;
    private final HealthMonitor health;
    private final Propagator propagator;
    private final StatusWatcher watcher;
    private final Orchestrator orchestrator;
    private final @Nullable Ownership ownership;
    private final RateLimitedLog failures = new RateLimitedLog(log, Duration.ofMinutes(1));
    private final AtomicBoolean closed = new AtomicBoolean();
    private @Nullable KubernetesTenants tenants;

    private KubernetesFleet(
            KubernetesFleetConfig config, FleetHaConfig ha, Platform platform, TaskClock clock, MeterRegistry meters) {
        this.config = config;
        this.platform = platform;
        this.clock = clock;
        this.vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(config.eventLoops())
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setUseDaemonThread(true));
        AtomicInteger n = new AtomicInteger();
        this.blocking = Executors.newFixedThreadPool(Math.max(2, config.applyWorkers()), r -> {
            Thread t = new Thread(r, "scaleplane-fleet-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scaleplane-fleet-scheduler");
            t.setDaemon(true);
            return t;
        });
        Vertx5HttpClientFactory http = new Vertx5HttpClientFactory(vertx);
        this.registry = new ClusterRegistry(this, platform, http);
        this.health = new HealthMonitor(this, scheduler, blocking);
        this.propagator = new Propagator(this, platform, blocking);
        this.watcher = new StatusWatcher(this);
        Applier applier = new Applier(this);
        this.orchestrator = Orchestrator.builder(platform.tasks())
                .name("scaleplane-federation")
                .clock(clock)
                .executor(blocking)
                .types(Set.of(APPLY_TASK))
                .meterRegistry(meters)
                .build();
        orchestrator.register(WorkerSpec.of("federation-applier", config.applyWorkers()), applier::handle);
        // Lease times are compared across processes, so they are in wall-clock time, not the task clock.
        this.ownership = ha.enabled()
                ? new Ownership(ha, managementClient(ha, http), new OwnedWork(), Clock.systemUTC(), meters, blocking)
                : null;
        for (ClusterHealth h : ClusterHealth.values()) {
            Gauge.builder("scaleplane.federation.clusters", this, f -> f.count(h))
                    .tag("health", h.name())
                    .description("registered clusters by health")
                    .register(meters);
        }
    }

    /**
     * Starts a fleet: restores the registry and the propagations from the platform's event store, connects and
     * starts probing every cluster, queues the restored propagations' applies, and starts the apply workers.
     */
    public static KubernetesFleet start(
            KubernetesFleetConfig config, Platform platform, TaskClock clock, MeterRegistry meters) {
        return start(config, FleetHaConfig.defaults(), platform, clock, meters);
    }

    /**
     * Starts a fleet that, with {@code ha} enabled, shares its clusters with the other replicas: it works only the
     * clusters it holds the claim of (see {@link FleetOwnership}).
     */
    public static KubernetesFleet start(
            KubernetesFleetConfig config, FleetHaConfig ha, Platform platform, TaskClock clock, MeterRegistry meters) {
        KubernetesFleet fleet = new KubernetesFleet(config, ha, platform, clock, meters);
        try {
            fleet.registry.restore();
            fleet.propagator.restore();
            fleet.orchestrator.start();
            if (fleet.ownership != null) {
                fleet.ownership.start();
            }
        } catch (RuntimeException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    // ---- ownership (HA) ----

    /** A client of the management cluster that holds the Leases, on the fleet's HTTP stack. */
    private KubernetesClient managementClient(FleetHaConfig ha, Vertx5HttpClientFactory http) {
        ClusterCredentials credentials = FleetHaConfig.IN_CLUSTER.equals(ha.context())
                ? ClusterCredentials.inCluster()
                : ha.kubeconfig().isEmpty()
                        ? ClusterCredentials.kubeconfigContext(ha.context())
                        : ClusterCredentials.kubeconfig(Path.of(ha.kubeconfig()), ha.context());
        ClusterSpec spec = ClusterSpec.builder("management")
                .region("management")
                .credentials(credentials)
                .build();
        try {
            // Requests time out within a renew period: a renewal that has not come back by then is of no use.
            return ClusterConnection.connect(spec, http, blocking, ha.renewPeriod(), ha.renewPeriod());
        } catch (ClusterRegistrationException e) {
            throw new ConfigurationException(List.of(new ConfigurationException.Problem(
                    FleetHaConfig.CONTEXT,
                    ha.context(),
                    "a usable context of the management cluster (" + FleetHaConfig.KUBECONFIG + "="
                            + (ha.kubeconfig().isEmpty() ? "default kubeconfig" : ha.kubeconfig()) + "): "
                            + e.getMessage())));
        }
    }

    /** The ownership view when HA is on. */
    public Optional<FleetOwnership> ownership() {
        return Optional.ofNullable(ownership);
    }

    /** Whether this replica works {@code cluster}: always without HA. */
    public boolean owns(String cluster) {
        return ownership == null || ownership.owns(cluster);
    }

    /** Marks the start of work on {@code cluster}; false when another replica works it. See {@link #exit}. */
    public boolean enter(String cluster) {
        return ownership == null || ownership.enter(cluster);
    }

    /** Marks the end of work begun by a successful {@link #enter}. */
    public void exit(String cluster) {
        if (ownership != null) {
            ownership.exit(cluster);
        }
    }

    /** What this replica starts and stops when it gains or loses a cluster. */
    private final class OwnedWork implements Ownership.Work {
        @Override
        public Collection<String> clusters() {
            List<String> names = new ArrayList<>();
            registry.all().forEach(c -> names.add(c.name()));
            return names;
        }

        @Override
        public void start(String cluster) {
            ClusterConnection c = registry.get(cluster);
            if (c == null || closed.get()) {
                return;
            }
            health.start(c);
            watcher.rewatch(cluster);
            propagator.onClusterOwned(cluster);
            synchronized (KubernetesFleet.this) {
                if (tenants != null) {
                    tenants.quotaWatch().start(cluster);
                }
            }
        }

        @Override
        public void stop(String cluster) {
            health.stop(cluster);
            watcher.forget(cluster);
            synchronized (KubernetesFleet.this) {
                if (tenants != null) {
                    tenants.quotaWatch().stop(cluster);
                }
            }
        }

        @Override
        public Map<String, String> shared(String cluster) {
            ClusterConnection c = registry.get(cluster);
            return c == null ? Map.of() : c.shared();
        }

        @Override
        public void observed(String cluster, Map<String, String> shared) {
            ClusterConnection c = registry.get(cluster);
            if (c != null) {
                c.mirror(shared);
            }
        }
    }

    // ---- shared by the parts ----

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

    boolean closed() {
        return closed.get();
    }

    ClusterRegistry registry() {
        return registry;
    }

    HealthMonitor health() {
        return health;
    }

    Propagator propagator() {
        return propagator;
    }

    StatusWatcher watcher() {
        return watcher;
    }

    @Nullable
    ClusterConnection connection(String cluster) {
        return registry.get(cluster);
    }

    @Nullable
    PropagationState state(String id) {
        return propagator.get(id);
    }

    @Nullable
    TaskHandle submit(PropagationState p, String cluster, String op) {
        return propagator.submit(p, cluster, op);
    }

    void afterStatusChange(PropagationState p) {
        propagator.afterStatusChange(p);
    }

    CompletableFuture<Void> delete(PropagationState p, boolean orphan) {
        return propagator.delete(p, orphan);
    }

    private double count(ClusterHealth h) {
        return registry.all().stream().filter(c -> c.health() == h).count();
    }

    /** Why {@code cluster} cannot be reached now, or null when it is ready. */
    @Nullable
    String unreachableReason(String cluster) {
        ClusterConnection c = registry.get(cluster);
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

    @SuppressWarnings("unchecked")
    static Map<String, Object> dataOf(Event<?> e) {
        Object d = e.data();
        if (d instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new ScaleplaneException("federation event " + e.id() + " of type " + e.type() + " has no map data: " + d);
    }

    // ---- registry ----

    @Override
    public ClusterState register(ClusterSpec spec) {
        Objects.requireNonNull(spec, "spec");
        checkOpen();
        return state(registry.register(spec));
    }

    @Override
    public ClusterState update(ClusterSpec spec) {
        Objects.requireNonNull(spec, "spec");
        checkOpen();
        return state(registry.update(spec));
    }

    @Override
    public boolean remove(String cluster) {
        Objects.requireNonNull(cluster, "cluster");
        checkOpen();
        if (registry.remove(cluster) == null) {
            return false;
        }
        propagator.onClusterRemoved(cluster);
        return true;
    }

    @Override
    public Optional<ClusterState> cluster(String name) {
        ClusterConnection c = registry.get(name);
        return c == null ? Optional.empty() : Optional.of(state(c));
    }

    private ClusterState state(ClusterConnection c) {
        return c.state(now(), config.toleration(), used(c.name()));
    }

    /** Capacity the fleet's own placements take on {@code cluster}. */
    private Capacity used(String cluster) {
        return used(cluster, sized());
    }

    /**
     * The propagations whose placement reserves resources per replica, with that reservation: a snapshot used to scan
     * every propagation once per cluster, which with many propagations made it the fleet's hottest code (half the CPU
     * of the deployment throughput benchmark on 100 clusters); now it scans them once and the clusters look only at
     * these.
     */
    private List<Map.Entry<PropagationState, Capacity>> sized() {
        List<Map.Entry<PropagationState, Capacity>> sized = new ArrayList<>();
        for (PropagationState p : propagator.all()) {
            p.request().placement().resourcesPerReplica().ifPresent(per -> sized.add(Map.entry(p, per)));
        }
        return sized;
    }

    private static Capacity used(String cluster, List<Map.Entry<PropagationState, Capacity>> sized) {
        Capacity used = Capacity.ZERO;
        for (Map.Entry<PropagationState, Capacity> e : sized) {
            PropagationState.Placed placed = e.getKey().placed().get(cluster);
            if (placed != null && !placed.leaving) {
                used = used.plus(e.getValue().times(placed.replicas));
            }
        }
        return used;
    }

    @Override
    public FleetSnapshot snapshot() {
        Instant at = now();
        List<Map.Entry<PropagationState, Capacity>> sized = sized();
        List<ClusterState> states = new ArrayList<>();
        for (ClusterConnection c : registry.all()) {
            states.add(c.state(at, config.toleration(), used(c.name(), sized)));
        }
        return new FleetSnapshot(at, states);
    }

    /** The snapshot with one propagation's own usage given back, so re-placing it does not count it twice. */
    FleetSnapshot snapshotExcluding(PropagationState p) {
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

    PlacementDecision simulate(PropagationState p, WhatIf whatIf) {
        return PlacementEngine.simulate(
                p.request().placement(), snapshotExcluding(p), Objects.requireNonNull(whatIf, "whatIf"));
    }

    @Override
    public Flow.Publisher<ClusterHealthChange> healthChanges() {
        return health.changes();
    }

    @Override
    public Flow.Publisher<FailoverDecision> failovers() {
        return propagator.failovers();
    }

    // ---- propagation ----

    @Override
    public Propagation propagate(PropagationRequest request) {
        Objects.requireNonNull(request, "request");
        checkOpen();
        // Every object of a propagation is recorded in the event store and compared field by field for drift, so a
        // Secret's values would end up in the audit trail and in status messages: refuse it, naming the way that
        // keeps them out.
        for (Manifest m : request.objects()) {
            if ("Secret".equals(m.kind()) && "v1".equals(m.apiVersion())) {
                throw new IllegalArgumentException("propagation " + request.id() + ": object " + m.id()
                        + " is a Secret; Fleet.propagate records every object in the event store, so it does not"
                        + " carry Secrets. Copy secrets with dev.scaleplane.adapters.kubernetes.SecretPropagator"
                        + " (artifact scaleplane-adapters-kubernetes), which places them by the same policy and"
                        + " never records a value");
            }
        }
        return propagator.propagate(request);
    }

    @Override
    public Optional<Propagation> propagation(String id) {
        return Optional.ofNullable(propagator.get(id));
    }

    @Override
    public List<Propagation> propagations() {
        return List.copyOf(propagator.all());
    }

    // ---- tenants ----

    @Override
    public synchronized KubernetesTenants tenants() {
        checkOpen();
        if (tenants == null) {
            tenants = new KubernetesTenants(this, platform, this::clusterClient);
            if (ownership != null) {
                // Each cluster's quotas are watched by its owner only: started and stopped with the ownership.
                tenants.quotaWatch().autoStart(false);
                ownership.owned().forEach(tenants.quotaWatch()::start);
            }
        }
        return tenants;
    }

    /** The fabric8 client of a registered cluster, for the parts outside this package (tenants); null if unknown. */
    public @Nullable KubernetesClient clusterClient(String cluster) {
        ClusterConnection c = registry.get(cluster);
        return c == null ? null : c.client();
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
        if (ownership != null) {
            ownership.close(); // stops the work on every owned cluster, then releases the claims
        }
        synchronized (this) {
            if (tenants != null) {
                tenants.close();
            }
        }
        health.close();
        orchestrator.close();
        watcher.close();
        propagator.close();
        scheduler.shutdownNow();
        registry.close();
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
        return "KubernetesFleet{clusters=" + registry.all().size() + ", propagations="
                + propagator.all().size() + '}';
    }

    // ---- helpers of the parts ----

    /** Whether a failure means the cluster could not be reached or was busy (as opposed to a refusal). */
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

    /** The object as fabric8 sees it. */
    static HasMetadata toObject(Manifest m) {
        Object o = StatusWatcher.SERIALIZATION.unmarshal(StatusWatcher.SERIALIZATION.asJson(m.tree()));
        if (o instanceof HasMetadata h) {
            return h;
        }
        throw new IllegalArgumentException(m.id() + " is not an object with metadata");
    }
}
