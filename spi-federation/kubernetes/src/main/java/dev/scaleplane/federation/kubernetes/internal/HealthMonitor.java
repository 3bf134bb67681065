package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.events.catalog.HealthStatus;
import dev.scaleplane.api.events.catalog.PlatformHealthCheck;
import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterHealthChange;
import dev.scaleplane.api.federation.ClusterSpec;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every cluster on the fleet's one scheduler thread (the call itself runs on the worker pool, bounded by the
 * probe timeout): a node list, which also gives the discovered capacity. Outcomes go through the cluster's
 * thresholds; a transition is published ({@link ClusterHealthChange}, {@code PlatformHealthCheck}) and handed to
 * the propagator, which re-applies on return and fails over past the toleration.
 *
 * <p>Thread-safe.
 */
final class HealthMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

    private final KubernetesFleet fleet;
    private final ScheduledExecutorService scheduler;
    private final Executor executor;
    private final Map<String, ScheduledFuture<?>> probes = new ConcurrentHashMap<>();
    private final SubmissionPublisher<ClusterHealthChange> changes;

    HealthMonitor(KubernetesFleet fleet, ScheduledExecutorService scheduler, Executor executor) {
        this.fleet = fleet;
        this.scheduler = scheduler;
        this.executor = executor;
        this.changes = new SubmissionPublisher<>(executor, 1024);
    }

    Flow.Publisher<ClusterHealthChange> changes() {
        return changes;
    }

    /** Starts probing {@code c} now and every probe interval. */
    void start(ClusterConnection c) {
        if (!fleet.owns(c.name())) {
            return; // another replica probes it
        }
        long interval = fleet.config().probeInterval().toMillis();
        ScheduledFuture<?> old = probes.put(
                c.name(), scheduler.scheduleWithFixedDelay(() -> probe(c), 0, interval, TimeUnit.MILLISECONDS));
        if (old != null) {
            old.cancel(false);
        }
    }

    void stop(String cluster) {
        ScheduledFuture<?> probe = probes.remove(cluster);
        if (probe != null) {
            probe.cancel(false);
        }
    }

    private void probe(ClusterConnection c) {
        if (fleet.closed() || fleet.registry().get(c.name()) != c || !fleet.enter(c.name())) {
            return;
        }
        CompletableFuture.supplyAsync(() -> c.client().nodes().list(), executor)
                .orTimeout(fleet.config().probeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((nodes, error) -> {
                    try {
                        outcome(c, nodes, error);
                    } finally {
                        fleet.exit(c.name());
                    }
                });
    }

    private void outcome(ClusterConnection c, @Nullable NodeList nodes, @Nullable Throwable error) {
        boolean ok = error == null;
        boolean answered = ok;
        String reason = "ok";
        if (ok && nodes != null) {
            c.discovered(capacityOf(nodes.getItems()));
        } else {
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TimeoutException) {
                reason =
                        "probe timed out after " + fleet.config().probeTimeout().toMillis() + "ms";
            } else if (cause instanceof KubernetesClientException k && k.getCode() > 0) {
                answered = true;
                reason = "HTTP " + k.getCode() + ": " + KubernetesFleet.statusMessage(k);
            } else {
                reason = "unreachable: " + KubernetesFleet.rootMessage(cause);
            }
            fleet.failures().warn("probe-" + c.name(), "cluster {} probe failed: {}", c.name(), reason);
        }
        onProbe(c, ok, answered, reason);
    }

    private void onProbe(ClusterConnection c, boolean ok, boolean answered, String reason) {
        if (fleet.closed()) {
            return;
        }
        Instant at = fleet.now();
        ClusterHealth[] change = c.record(
                ok,
                answered,
                reason,
                at,
                fleet.config().failureThreshold(),
                fleet.config().successThreshold());
        if (change != null) {
            onHealthChange(c, change[0], change[1], reason, at);
        }
        if (c.pastToleration(at, fleet.config().toleration())) {
            fleet.propagator()
                    .onPastToleration(
                            c.name(),
                            c.name() + " " + fleet.unreachableReason(c.name()) + " past toleration "
                                    + fleet.config().toleration().toSeconds() + "s");
        }
    }

    private void onHealthChange(ClusterConnection c, ClusterHealth from, ClusterHealth to, String reason, Instant at) {
        log.info("cluster {} {} -> {} ({})", c.name(), from, to, reason);
        ClusterSpec spec = c.spec();
        changes.offer(new ClusterHealthChange(c.name(), spec.region(), from, to, at, reason), null);
        HealthStatus status =
                switch (to) {
                    case READY -> HealthStatus.UP;
                    case NOT_READY -> HealthStatus.DEGRADED;
                    case UNKNOWN -> HealthStatus.DOWN;
                };
        fleet.publish(
                PlatformHealthCheck.TYPE_NAME,
                new PlatformHealthCheck(
                        "cluster/" + c.name(),
                        status,
                        spec.region(),
                        Map.of("from", from.name(), "to", to.name(), "reason", reason)),
                c.name());
        if (to == ClusterHealth.READY) {
            c.breaker().reset();
            fleet.propagator().onClusterReady(c.name());
        } else {
            fleet.propagator().onClusterChanged(c.name());
        }
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

    @Override
    public void close() {
        probes.values().forEach(f -> f.cancel(false));
        probes.clear();
        changes.close();
    }
}
