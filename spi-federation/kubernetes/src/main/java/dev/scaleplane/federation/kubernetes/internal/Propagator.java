package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.ClusterVerdict;
import dev.scaleplane.api.federation.FailoverDecision;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.PlacementException;
import dev.scaleplane.api.federation.Propagation;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.federation.PlacementEngine;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Propagations: placement, per-cluster desired objects, the apply and delete tasks, failover and rebalancing, and
 * their record in the event store so a restarted process takes them up again.
 *
 * <h2>Record</h2>
 *
 * Stream {@value #INDEX_STREAM} lists propagations created and deleted; stream {@code federation-propagation-<id>}
 * holds each placement (with the whole request), failover and cluster left. {@link #restore()} rebuilds every live
 * propagation from its last placement, marks its clusters not yet applied and queues their applies again: applies
 * are idempotent and level-triggered, so a restart neither skips a cluster nor creates anything twice.
 *
 * <p>Thread-safe: each propagation's state is guarded by its own lock.
 */
final class Propagator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Propagator.class);

    /** Stream listing propagations created and deleted. */
    static final String INDEX_STREAM = "federation-propagations";

    static final String PLACED = "dev.scaleplane.federation.propagation-placed.v1";
    static final String FAILED_OVER = "dev.scaleplane.federation.failover.v1";
    static final String LEFT = "dev.scaleplane.federation.cluster-left.v1";
    static final String CREATED = "dev.scaleplane.federation.propagation-created.v1";
    static final String DELETED = "dev.scaleplane.federation.propagation-deleted.v1";

    private final KubernetesFleet fleet;
    private final Platform platform;
    private final Executor executor;
    private final Map<String, PropagationState> propagations = new ConcurrentSkipListMap<>();
    private final SubmissionPublisher<FailoverDecision> failovers;
    /** propagation@cluster pairs whose failover was refused, so the refusal is reported once per outage. */
    private final Set<String> failoverRefused = ConcurrentHashMap.newKeySet();

    Propagator(KubernetesFleet fleet, Platform platform, Executor executor) {
        this.fleet = fleet;
        this.platform = platform;
        this.executor = executor;
        this.failovers = new SubmissionPublisher<>(executor, 1024);
    }

    @Nullable
    PropagationState get(String id) {
        return propagations.get(id);
    }

    Collection<PropagationState> all() {
        return propagations.values();
    }

    Flow.Publisher<FailoverDecision> failovers() {
        return failovers;
    }

    // ---- propagate ----

    Propagation propagate(PropagationRequest request) {
        PropagationState existing = propagations.get(request.id());
        PlacementDecision decision = PlacementEngine.decide(
                request.placement(), existing == null ? fleet.snapshot() : fleet.snapshotExcluding(existing));
        if (!decision.satisfied()) {
            throw new PlacementException(request.id(), decision);
        }
        // Rendered before anything changes: an override that does not apply fails the call and leaves no trace.
        Map<String, List<Manifest>> desired = render(request, decision);
        PropagationState state = existing != null
                ? existing
                : propagations.computeIfAbsent(
                        request.id(), id -> new PropagationState(fleet, request, decision, executor));
        if (existing == null) {
            append(INDEX_STREAM, CREATED, Map.of("propagation", request.id()), request.id());
        }
        List<String> toApply = new ArrayList<>();
        synchronized (state) {
            state.update(request, decision);
            long revision = state.nextRevision();
            for (var e : desired.entrySet()) {
                PropagationState.Placed p = placed(state, e.getKey());
                p.replicas = decision.replicas().getOrDefault(e.getKey(), 0);
                p.desired = e.getValue();
                p.revision = revision;
                p.applied = false;
                p.refused = false;
                p.leaving = false;
                p.applyMessage = null;
                toApply.add(e.getKey());
            }
            // No longer chosen (an update of the request): removed once the new placement is ready.
            for (PropagationState.Placed p : state.placed().values()) {
                if (!desired.containsKey(p.cluster)) {
                    p.leaving = true;
                }
            }
        }
        recordPlacement(state, request, decision, "propagated");
        for (String cluster : toApply) {
            fleet.watcher().watch(cluster, desired.get(cluster));
            submit(state, cluster, "apply");
        }
        state.publish();
        return state;
    }

    private Map<String, List<Manifest>> render(PropagationRequest request, PlacementDecision decision) {
        Map<String, List<Manifest>> desired = new LinkedHashMap<>();
        for (ClusterVerdict v : decision.chosen()) {
            ClusterConnection c = fleet.registry().get(v.cluster());
            if (c == null) {
                throw new IllegalStateException("cluster " + v.cluster() + " left the fleet while placing");
            }
            desired.put(v.cluster(), ManifestRenderer.render(request, c.spec(), decision.replicas()));
        }
        return desired;
    }

    /** The placed entry of {@code cluster}, created if absent. Call holding the propagation's lock. */
    private PropagationState.Placed placed(PropagationState state, String cluster) {
        return state.placed().computeIfAbsent(cluster, k -> {
            ClusterConnection c = fleet.registry().get(k);
            return new PropagationState.Placed(k, c == null ? "" : c.spec().region());
        });
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
                    .submit(TaskRequest.builder(
                                    KubernetesFleet.APPLY_TASK,
                                    new KubernetesFleet.ClusterTask(p.id(), cluster, op, revision))
                            // One key per propagation and cluster: its writes to a cluster stay in order.
                            .key(cluster + "/" + p.id())
                            .correlationId(p.id())
                            .build());
        } catch (RuntimeException e) {
            fleet.failures()
                    .warn("submit", "propagation {}: cannot queue the {} on {}: {}", p.id(), op, cluster, e.toString());
            synchronized (p) {
                PropagationState.Placed placed = p.placed().get(cluster);
                if (placed != null) {
                    placed.applyMessage = "cannot queue the " + op + ": " + e.getMessage();
                }
            }
            p.publish();
            return null;
        }
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
                    append(INDEX_STREAM, DELETED, Map.of("propagation", p.id(), "orphan", orphan), p.id());
                    propagations.remove(p.id(), p);
                    p.close();
                });
    }

    /** A cluster being left finished its deletion: recorded, so a restart does not take it up again. */
    void left(PropagationState p, String cluster) {
        if (!p.deleted()) {
            append(stream(p.id()), LEFT, Map.of("propagation", p.id(), "cluster", cluster), p.id());
        }
    }

    /** After a status change: removes the clusters being left once every other cluster is ready. */
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
                } else if (!fleet.watcher().ready(p, placed)) {
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
            if (fleet.registry().get(cluster) == null) {
                // Removed from the fleet: nothing to delete there any more.
                synchronized (p) {
                    p.placed().remove(cluster);
                }
                left(p, cluster);
                p.publish();
            } else {
                submit(p, cluster, "delete");
            }
        }
    }

    // ---- cluster events ----

    /** A cluster is ready again: what it missed is applied again, and propagations may move back to it. */
    void onClusterReady(String cluster) {
        failoverRefused.removeIf(k -> k.endsWith("@" + cluster));
        for (PropagationState p : propagations.values()) {
            // First whether the propagation moves back (which may cancel a pending removal from the cluster) ...
            if (p.request().rebalanceOnReturn() && p.evacuatedFrom(cluster)) {
                rebalance(p, cluster);
            }
            String op = null;
            boolean placedHere;
            synchronized (p) {
                PropagationState.Placed placed = p.placed().get(cluster);
                placedHere = placed != null;
                if (placed != null && !placed.applied && !placed.refused) {
                    op = placed.leaving ? (placed.deleteQueued ? "delete" : null) : "apply";
                }
            }
            // ... then, level-triggered, whatever was meant for it while it was away (applies are idempotent).
            if (op != null) {
                submit(p, cluster, op);
            }
            if (placedHere) {
                p.publish();
            }
        }
    }

    /**
     * This replica now works {@code cluster} (it took it over from another): everything placed there is applied
     * again, level-triggered, which also repairs drift that happened while no replica watched it.
     */
    void onClusterOwned(String cluster) {
        for (PropagationState p : propagations.values()) {
            String op = null;
            synchronized (p) {
                PropagationState.Placed placed = p.placed().get(cluster);
                if (placed != null && !placed.refused) {
                    op = placed.leaving ? (placed.deleteQueued ? "delete" : null) : "apply";
                }
            }
            if (op != null) {
                submit(p, cluster, op);
            }
        }
    }

    /** A cluster's health changed for the worse: statuses of propagations there say so. */
    void onClusterChanged(String cluster) {
        for (PropagationState p : propagations.values()) {
            if (p.placed().containsKey(cluster)) {
                p.publish();
            }
        }
    }

    void onPastToleration(String cluster, String reason) {
        for (PropagationState p : propagations.values()) {
            failover(p, cluster, reason);
        }
    }

    void onClusterRemoved(String cluster) {
        for (PropagationState p : propagations.values()) {
            failover(p, cluster, "cluster " + cluster + " removed from the fleet");
        }
    }

    // ---- failover and rebalancing ----

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
        PlacementDecision decision = PlacementEngine.decide(request.placement(), fleet.snapshotExcluding(p));
        if (!decision.satisfied() || decision.chosenNames().contains(lost)) {
            if (failoverRefused.add(p.id() + "@" + lost)) {
                String why = decision.satisfied()
                        ? lost + " is still chosen (its taint is tolerated)"
                        : decision.failureReason().orElse("no placement");
                log.warn("propagation {} cannot fail over from {}: {}", p.id(), lost, why);
                emit(p, List.of(), List.of(), decision, reason + "; not failed over: " + why);
            }
            return;
        }
        p.evacuated(lost);
        moveTo(p, request, decision, reason);
    }

    /** With {@code rebalanceOnReturn}: the returning cluster gets the propagation back if placement chooses it. */
    private void rebalance(PropagationState p, String returned) {
        PropagationRequest request = p.request();
        PlacementDecision decision = PlacementEngine.decide(request.placement(), fleet.snapshotExcluding(p));
        if (!decision.satisfied() || !decision.chosenNames().contains(returned)) {
            return;
        }
        p.returned(returned);
        moveTo(p, request, decision, returned + " is ready again; rebalancing on return");
    }

    /** Applies a new decision: new clusters joined, changed ones re-applied, dropped ones left once others are ready. */
    private void moveTo(PropagationState p, PropagationRequest request, PlacementDecision decision, String reason) {
        Map<String, List<Manifest>> desired;
        try {
            desired = render(request, decision);
        } catch (RuntimeException e) {
            log.warn("propagation {} cannot move: {}", p.id(), e.getMessage());
            return;
        }
        List<String> joining = new ArrayList<>();
        List<String> leaving = new ArrayList<>();
        List<String> reapply = new ArrayList<>();
        synchronized (p) {
            p.update(request, decision);
            long revision = p.nextRevision();
            for (var e : desired.entrySet()) {
                PropagationState.Placed placed = p.placed().get(e.getKey());
                if (placed == null || placed.leaving) {
                    joining.add(e.getKey());
                    placed = placed(p, e.getKey());
                } else if (placed.desired.equals(e.getValue())) {
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
                placed.deleteQueued = false;
            }
            for (PropagationState.Placed placed : p.placed().values()) {
                if (!desired.containsKey(placed.cluster) && !placed.leaving) {
                    placed.leaving = true;
                    leaving.add(placed.cluster);
                }
            }
        }
        emit(p, leaving, joining, decision, reason);
        for (String cluster : joining) {
            fleet.watcher().watch(cluster, desired.get(cluster));
            submit(p, cluster, "apply");
        }
        for (String cluster : reapply) {
            submit(p, cluster, "apply");
        }
        p.publish();
    }

    private void emit(
            PropagationState p, List<String> leaving, List<String> joining, PlacementDecision decision, String reason) {
        FailoverDecision d = new FailoverDecision(p.id(), leaving, joining, decision, fleet.now(), reason);
        log.info("propagation {} moves: leaving {} joining {} ({})", p.id(), leaving, joining, reason);
        failovers.offer(d, null);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("propagation", p.id());
        data.put("leaving", leaving);
        data.put("joining", joining);
        data.put("reason", reason);
        data.put("chosen", decision.satisfied() ? decision.chosenNames() : null);
        data.put("replicas", decision.satisfied() ? new LinkedHashMap<>(decision.replicas()) : null);
        data.put("decision", decision.explain());
        append(stream(p.id()), FAILED_OVER, data, p.id());
        fleet.publish(FAILED_OVER, data, leaving.isEmpty() ? p.id() : String.join(",", leaving));
    }

    private void recordPlacement(
            PropagationState p, PropagationRequest request, PlacementDecision decision, String what) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("propagation", p.id());
        data.put("what", what);
        data.put("chosen", decision.chosenNames());
        data.put("replicas", new LinkedHashMap<>(decision.replicas()));
        data.put("decision", decision.explain());
        data.put("request", PropagationCodec.encode(request));
        append(stream(p.id()), PLACED, data, p.id());
    }

    static String stream(String id) {
        return "federation-propagation-" + id;
    }

    /** Appends and waits: a placement that is not recorded would be lost to a restart, so it must fail loudly. */
    private void append(String stream, String type, Map<String, Object> data, String subject) {
        try {
            platform.store()
                    .append(
                            stream,
                            ExpectedVersion.ANY,
                            List.of(Event.builder(type, data)
                                    .source(KubernetesFleet.SOURCE)
                                    .subject(subject)
                                    .build()))
                    .join();
        } catch (RuntimeException e) {
            fleet.failures()
                    .warn("record", "propagation {}: {} not recorded in {}: {}", subject, type, stream, e.toString());
        }
    }

    // ---- restore ----

    /** Takes up every propagation recorded and not deleted; see the class comment. */
    @SuppressWarnings("unchecked")
    void restore() {
        Set<String> live = new LinkedHashSet<>();
        for (RecordedEvent r : readAll(INDEX_STREAM)) {
            String id = (String) KubernetesFleet.dataOf(r.event()).get("propagation");
            if (r.event().type().equals(CREATED)) {
                live.add(id);
            } else if (r.event().type().equals(DELETED)) {
                live.remove(id);
            }
        }
        for (String id : live) {
            try {
                restore(id);
            } catch (RuntimeException e) {
                log.error("propagation {} cannot be restored from {}: {}", id, stream(id), e.toString());
            }
        }
        if (!live.isEmpty()) {
            log.info("restored {} propagations from the event store", propagations.size());
        }
    }

    @SuppressWarnings("unchecked")
    private void restore(String id) {
        PropagationRequest request = null;
        Map<String, Integer> chosen = new LinkedHashMap<>();
        Set<String> leaving = new LinkedHashSet<>();
        for (RecordedEvent r : readAll(stream(id))) {
            Map<String, Object> data = KubernetesFleet.dataOf(r.event());
            switch (r.event().type()) {
                case PLACED -> {
                    request = PropagationCodec.decode((Map<String, Object>) data.get("request"));
                    leaving.addAll(chosen.keySet());
                    chosen = replicas(data);
                    leaving.removeAll(chosen.keySet());
                }
                case FAILED_OVER -> {
                    if (data.get("chosen") != null) {
                        leaving.addAll(chosen.keySet());
                        chosen = replicas(data);
                        leaving.removeAll(chosen.keySet());
                    }
                }
                case LEFT -> leaving.remove((String) data.get("cluster"));
                default -> log.debug(
                        "propagation {}: ignoring event type {}", id, r.event().type());
            }
        }
        if (request == null) {
            return;
        }
        List<ClusterVerdict> verdicts = new ArrayList<>();
        String note = "restored from stream " + stream(id);
        for (var e : chosen.entrySet()) {
            ClusterConnection c = fleet.registry().get(e.getKey());
            ClusterSpec spec = c == null ? null : c.spec();
            verdicts.add(new ClusterVerdict(
                    e.getKey(),
                    spec == null ? "" : spec.region(),
                    spec == null ? "" : spec.zone(),
                    true,
                    e.getValue(),
                    0,
                    List.of(),
                    List.of(note)));
        }
        PlacementDecision decision = new PlacementDecision(request.placement(), fleet.now(), verdicts, null);
        PropagationState state = new PropagationState(fleet, request, decision, executor);
        propagations.put(id, state);
        List<String> apply = new ArrayList<>();
        synchronized (state) {
            long revision = state.nextRevision();
            for (ClusterVerdict v : verdicts) {
                ClusterConnection c = fleet.registry().get(v.cluster());
                if (c == null) {
                    continue; // removed while this process was down: the next failover check moves it
                }
                PropagationState.Placed p = placed(state, v.cluster());
                p.replicas = v.replicas();
                p.desired = ManifestRenderer.render(request, c.spec(), chosen);
                p.revision = revision;
                apply.add(v.cluster());
            }
            for (String cluster : leaving) {
                ClusterConnection c = fleet.registry().get(cluster);
                if (c == null) {
                    continue;
                }
                PropagationState.Placed p = placed(state, cluster);
                p.desired = ManifestRenderer.render(request, c.spec(), Map.of());
                p.revision = revision;
                p.leaving = true;
            }
        }
        for (String cluster : apply) {
            fleet.watcher().watch(cluster, state.placed().get(cluster).desired);
            submit(state, cluster, "apply");
        }
        state.publish();
    }

    private static Map<String, Integer> replicas(Map<String, Object> data) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Object chosen = data.get("chosen");
        Object replicas = data.get("replicas");
        if (chosen instanceof List<?> names) {
            for (Object n : names) {
                Object r = replicas instanceof Map<?, ?> m ? m.get(n) : null;
                out.put(String.valueOf(n), r instanceof Number num ? num.intValue() : 0);
            }
        }
        return out;
    }

    private List<RecordedEvent> readAll(String stream) {
        List<RecordedEvent> all = new ArrayList<>();
        long from = 0;
        while (true) {
            List<RecordedEvent> page = platform.store().readStream(stream, ReadDirection.FORWARD, from, 500);
            all.addAll(page);
            if (page.size() < 500) {
                return all;
            }
            from = page.get(page.size() - 1).version() + 1;
        }
    }

    @Override
    public void close() {
        propagations.values().forEach(PropagationState::close);
        failovers.close();
    }
}
