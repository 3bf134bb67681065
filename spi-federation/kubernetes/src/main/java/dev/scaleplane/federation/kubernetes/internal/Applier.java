package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.federation.ApplyException;
import dev.scaleplane.api.federation.ApplyMode;
import dev.scaleplane.api.federation.ConflictPolicy;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.orchestration.Task;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Runs one task of type {@link KubernetesFleet#APPLY_TASK}: writes (or deletes) one propagation's objects on one
 * cluster. Idempotent, so a redelivered task does no harm: a create finds the object and updates it instead.
 *
 * <p>Failures are thrown, so the task queue decides: a refusal (a 4xx other than 409/429, or a conflict the policy
 * aborts on) is an {@link ApplyException} with the API server's message; an unreachable cluster (timeouts, 5xx, 429,
 * an open circuit) is retried with the queue's backoff.
 *
 * <p>Thread-safe; runs on the fleet's workers.
 */
final class Applier {
    private final KubernetesFleet fleet;

    Applier(KubernetesFleet fleet) {
        this.fleet = fleet;
    }

    @Nullable
    Object handle(Task task) throws Exception {
        KubernetesFleet.ClusterTask t = task.payload(KubernetesFleet.ClusterTask.class);
        if (!fleet.enter(t.cluster())) {
            // Another replica works this cluster. Retried: with a shared task queue its owner picks the task up;
            // when this replica takes the cluster over, it applies everything placed there anyway.
            throw new ClusterUnavailableException(
                    "cluster " + t.cluster() + " is worked by another replica; retrying", null);
        }
        try {
            return handleOwned(task, t);
        } finally {
            fleet.exit(t.cluster());
        }
    }

    private @Nullable Object handleOwned(Task task, KubernetesFleet.ClusterTask t) throws Exception {
        PropagationState p = fleet.state(t.propagation());
        if (p == null) {
            return "propagation " + t.propagation() + " is not known here";
        }
        List<Manifest> desired;
        PropagationRequest request = p.request();
        synchronized (p) {
            PropagationState.Placed placed = p.placed().get(t.cluster());
            if (placed == null) {
                return "no longer placed on " + t.cluster();
            }
            if (t.op().equals("apply") && (placed.revision > t.revision() || placed.leaving)) {
                return "superseded by revision " + placed.revision;
            }
            if (!t.op().equals("apply") && !placed.leaving && !p.deleted()) {
                return "no longer leaving " + t.cluster() + " (placed there again)";
            }
            desired = placed.desired;
        }
        ClusterConnection c = fleet.connection(t.cluster());
        if (c == null) {
            synchronized (p) {
                p.placed().remove(t.cluster());
            }
            p.publish();
            return "cluster " + t.cluster() + " is no longer registered";
        }
        // What this apply created, newest last: an all-or-nothing request deletes it again if the apply stops part-way.
        List<HasMetadata> created = new ArrayList<>();
        try {
            if (t.op().equals("apply")) {
                Map<String, Long> generations =
                        c.breaker().executeCallable(() -> applyAll(c, t.cluster(), request, desired, created));
                synchronized (p) {
                    PropagationState.Placed placed = p.placed().get(t.cluster());
                    if (placed != null && placed.revision == t.revision()) {
                        placed.applied = true;
                        placed.repairQueued = false;
                        placed.applyMessage = null;
                        placed.appliedGenerations.putAll(generations);
                    }
                }
            } else {
                boolean orphan = t.op().equals("orphan");
                c.breaker().executeCallable(() -> {
                    deleteAll(c.client(), desired, orphan);
                    return null;
                });
                boolean placedAgain;
                synchronized (p) {
                    PropagationState.Placed placed = p.placed().get(t.cluster());
                    // The cluster may have been chosen again while this delete ran (rebalance on return): then what
                    // was just deleted is wanted after all, and an apply of the new revision puts it back.
                    placedAgain = placed != null && !placed.leaving && !p.deleted();
                    if (placedAgain) {
                        placed.applied = false;
                    } else {
                        p.placed().remove(t.cluster());
                    }
                }
                if (placedAgain) {
                    fleet.propagator().submit(p, t.cluster(), "apply");
                    return t.op() + " done on " + t.cluster() + ", which is placed again: re-applying";
                }
                fleet.propagator().left(p, t.cluster());
            }
        } catch (ApplyException e) {
            failed(p, t, e.getMessage() + rollBack(c, request, created, true), true);
            throw e;
        } catch (ClusterUnavailableException e) {
            failed(p, t, e.getMessage() + rollBack(c, request, created, task.isLastAttempt()) + "; retrying", false);
            throw e;
        } catch (CallNotPermittedException e) {
            String m = "cluster " + t.cluster() + " unreachable (circuit open), retrying";
            failed(p, t, m, false);
            throw new ClusterUnavailableException(m, e);
        } catch (KubernetesClientException e) {
            String m = "cluster " + t.cluster() + ": " + KubernetesFleet.statusMessage(e);
            boolean refused = !KubernetesFleet.retryable(e);
            failed(p, t, m + rollBack(c, request, created, refused || task.isLastAttempt()), refused);
            throw new ClusterUnavailableException(m, e);
        }
        p.publish(); // also checks the clusters being left
        return t.op() + " done on " + t.cluster();
    }

    private void failed(PropagationState p, KubernetesFleet.ClusterTask t, String message, boolean refused) {
        synchronized (p) {
            PropagationState.Placed placed = p.placed().get(t.cluster());
            if (placed != null) {
                placed.applyMessage = message;
                placed.refused = refused;
            }
        }
        fleet.failures()
                .warn(
                        "apply-" + t.cluster(),
                        "propagation {}: {} on {} failed: {}",
                        t.propagation(),
                        t.op(),
                        t.cluster(),
                        message);
        p.publish();
    }

    /**
     * For an {@link PropagationRequest#allOrNothing()} request whose apply stopped for good: deletes what the apply
     * created, newest first, so the cluster keeps the whole set as it was or none of it. Returns the note for the
     * status message. A delete that fails is left to the next apply, which completes the set (it is idempotent).
     */
    private String rollBack(ClusterConnection c, PropagationRequest request, List<HasMetadata> created, boolean due) {
        if (!request.allOrNothing() || !due || created.isEmpty()) {
            return "";
        }
        int removed = 0;
        for (int i = created.size() - 1; i >= 0; i--) {
            HasMetadata obj = created.get(i);
            try {
                c.client().resource(obj).delete();
                removed++;
            } catch (KubernetesClientException e) {
                fleet.failures()
                        .warn(
                                "rollback-" + c.name(),
                                "propagation {}: rollback of {} {} on {} failed, the next apply repairs it: {}",
                                request.id(),
                                obj.getKind(),
                                obj.getMetadata().getName(),
                                c.name(),
                                KubernetesFleet.statusMessage(e));
            }
        }
        return "; rolled back (all or nothing): deleted " + removed + " of the " + created.size()
                + " objects this apply created";
    }

    /**
     * Writes every object in order; returns the generation of each after the write. Objects created (not updated)
     * are added to {@code created} as they are written.
     */
    private Map<String, Long> applyAll(
            ClusterConnection c,
            String cluster,
            PropagationRequest request,
            List<Manifest> desired,
            List<HasMetadata> created) {
        KubernetesClient client = c.client();
        Map<String, Long> generations = new HashMap<>();
        for (Manifest m : desired) {
            HasMetadata obj = KubernetesFleet.toObject(m);
            Resource<HasMetadata> r = client.resource(obj);
            HasMetadata written;
            try {
                if (AutoscalerRenderer.scaledByAutoscaler(m, desired)) {
                    // Its HPA owns the replicas once it exists: the write keeps the live count.
                    HasMetadata live = r.get();
                    if (live != null) {
                        obj = KubernetesFleet.toObject(
                                AutoscalerRenderer.withLiveReplicas(m, KubernetesManifestsAccess.tree(live)));
                        r = client.resource(obj);
                    }
                }
                if (request.applyMode() == ApplyMode.SERVER_SIDE_APPLY) {
                    written = client.resource(obj)
                            .fieldManager(request.fieldManager())
                            .forceConflicts()
                            .serverSideApply();
                } else {
                    HasMetadata live = r.get();
                    if (live == null) {
                        written = r.create();
                        created.add(written == null ? obj : written);
                    } else {
                        String owner = live.getMetadata().getLabels() == null
                                ? null
                                : live.getMetadata().getLabels().get(PropagationRequest.PROPAGATION_LABEL);
                        boolean ours = request.id().equals(owner);
                        if (!ours && request.conflictPolicy() == ConflictPolicy.ABORT) {
                            throw new ApplyException(
                                    cluster,
                                    m.kind(),
                                    name(m),
                                    0,
                                    "conflict: the object exists and was not created by propagation " + request.id()
                                            + (owner == null ? "" : " (it belongs to propagation " + owner + ")")
                                            + "; use ConflictPolicy.ADOPT or OVERWRITE to take it over",
                                    null);
                        }
                        if (!ours && request.conflictPolicy() == ConflictPolicy.OVERWRITE) {
                            obj.getMetadata()
                                    .setResourceVersion(live.getMetadata().getResourceVersion());
                            written = r.update();
                        } else {
                            // Ours, or adopted: a JSON merge patch of the desired fields, named by the field manager.
                            PatchContext ctx = new PatchContext.Builder()
                                    .withPatchType(PatchType.JSON_MERGE)
                                    .withFieldManager(request.fieldManager())
                                    .build();
                            written = r.patch(ctx, obj);
                        }
                    }
                }
            } catch (KubernetesClientException e) {
                String what = "cluster " + cluster + ": " + m.kind() + " " + name(m) + ": ";
                if (KubernetesFleet.retryable(e)) {
                    // Unreachable, overloaded or a write race: the task is retried with the queue's backoff.
                    throw new ClusterUnavailableException(what + KubernetesFleet.statusMessage(e), e);
                }
                throw new ApplyException(cluster, m.kind(), name(m), e.getCode(), KubernetesFleet.statusMessage(e), e);
            }
            Long g = written == null ? null : written.getMetadata().getGeneration();
            generations.put(m.id(), g == null ? 0L : g);
        }
        return generations;
    }

    private static void deleteAll(KubernetesClient client, List<Manifest> desired, boolean orphan) {
        List<Manifest> reversed = new ArrayList<>(desired);
        Collections.reverse(reversed);
        for (Manifest m : reversed) {
            HasMetadata obj = KubernetesFleet.toObject(m);
            if (orphan) {
                HasMetadata live = client.resource(obj).get();
                if (live != null && live.getMetadata().getLabels() != null) {
                    live.getMetadata().getLabels().remove(PropagationRequest.PROPAGATION_LABEL);
                    live.getMetadata().getLabels().remove(PropagationRequest.MANAGED_BY_LABEL);
                    client.resource(live).update();
                }
            } else {
                client.resource(obj).delete();
            }
        }
    }

    private static String name(Manifest m) {
        return m.namespace().isEmpty() ? m.name() : m.namespace() + "/" + m.name();
    }
}
