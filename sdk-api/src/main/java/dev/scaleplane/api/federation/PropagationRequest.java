package dev.scaleplane.api.federation;

import dev.scaleplane.api.ConfigurationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Objects to propagate to the clusters a placement chooses, with per-cluster overrides and the policies for
 * conflicts, drift, failover and apply mode.
 *
 * <p>The {@link #id()} names the propagation: it marks every object applied (label
 * {@value #PROPAGATION_LABEL}), keys its tasks, and makes {@link Fleet#propagate(PropagationRequest)} idempotent
 * (propagating the same id again updates it).
 *
 * <p>Immutable. Build with {@link #builder(String)}.
 */
public final class PropagationRequest {

    /** Label carrying the propagation id on every applied object. */
    public static final String PROPAGATION_LABEL = "federation.scaleplane.dev/propagation";

    /** Label saying the object is managed by Scaleplane. */
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

    /** Value of {@link #MANAGED_BY_LABEL}. */
    public static final String MANAGED_BY = "scaleplane";

    /** Default field manager. */
    public static final String DEFAULT_FIELD_MANAGER = "scaleplane";

    private final String id;
    private final List<Manifest> objects;
    private final PlacementPolicy placement;
    private final List<ClusterOverride> overrides;
    private final ConflictPolicy conflictPolicy;
    private final DriftPolicy driftPolicy;
    private final ApplyMode applyMode;
    private final String fieldManager;
    private final boolean failover;
    private final boolean rebalanceOnReturn;
    private final boolean allOrNothing;
    private final List<HorizontalAutoscaling> autoscaling;

    private PropagationRequest(Builder b) {
        id = b.id;
        objects = List.copyOf(b.objects);
        placement = b.placement;
        overrides = List.copyOf(b.overrides);
        conflictPolicy = b.conflictPolicy;
        driftPolicy = b.driftPolicy;
        applyMode = b.applyMode;
        fieldManager = b.fieldManager;
        failover = b.failover;
        rebalanceOnReturn = b.rebalanceOnReturn;
        allOrNothing = b.allOrNothing;
        autoscaling = List.copyOf(b.autoscaling);
        if (objects.isEmpty()) {
            throw new IllegalArgumentException("propagation " + id + " needs at least one object");
        }
        Set<String> seen = new HashSet<>();
        for (Manifest m : objects) {
            if (!seen.add(m.id())) {
                throw new IllegalArgumentException("propagation " + id + " holds " + m.id() + " twice");
            }
        }
        checkAutoscaling();
    }

    /** Every autoscaler targets a Deployment of the objects, once, and its HPA's name is free; overrides need one. */
    private void checkAutoscaling() {
        List<ConfigurationException.Problem> problems = new ArrayList<>();
        List<String> deployments = objects.stream()
                .filter(m -> m.kind().equals("Deployment"))
                .map(Manifest::name)
                .toList();
        Set<String> targeted = new HashSet<>();
        for (int i = 0; i < autoscaling.size(); i++) {
            String name = autoscaling.get(i).deployment();
            String key = "autoscaling[" + i + "].deployment";
            if (!deployments.contains(name)) {
                problems.add(new ConfigurationException.Problem(
                        key,
                        name,
                        "the name of a Deployment among the objects of propagation " + id + ": " + deployments));
            } else if (!targeted.add(name)) {
                problems.add(new ConfigurationException.Problem(
                        key, name, "one autoscaler per Deployment; merge the two for " + name));
            } else if (objects.stream()
                    .anyMatch(m -> m.kind().equals("HorizontalPodAutoscaler")
                            && m.name().equals(name))) {
                problems.add(new ConfigurationException.Problem(
                        key,
                        name,
                        "no HorizontalPodAutoscaler object named " + name + " among the objects as well; remove it"
                                + " or the autoscaling, which renders one of that name"));
            }
        }
        if (autoscaling.isEmpty()) {
            for (int i = 0; i < overrides.size(); i++) {
                if (overrides.get(i).changesAutoscaler()) {
                    problems.add(new ConfigurationException.Problem(
                            "overrides[" + i + "].autoscaler",
                            overrides.get(i).toString(),
                            "an autoscaling(...) on the propagation for the override to change"));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /** A builder for the propagation {@code id} (a DNS label such as {@code checkout-web}). */
    public static Builder builder(String id) {
        return new Builder(Names.dnsLabel(id, "propagation id"));
    }

    /** A builder starting from this request. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The propagation id. */
    public String id() {
        return id;
    }

    /** The objects, applied in this order (namespaces and config first is the caller's choice). */
    public List<Manifest> objects() {
        return objects;
    }

    /** Where the objects go. */
    public PlacementPolicy placement() {
        return placement;
    }

    /** Per-cluster overrides, applied in order. */
    public List<ClusterOverride> overrides() {
        return overrides;
    }

    /** What to do with pre-existing objects not created by this propagation. Default {@link ConflictPolicy#ABORT}. */
    public ConflictPolicy conflictPolicy() {
        return conflictPolicy;
    }

    /** What to do with drift. Default {@link DriftPolicy#REPORT}. */
    public DriftPolicy driftPolicy() {
        return driftPolicy;
    }

    /** How objects are written. Default {@link ApplyMode#CREATE_OR_REPLACE}. */
    public ApplyMode applyMode() {
        return applyMode;
    }

    /** The field manager named in writes. Default {@value #DEFAULT_FIELD_MANAGER}. */
    public String fieldManager() {
        return fieldManager;
    }

    /** Whether clusters past their toleration fail over (default true). */
    public boolean failover() {
        return failover;
    }

    /** Whether a returning cluster gets its placement back (default false: it stays where it failed over to). */
    public boolean rebalanceOnReturn() {
        return rebalanceOnReturn;
    }

    /**
     * Whether the objects are one unit on each cluster (default false). When an apply on a cluster stops part-way,
     * because the API server refused an object or a transient failure outlasted the apply task's last attempt, the
     * objects that apply created on that cluster are deleted again, newest first, so the cluster is left with the
     * whole set as before or none of it. A transient failure with attempts left is not rolled back: the next
     * attempt completes the set (applies are idempotent). A rollback that cannot reach the cluster leaves the rest
     * to the next apply, which repairs it.
     */
    public boolean allOrNothing() {
        return allOrNothing;
    }

    /**
     * The HorizontalPodAutoscalers applied next to their Deployments on every chosen cluster, in order; empty by
     * default. See {@link HorizontalAutoscaling} for how their bounds are divided and overridden.
     */
    public List<HorizontalAutoscaling> autoscaling() {
        return autoscaling;
    }

    @Override
    public String toString() {
        return "PropagationRequest{id=" + id + ", objects="
                + objects.stream().map(Manifest::id).toList()
                + ", placement=" + placement + ", overrides=" + overrides.size() + ", conflict=" + conflictPolicy
                + ", drift=" + driftPolicy + ", applyMode=" + applyMode + ", failover=" + failover
                + ", rebalanceOnReturn=" + rebalanceOnReturn + ", allOrNothing=" + allOrNothing
                + (autoscaling.isEmpty() ? "" : ", autoscaling=" + autoscaling) + '}';
    }

    /** Builds a {@link PropagationRequest}. Not thread-safe. */
    public static final class Builder {
        private final String id;
        private final List<Manifest> objects = new ArrayList<>();
        private PlacementPolicy placement = PlacementPolicy.builder().build();
        private final List<ClusterOverride> overrides = new ArrayList<>();
        private ConflictPolicy conflictPolicy = ConflictPolicy.ABORT;
        private DriftPolicy driftPolicy = DriftPolicy.REPORT;
        private ApplyMode applyMode = ApplyMode.CREATE_OR_REPLACE;
        private String fieldManager = DEFAULT_FIELD_MANAGER;
        private boolean failover = true;
        private boolean rebalanceOnReturn;
        private boolean allOrNothing;
        private final List<HorizontalAutoscaling> autoscaling = new ArrayList<>();

        private Builder(String id) {
            this.id = id;
        }

        private Builder(PropagationRequest r) {
            id = r.id;
            objects.addAll(r.objects);
            placement = r.placement;
            overrides.addAll(r.overrides);
            conflictPolicy = r.conflictPolicy;
            driftPolicy = r.driftPolicy;
            applyMode = r.applyMode;
            fieldManager = r.fieldManager;
            failover = r.failover;
            rebalanceOnReturn = r.rebalanceOnReturn;
            allOrNothing = r.allOrNothing;
            autoscaling.addAll(r.autoscaling);
        }

        /** Adds objects. */
        public Builder objects(Manifest... objects) {
            for (Manifest m : objects) {
                this.objects.add(Objects.requireNonNull(m, "object"));
            }
            return this;
        }

        /** Adds objects. */
        public Builder objects(List<Manifest> objects) {
            objects.forEach(this::objects);
            return this;
        }

        /** Where the objects go. */
        public Builder placement(PlacementPolicy placement) {
            this.placement = Objects.requireNonNull(placement, "placement");
            return this;
        }

        /** Adds an override. */
        public Builder override(ClusterOverride override) {
            overrides.add(Objects.requireNonNull(override, "override"));
            return this;
        }

        /** Conflict policy. */
        public Builder conflictPolicy(ConflictPolicy policy) {
            this.conflictPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Drift policy. */
        public Builder driftPolicy(DriftPolicy policy) {
            this.driftPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Apply mode. */
        public Builder applyMode(ApplyMode mode) {
            this.applyMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Field manager. */
        public Builder fieldManager(String fieldManager) {
            this.fieldManager = Names.notBlank(fieldManager, "fieldManager");
            return this;
        }

        /** Whether to fail over (default true). */
        public Builder failover(boolean failover) {
            this.failover = failover;
            return this;
        }

        /** Whether a returning cluster gets its placement back (default false). */
        public Builder rebalanceOnReturn(boolean rebalance) {
            this.rebalanceOnReturn = rebalance;
            return this;
        }

        /** Whether the objects are one unit on each cluster (default false); see {@link #allOrNothing()}. */
        public Builder allOrNothing(boolean allOrNothing) {
            this.allOrNothing = allOrNothing;
            return this;
        }

        /** Adds a HorizontalPodAutoscaler for one of the Deployments; see {@link HorizontalAutoscaling}. */
        public Builder autoscaling(HorizontalAutoscaling autoscaling) {
            this.autoscaling.add(Objects.requireNonNull(autoscaling, "autoscaling"));
            return this;
        }

        /**
         * Builds the request.
         *
         * @throws IllegalArgumentException if there is no object or an object appears twice
         * @throws ConfigurationException listing every autoscaling problem: an autoscaler whose Deployment is not
         *     among the objects ({@code autoscaling[i].deployment}), two for one Deployment, an HPA object of the
         *     same name among the objects, or an override that changes autoscalers when there is none
         *     ({@code overrides[i].autoscaler})
         */
        public PropagationRequest build() {
            return new PropagationRequest(this);
        }
    }
}
