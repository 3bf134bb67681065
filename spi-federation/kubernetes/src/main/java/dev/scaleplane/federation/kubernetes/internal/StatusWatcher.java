package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.federation.Condition;
import dev.scaleplane.api.federation.DriftPolicy;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.ObjectStatus;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.WorkloadState;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Status from watches, not polling: one informer per cluster and kind, selecting objects that carry the propagation
 * label. Each event updates the live tree of that object in its propagation, checks it for drift (and queues a
 * repair under {@link DriftPolicy#REPAIR}), and publishes the propagation's roll-up.
 *
 * <p>Object state rules: {@code ERR_APPLIED}/{@code PENDING} come from the apply; then a live object that differs
 * from the applied one in any field the fleet set ({@code spec}, its labels and annotations) is {@code MODIFIED};
 * a workload ({@code spec.replicas}) whose controller has not observed the applied generation is {@code PENDING},
 * one with fewer ready replicas than desired is {@code NOT_READY}; otherwise {@code READY}.
 *
 * <p>Thread-safe.
 */
final class StatusWatcher implements AutoCloseable {
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /**
     * Start of the status message of a cluster whose drift is being repaired (under {@link DriftPolicy#REPAIR}):
     * {@code repairing drift of <Kind/namespace/name>: <what differs>}. The tenants' status reads it.
     */
    static final String REPAIRING_DRIFT = "repairing drift of ";

    private final KubernetesFleet fleet;
    /** Informers by cluster, then by apiVersion/kind. */
    private final Map<String, Map<String, SharedIndexInformer<? extends HasMetadata>>> informers =
            new ConcurrentHashMap<>();

    StatusWatcher(KubernetesFleet fleet) {
        this.fleet = fleet;
    }

    /** Makes sure {@code cluster} has an informer for the kind of each manifest. */
    void watch(String cluster, List<Manifest> manifests) {
        ClusterConnection c = fleet.connection(cluster);
        if (c == null || !fleet.owns(cluster)) {
            return; // another replica watches it; this one starts when it takes the cluster over (rewatch)
        }
        Map<String, SharedIndexInformer<? extends HasMetadata>> byKind =
                informers.computeIfAbsent(cluster, k -> new ConcurrentHashMap<>());
        for (Manifest m : manifests) {
            byKind.computeIfAbsent(m.apiVersion() + "/" + m.kind(), k -> inform(c, m));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private SharedIndexInformer<? extends HasMetadata> inform(ClusterConnection c, Manifest sample) {
        String cluster = c.name();
        Class<? extends HasMetadata> type = KubernetesFleet.toObject(sample).getClass();
        ResourceEventHandler handler = new ResourceEventHandler<HasMetadata>() {
            @Override
            public void onAdd(HasMetadata obj) {
                observed(cluster, obj, false);
            }

            @Override
            public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
                observed(cluster, newObj, false);
            }

            @Override
            public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
                observed(cluster, obj, true);
            }
        };
        // Started without waiting for the first list: an unreachable cluster must not block propagate().
        // Built-in kinds through their typed client; custom resources through the generic one (API discovery).
        var operation = type == GenericKubernetesResource.class
                ? c.client().genericKubernetesResources(sample.apiVersion(), sample.kind())
                : c.client().resources(type);
        SharedIndexInformer informer = operation
                .inAnyNamespace()
                .withLabel(PropagationRequest.PROPAGATION_LABEL)
                .runnableInformer(0);
        informer.addEventHandler(handler);
        // fabric8 stops an informer whose list fails (a 503 burst, a partition) unless told to retry; status must
        // come back on its own when the cluster does, so every failure is retried (with fabric8's backoff).
        informer.exceptionHandler((started, failure) -> {
            fleet.failures()
                    .warn(
                            "watch-" + cluster,
                            "cluster {}: watch of {} failed, retrying: {}",
                            cluster,
                            sample.kind(),
                            KubernetesFleet.rootMessage(failure));
            return true;
        });
        informer.start();
        return informer;
    }

    /** Recreates a cluster's informers on its new client after an update. */
    void reconnect(ClusterConnection c) {
        Map<String, SharedIndexInformer<? extends HasMetadata>> old = informers.remove(c.name());
        if (old == null) {
            return;
        }
        old.values().forEach(SharedIndexInformer::close);
        for (var p : fleetPropagations(c.name())) {
            watch(c.name(), p);
        }
    }

    /** Starts the informers of every propagation placed on {@code cluster}, which this replica now works. */
    void rewatch(String cluster) {
        for (var p : fleetPropagations(cluster)) {
            watch(cluster, p);
        }
    }

    private List<List<Manifest>> fleetPropagations(String cluster) {
        List<List<Manifest>> out = new ArrayList<>();
        for (var prop : fleet.propagations()) {
            PropagationState s = (PropagationState) prop;
            synchronized (s) {
                PropagationState.Placed placed = s.placed().get(cluster);
                if (placed != null) {
                    out.add(placed.desired);
                }
            }
        }
        return out;
    }

    /** Stops a removed cluster's informers. */
    void forget(String cluster) {
        Map<String, SharedIndexInformer<? extends HasMetadata>> old = informers.remove(cluster);
        if (old != null) {
            old.values().forEach(SharedIndexInformer::close);
        }
    }

    private void observed(String cluster, HasMetadata obj, boolean deleted) {
        Map<String, String> labels = obj.getMetadata().getLabels();
        String id = labels == null ? null : labels.get(PropagationRequest.PROPAGATION_LABEL);
        PropagationState p = id == null ? null : fleet.state(id);
        if (p == null) {
            return;
        }
        boolean repair = false;
        synchronized (p) {
            PropagationState.Placed placed = p.placed().get(cluster);
            Manifest m = placed == null ? null : match(placed.desired, obj);
            if (m == null) {
                return;
            }
            if (deleted) {
                placed.live.remove(m.id());
            } else {
                placed.live.put(m.id(), KubernetesManifestsAccess.tree(obj));
            }
            String found = placed.applied
                            && !placed.leaving
                            && !placed.repairQueued
                            && p.request().driftPolicy() == DriftPolicy.REPAIR
                    ? drift(m, placed.desired, placed.live.get(m.id()))
                    : null;
            if (found != null) {
                placed.repairQueued = true;
                placed.applied = false;
                // Reported until the repair is applied: under REPAIR the status says what drifted, not just PENDING.
                placed.applyMessage = REPAIRING_DRIFT + m.id() + ": " + found;
                repair = true;
            }
        }
        if (repair) {
            fleet.submit(p, cluster, "apply");
        }
        p.publish(); // also checks the clusters being left
    }

    /** The desired manifest {@code obj} is the live copy of, if any. */
    private static @Nullable Manifest match(List<Manifest> desired, HasMetadata obj) {
        String ns = obj.getMetadata().getNamespace() == null
                ? ""
                : obj.getMetadata().getNamespace();
        for (Manifest m : desired) {
            if (m.kind().equals(obj.getKind())
                    && m.name().equals(obj.getMetadata().getName())
                    && (m.namespace().isEmpty() || m.namespace().equals(ns))) {
                return m;
            }
        }
        return null;
    }

    /** Whether every object of {@code placed} is READY. Call holding the propagation's lock. */
    boolean ready(PropagationState p, PropagationState.Placed placed) {
        if (!placed.applied) {
            return false;
        }
        for (Manifest m : placed.desired) {
            if (status(m, placed).state() != WorkloadState.READY) {
                return false;
            }
        }
        return true;
    }

    /** The status of one object from what was applied and what the watch last saw. */
    @SuppressWarnings("unchecked")
    static ObjectStatus status(Manifest m, PropagationState.Placed placed) {
        Map<String, Object> live = placed.live.get(m.id());
        long applied = placed.appliedGenerations.getOrDefault(m.id(), 0L);
        if (live == null) {
            WorkloadState s = placed.refused
                    ? WorkloadState.ERR_APPLIED
                    : placed.applied ? WorkloadState.MODIFIED : WorkloadState.PENDING;
            String message = placed.refused || !placed.applied
                    ? (placed.applyMessage == null ? "not applied yet" : placed.applyMessage)
                    : "deleted outside the fleet";
            return new ObjectStatus(m.kind(), m.namespace(), m.name(), s, applied, 0, 0, 0, 0, List.of(), message);
        }
        Map<String, Object> metadata = (Map<String, Object>) live.getOrDefault("metadata", Map.of());
        Map<String, Object> spec = live.get("spec") instanceof Map<?, ?> sm ? (Map<String, Object>) sm : Map.of();
        Map<String, Object> status = live.get("status") instanceof Map<?, ?> st ? (Map<String, Object>) st : Map.of();
        long generation = number(metadata.get("generation"));
        long observed = number(status.get("observedGeneration"));
        int desiredReplicas = (int) number(spec.get("replicas"));
        int ready = (int) number(status.get("readyReplicas"));
        int available = (int) number(status.get("availableReplicas"));
        List<Condition> conditions = new ArrayList<>();
        if (status.get("conditions") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> c) {
                    conditions.add(new Condition(
                            String.valueOf(c.get("type")),
                            String.valueOf(c.get("status")),
                            c.get("reason") == null ? "" : String.valueOf(c.get("reason")),
                            c.get("message") == null ? "" : String.valueOf(c.get("message"))));
                }
            }
        }
        WorkloadState state;
        String message = "";
        String drift = placed.applied ? drift(m, placed.desired, live) : null;
        if (placed.refused) {
            state = WorkloadState.ERR_APPLIED;
            message = placed.applyMessage == null ? "" : placed.applyMessage;
        } else if (!placed.applied) {
            // Not drift: the live object is the previous revision until this one is written.
            state = WorkloadState.PENDING;
            message = placed.applyMessage == null ? "applying" : placed.applyMessage;
        } else if (drift != null) {
            state = WorkloadState.MODIFIED;
            message = "drift: " + drift;
        } else if (spec.containsKey("replicas")) {
            if (observed < Math.max(generation, applied)) {
                state = WorkloadState.PENDING;
                message = "waiting for the controller to observe generation " + Math.max(generation, applied);
            } else if (ready < desiredReplicas) {
                state = WorkloadState.NOT_READY;
                message = "ready " + ready + "/" + desiredReplicas + conditionMessage(conditions);
            } else {
                state = WorkloadState.READY;
            }
        } else {
            state = WorkloadState.READY;
        }
        return new ObjectStatus(
                m.kind(),
                m.namespace(),
                m.name(),
                state,
                applied,
                observed,
                desiredReplicas,
                ready,
                available,
                conditions,
                message);
    }

    private static String conditionMessage(List<Condition> conditions) {
        for (Condition c : conditions) {
            if (c.status().equals("False") && !c.reason().isEmpty()) {
                return " (" + c.type() + "=False: " + c.reason() + ")";
            }
        }
        return "";
    }

    private static long number(@Nullable Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    /**
     * The first field the fleet set that the live object no longer has, as {@code path: live X, applied Y}; null
     * when none. Compares {@code spec} and the fleet's labels and annotations as a subset: fields the API server
     * or a controller added (defaults, status) are not drift, nor the replicas of a workload an HPA of {@code all}
     * (the cluster's desired objects) scales.
     */
    @SuppressWarnings("unchecked")
    static @Nullable String drift(Manifest desired, List<Manifest> all, @Nullable Map<String, Object> live) {
        if (live == null) {
            return "deleted outside the fleet";
        }
        // Replicas an HPA scales are the HPA's to change, not drift.
        Map<String, Object> d = AutoscalerRenderer.scaledByAutoscaler(desired, all)
                ? AutoscalerRenderer.withoutReplicas(desired).tree()
                : desired.tree();
        if (d.get("spec") != null) {
            String diff = subset(d.get("spec"), live.get("spec"), "spec");
            if (diff != null) {
                return diff;
            }
        }
        Map<String, Object> dm = (Map<String, Object>) d.getOrDefault("metadata", Map.of());
        Map<String, Object> lm = (Map<String, Object>) live.getOrDefault("metadata", Map.of());
        for (String field : List.of("labels", "annotations")) {
            if (dm.get(field) != null) {
                String diff = subset(dm.get(field), lm.get(field), "metadata." + field);
                if (diff != null) {
                    return diff;
                }
            }
        }
        for (String field : List.of("data", "stringData", "rules", "subjects", "roleRef")) {
            if (d.get(field) != null) {
                String diff = subset(d.get(field), live.get(field), field);
                if (diff != null) {
                    return diff;
                }
            }
        }
        return null;
    }

    private static @Nullable String subset(@Nullable Object want, @Nullable Object have, String path) {
        if (want instanceof Map<?, ?> wm) {
            if (!(have instanceof Map<?, ?> hm)) {
                return path + ": live " + have + ", applied " + want;
            }
            for (Map.Entry<?, ?> e : wm.entrySet()) {
                String diff = subset(e.getValue(), hm.get(e.getKey()), path + "." + e.getKey());
                if (diff != null) {
                    return diff;
                }
            }
            return null;
        }
        if (want instanceof List<?> wl) {
            if (!(have instanceof List<?> hl) || hl.size() != wl.size()) {
                return path + ": live " + have + ", applied " + want;
            }
            for (int i = 0; i < wl.size(); i++) {
                String diff = subset(wl.get(i), hl.get(i), path + "[" + i + "]");
                if (diff != null) {
                    return diff;
                }
            }
            return null;
        }
        if (want instanceof Number wn && have instanceof Number hn) {
            return wn.doubleValue() == hn.doubleValue() ? null : path + ": live " + have + ", applied " + want;
        }
        return Objects.equals(want, have) || want == null ? null : path + ": live " + have + ", applied " + want;
    }

    @Override
    public void close() {
        informers.values().forEach(m -> m.values().forEach(SharedIndexInformer::close));
        informers.clear();
    }
}
