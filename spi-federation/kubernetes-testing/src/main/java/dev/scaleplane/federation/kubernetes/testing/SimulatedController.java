package dev.scaleplane.federation.kubernetes.testing;

import dev.scaleplane.federation.kubernetes.testing.internal.SimulatedCrudDispatcher;
import dev.scaleplane.federation.kubernetes.testing.internal.WorkloadKind;
import dev.scaleplane.federation.kubernetes.testing.internal.WorkloadStatuses;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentList;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetList;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated workload controller of one {@link SimulatedCluster}: a stand-in for kube-controller-manager's
 * Deployment and StatefulSet controllers, which the mock API server does not have. It is a simulation: it creates no
 * ReplicaSet, no Pod and schedules nothing; it only writes the status that a finished (or failed) rollout would
 * leave.
 *
 * <p>How it works. The cluster's store reports every change of an {@code apps/v1} Deployment or StatefulSet; the
 * controller then waits until the object's current {@code metadata.generation} has been known for {@link #delay()}
 * (a new generation restarts the wait, as a new rollout would) and writes, through the {@code status} subresource:
 *
 * <ul>
 *   <li>Deployment: {@code observedGeneration = metadata.generation}; {@code replicas}, {@code updatedReplicas},
 *       {@code readyReplicas}, {@code availableReplicas} = {@code spec.replicas} (1 when unset); conditions
 *       {@code Available=True} (reason {@code MinimumReplicasAvailable}) and {@code Progressing=True} (reason
 *       {@code NewReplicaSetAvailable}).
 *   <li>StatefulSet: the same counts plus {@code currentReplicas}, and {@code currentRevision = updateRevision}; no
 *       conditions, as a real StatefulSet controller sets none.
 * </ul>
 *
 * A workload with at least one replica and a container or init-container image that contains
 * {@link #failImageMarker()} (default {@code fail}, e.g. {@code nginx:fail} or {@code registry/fail-app:1}) never
 * becomes ready: after the delay it gets {@code observedGeneration}, no ready or available replicas, and (Deployment)
 * {@code Available=False} reason {@code MinimumReplicasUnavailable} and {@code Progressing=False} reason
 * {@code ProgressDeadlineExceeded}. Zero counts are omitted ({@code null}), as the real API server omits them.
 *
 * <p>The controller works on the store in-process, not over HTTP: like a real cluster's own controllers, it keeps
 * working while the cluster is partitioned from its clients or answers them with errors, so a healed cluster shows
 * the status that the rollout reached meanwhile. Status writes never bump {@code metadata.generation}; spec writes by
 * clients do (the CRUD mock increments it on every change outside {@code metadata} and {@code status}).
 *
 * <p>All controllers of a fleet share the fleet's single scheduler thread; reconciling is a few in-memory JSON
 * operations per change.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class SimulatedController {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedController.class);

    private final String clusterName;
    private final SimulatedCrudDispatcher store;
    private final ScheduledExecutorService scheduler;
    private final String failImageMarker;
    private final Map<Key, Observation> observations = new ConcurrentHashMap<>();
    private final AtomicLong statusWrites = new AtomicLong();
    private volatile Duration delay;
    private volatile boolean running;

    SimulatedController(
            String clusterName,
            SimulatedCrudDispatcher store,
            ScheduledExecutorService scheduler,
            Duration delay,
            String failImageMarker) {
        this.clusterName = clusterName;
        this.store = store;
        this.scheduler = scheduler;
        this.delay = delay;
        this.failImageMarker = failImageMarker;
    }

    /** The name of the cluster this controller works for. */
    public String clusterName() {
        return clusterName;
    }

    /** How long a generation of a workload is known before the controller writes its final status. */
    public Duration delay() {
        return delay;
    }

    /**
     * Changes the rollout delay from now on; workloads already waiting are written once their generation has been
     * known for the new delay.
     *
     * @param delay the new delay, not negative
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public void delay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must be >= 0, but was " + delay);
        }
        this.delay = delay;
    }

    /** The substring that marks a container image as one that never becomes ready. */
    public String failImageMarker() {
        return failImageMarker;
    }

    /** How many status writes this controller has made since the fleet started. */
    public long statusWrites() {
        return statusWrites.get();
    }

    /**
     * Writes the {@code status} of a ResourceQuota as Kubernetes' quota controller would after counting the
     * namespace's usage: {@code status.hard} copied from {@code spec.hard} and {@code status.used} set to
     * {@code used}. The simulation has neither a quota controller nor quota admission, so nothing is counted and
     * nothing is enforced: the caller says what is used, and the mock API server accepts objects past any quota.
     * Written in-process, like the workload status, so it works while the cluster is partitioned; watches see it as
     * an update of the ResourceQuota.
     *
     * @param namespace the quota's namespace
     * @param name the quota's name
     * @param used usage by resource name, as Kubernetes quantities, e.g. {@code requests.cpu -> 3500m}
     * @throws IllegalArgumentException if there is no such ResourceQuota
     */
    public void resourceQuotaUsed(String namespace, String name, Map<String, String> used) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(used, "used");
        String path = "/api/v1/namespaces/" + namespace + "/resourcequotas/" + name;
        MockResponse current = store.call(HttpMethod.GET, path, null);
        if (current.code() != 200) {
            throw new IllegalArgumentException("simulated cluster " + clusterName + " has no ResourceQuota " + namespace
                    + "/" + name + " (GET answered " + current.code() + ")");
        }
        ResourceQuota quota = Serialization.unmarshal(body(current), ResourceQuota.class);
        Map<String, Quantity> usedQuantities = new LinkedHashMap<>();
        used.forEach((k, v) -> usedQuantities.put(k, new Quantity(v)));
        Map<String, Quantity> hard = quota.getSpec() == null || quota.getSpec().getHard() == null
                ? Map.of()
                : quota.getSpec().getHard();
        quota.setStatus(new ResourceQuotaStatus(new LinkedHashMap<>(hard), usedQuantities));
        // The stock CRUD mock has no status subresource for built-in kinds: the whole object is written back.
        MockResponse response = store.call(HttpMethod.PUT, path, Serialization.asJson(quota));
        if (response.code() / 100 != 2) {
            throw new IllegalStateException("writing the status of ResourceQuota " + namespace + "/" + name + " on "
                    + clusterName + " answered " + response.code());
        }
        statusWrites.incrementAndGet();
    }

    void start() {
        running = true;
        store.listener(this::changed);
        // Workloads stored before the listener was set (none today, as the fleet seeds only Nodes and Namespaces)
        // would be missed otherwise.
        for (WorkloadKind kind : WorkloadKind.values()) {
            enqueueAll(kind);
        }
    }

    void stop() {
        running = false;
        store.listener((kind, namespace, name, deleted) -> {});
        observations.clear();
    }

    private void enqueueAll(WorkloadKind kind) {
        MockResponse response = store.call(HttpMethod.GET, kind.listPath(), null);
        if (response.code() != 200) {
            return;
        }
        KubernetesResourceList<? extends HasMetadata> list = kind == WorkloadKind.DEPLOYMENT
                ? Serialization.unmarshal(body(response), DeploymentList.class)
                : Serialization.unmarshal(body(response), StatefulSetList.class);
        for (HasMetadata item : Objects.requireNonNullElse(list.getItems(), List.<HasMetadata>of())) {
            changed(kind, item.getMetadata().getNamespace(), item.getMetadata().getName(), false);
        }
    }

    // Runs on the thread that changed the store, under the store's write lock: only hand the work off.
    private void changed(WorkloadKind kind, String namespace, String name, boolean deleted) {
        Key key = new Key(kind, namespace, name);
        if (deleted) {
            observations.remove(key);
            return;
        }
        submit(key, () -> reconcile(key), 0L);
    }

    private void submit(Key key, Runnable task, long delayNanos) {
        if (!running) {
            return;
        }
        try {
            scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The fleet is closing; nothing is waiting for this status any more.
            LOG.debug("simulated controller of {} dropped {}: scheduler stopped", clusterName, key);
        }
    }

    private void reconcile(Key key) {
        if (!running) {
            return;
        }
        try {
            reconcileOnce(key);
        } catch (RuntimeException e) {
            // A bug or an object the rules cannot read: retry later rather than spin, and say which object.
            LOG.warn(
                    "simulated controller of {} failed to reconcile {}; retrying after {}", clusterName, key, delay, e);
            submit(key, () -> reconcile(key), Math.max(delay.toNanos(), TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }

    private void reconcileOnce(Key key) {
        MockResponse current = store.call(HttpMethod.GET, key.path(), null);
        if (current.code() == 404) {
            observations.remove(key);
            return;
        }
        if (current.code() != 200) {
            throw new IllegalStateException("reading " + key.path() + " answered " + current.code());
        }
        String json = body(current);
        if (key.kind() == WorkloadKind.DEPLOYMENT) {
            Deployment deployment = Serialization.unmarshal(json, Deployment.class);
            if (!due(
                    key,
                    deployment.getMetadata().getUid(),
                    deployment.getMetadata().getGeneration())) {
                return;
            }
            DeploymentStatus desired = WorkloadStatuses.deploymentStatus(deployment, failImageMarker, Instant.now());
            if (!WorkloadStatuses.sameIgnoringTimes(deployment.getStatus(), desired)) {
                deployment.setStatus(desired);
                writeStatus(key, Serialization.asJson(deployment));
            }
        } else {
            StatefulSet statefulSet = Serialization.unmarshal(json, StatefulSet.class);
            if (!due(
                    key,
                    statefulSet.getMetadata().getUid(),
                    statefulSet.getMetadata().getGeneration())) {
                return;
            }
            StatefulSetStatus desired = WorkloadStatuses.statefulSetStatus(statefulSet, failImageMarker);
            if (!desired.equals(statefulSet.getStatus())) {
                statefulSet.setStatus(desired);
                writeStatus(key, Serialization.asJson(statefulSet));
            }
        }
    }

    /**
     * Whether the object's current generation has been known for the delay; if not, schedules one reconcile for
     * when it will have been (at most one pending per object, so a burst of changes does not pile up timers).
     */
    private boolean due(Key key, @Nullable String uid, @Nullable Long generation) {
        long now = System.nanoTime();
        long gen = generation == null ? 1L : generation;
        String id = Objects.requireNonNullElse(uid, "");
        Observation observation = observations.compute(
                key,
                (k, old) -> old != null && old.uid().equals(id) && old.generation() == gen
                        ? old
                        : new Observation(id, gen, now, new AtomicBoolean()));
        long remaining = observation.firstSeenNanos() + delay.toNanos() - now;
        if (remaining <= 0) {
            return true;
        }
        if (observation.timerPending().compareAndSet(false, true)) {
            submit(
                    key,
                    () -> {
                        observation.timerPending().set(false);
                        reconcile(key);
                    },
                    remaining);
        }
        return false;
    }

    private void writeStatus(Key key, String body) {
        MockResponse response = store.call(HttpMethod.PUT, key.path() + "/status", body);
        if (response.code() == 404) {
            observations.remove(key);
            return;
        }
        if (response.code() / 100 != 2) {
            throw new IllegalStateException("writing the status of " + key.path() + " answered " + response.code());
        }
        statusWrites.incrementAndGet();
        LOG.debug("simulated controller of {} wrote the status of {}", clusterName, key);
    }

    private static String body(MockResponse response) {
        return response.getBody() == null ? "" : new String(response.getBody().getBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "SimulatedController[" + clusterName + ", delay=" + delay + ", failImageMarker=" + failImageMarker + "]";
    }

    private record Key(WorkloadKind kind, String namespace, String name) {
        String path() {
            return kind.path(namespace, name);
        }
    }

    private record Observation(String uid, long generation, long firstSeenNanos, AtomicBoolean timerPending) {}
}
