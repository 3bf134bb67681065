package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.federation.ClusterPropagationStatus;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.ObjectStatus;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.Propagation;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.PropagationStatus;
import dev.scaleplane.api.federation.WhatIf;
import dev.scaleplane.api.federation.WorkloadState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The fleet's view of one propagation: the request and decision in force, what each cluster should hold, the last
 * status of every object there, and the clusters it is leaving after a failover.
 *
 * <p>Thread-safe: mutable state is guarded by {@code this}; roll-ups are published outside the lock.
 */
final class PropagationState implements Propagation {

    /** What one cluster should hold and what it reported. */
    static final class Placed {
        final String cluster;
        final String region;
        int replicas;
        List<Manifest> desired;
        long revision;
        /** A failure of the apply in progress (retrying) or its refusal. */
        @Nullable
        String applyMessage;

        boolean refused;
        boolean applied;
        boolean leaving;
        boolean deleteQueued;
        /** A repair apply is queued: drift seen again before it ran queues nothing more. */
        boolean repairQueued;
        /** {@code metadata.generation} after the fleet's last write, by object id. */
        final Map<String, Long> appliedGenerations = new HashMap<>();
        /** The last live tree the watch reported, by object id; absent when not seen or deleted. */
        final Map<String, Map<String, Object>> live = new HashMap<>();

        Placed(String cluster, String region) {
            this.cluster = cluster;
            this.region = region;
        }
    }

    private final KubernetesFleet fleet;
    private PropagationRequest request;
    private PlacementDecision decision;
    private final Map<String, Placed> placed = new TreeMap<>();
    private final LatestValuePublisher<PropagationStatus> changes;
    private final List<CompletableFuture<PropagationStatus>> readyWaiters = new ArrayList<>();
    private final Executor executor;
    private final AtomicBoolean publishPending = new AtomicBoolean();
    /** Orders roll-ups and their offers; never held while taking this object's monitor first. */
    private final Object publishLock = new Object();

    private long revision;
    private boolean deleted;
    /** Clusters this propagation failed over from, for rebalancing when they return. */
    private final Set<String> evacuated = new HashSet<>();

    PropagationState(KubernetesFleet fleet, PropagationRequest request, PlacementDecision decision, Executor executor) {
        this.fleet = fleet;
        this.request = request;
        this.decision = decision;
        this.executor = executor;
        this.changes = new LatestValuePublisher<>(executor, null);
    }

    @Override
    public String id() {
        return request.id();
    }

    @Override
    public synchronized PropagationRequest request() {
        return request;
    }

    @Override
    public synchronized PlacementDecision decision() {
        return decision;
    }

    @Override
    public PlacementDecision simulate(WhatIf whatIf) {
        return fleet.simulate(this, whatIf);
    }

    synchronized void update(PropagationRequest request, PlacementDecision decision) {
        this.request = request;
        this.decision = decision;
    }

    synchronized long nextRevision() {
        return ++revision;
    }

    synchronized Map<String, Placed> placed() {
        return placed;
    }

    synchronized void evacuated(String cluster) {
        evacuated.add(cluster);
    }

    synchronized boolean evacuatedFrom(String cluster) {
        return evacuated.contains(cluster);
    }

    synchronized void returned(String cluster) {
        evacuated.remove(cluster);
    }

    synchronized boolean deleted() {
        return deleted;
    }

    synchronized void markDeleted() {
        deleted = true;
    }

    @Override
    public PropagationStatus status() {
        return rollUp(fleet.now());
    }

    /** Schedules a roll-up: published to subscribers and ready waiters, then clusters being left are checked. */
    void publish() {
        // Coalesced: a burst of watch events (hundreds per propagation over a large fleet) costs one roll-up, not
        // one per event; a change during a roll-up schedules the next one, so the last state is always published.
        if (publishPending.compareAndSet(false, true)) {
            executor.execute(() -> {
                publishPending.set(false);
                publishNow();
                fleet.afterStatusChange(this);
            });
        }
    }

    /** Computes the roll-up now, publishes it, and completes ready waiters. */
    void publishNow() {
        PropagationStatus s;
        // Two roll-ups may run at once on the fleet's pool (one scheduled while the other computes): computing and
        // offering under one lock keeps offers in computation order, so an older roll-up never lands last.
        synchronized (publishLock) {
            s = rollUp(fleet.now());
            changes.offer(s);
        }
        List<CompletableFuture<PropagationStatus>> done = new ArrayList<>();
        synchronized (this) {
            if (s.ready()) {
                done.addAll(readyWaiters);
                readyWaiters.clear();
            }
        }
        done.forEach(f -> f.complete(s));
    }

    synchronized PropagationStatus rollUp(Instant now) {
        List<ClusterPropagationStatus> clusters = new ArrayList<>();
        Map<String, WorkloadState> regions = new TreeMap<>();
        WorkloadState overall = WorkloadState.READY;
        for (Placed p : placed.values()) {
            WorkloadState state = WorkloadState.READY;
            String message = "";
            if (p.refused) {
                state = WorkloadState.ERR_APPLIED;
                message = p.applyMessage == null ? "" : p.applyMessage;
            } else if (!p.applied) {
                state = WorkloadState.PENDING;
                message = p.applyMessage == null ? "waiting to apply" : p.applyMessage;
            }
            List<ObjectStatus> objects = new ArrayList<>();
            for (Manifest m : p.desired) {
                ObjectStatus o = StatusWatcher.status(m, p);
                objects.add(o);
                state = WorkloadState.worst(state, o.state());
                if (message.isEmpty() && !o.message().isEmpty()) {
                    message = o.message();
                }
            }
            String unreachable = fleet.unreachableReason(p.cluster);
            if (unreachable != null && state != WorkloadState.ERR_APPLIED) {
                state = WorkloadState.worst(state, WorkloadState.UNKNOWN);
                message = unreachable;
            }
            if (p.leaving) {
                message = "leaving (failed over); " + message;
            }
            clusters.add(new ClusterPropagationStatus(p.cluster, p.region, state, p.replicas, objects, message, now));
            regions.merge(p.region, state, WorkloadState::worst);
            // A cluster being left does not hold the roll-up back once its replacements are ready.
            if (!p.leaving) {
                overall = WorkloadState.worst(overall, state);
            }
        }
        if (placed.isEmpty()) {
            overall = decision.satisfied() ? WorkloadState.PENDING : WorkloadState.ERR_APPLIED;
        }
        return new PropagationStatus(request.id(), overall, clusters, regions, decision, now);
    }

    @Override
    public Flow.Publisher<PropagationStatus> changes() {
        synchronized (publishLock) {
            if (changes.latest() == null) {
                changes.offer(status());
            }
        }
        return changes;
    }

    @Override
    public CompletableFuture<PropagationStatus> whenReady() {
        CompletableFuture<PropagationStatus> f = new CompletableFuture<>();
        PropagationStatus now = status();
        if (now.ready()) {
            f.complete(now);
            return f;
        }
        synchronized (this) {
            readyWaiters.add(f);
        }
        publish(); // a change between status() and registration is not missed
        return f;
    }

    @Override
    public CompletableFuture<Void> delete(boolean orphan) {
        return fleet.delete(this, orphan);
    }

    /** Every cluster the propagation has objects on. */
    synchronized List<String> clusters() {
        return new ArrayList<>(new TreeSet<>(placed.keySet()));
    }

    void close() {
        changes.close();
    }

    @Override
    public String toString() {
        return "Propagation{" + id() + "}";
    }
}
