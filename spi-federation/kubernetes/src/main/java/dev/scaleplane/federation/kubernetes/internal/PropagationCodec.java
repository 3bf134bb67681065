package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.federation.ApplyMode;
import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterOverride;
import dev.scaleplane.api.federation.ConflictPolicy;
import dev.scaleplane.api.federation.DriftPolicy;
import dev.scaleplane.api.federation.HorizontalAutoscaling;
import dev.scaleplane.api.federation.JsonPatchOperation;
import dev.scaleplane.api.federation.LabelSelector;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.ReplicaBounds;
import dev.scaleplane.api.federation.ReplicaDivision;
import dev.scaleplane.api.federation.SpreadConstraint;
import dev.scaleplane.api.federation.Taint;
import dev.scaleplane.api.federation.Toleration;
import dev.scaleplane.api.orchestration.scaling.ScalingRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PropagationRequest} as a JSON-like map for the propagation's stream in the event store, and back, so a
 * restarted process can take its propagations up again. Every field of the request is kept.
 */
final class PropagationCodec {
    private PropagationCodec() {}

    static Map<String, Object> encode(PropagationRequest r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("objects", r.objects().stream().map(Manifest::tree).toList());
        m.put("placement", encode(r.placement()));
        List<Map<String, Object>> overrides = new ArrayList<>();
        for (ClusterOverride o : r.overrides()) {
            Map<String, Object> om = new LinkedHashMap<>();
            om.put("clusters", List.copyOf(o.clusters()));
            om.put("selector", o.selector().toString());
            om.put("regions", List.copyOf(o.regions()));
            om.put("images", o.images());
            o.replicas().ifPresent(n -> om.put("replicas", n));
            om.put("labels", o.labels());
            om.put("annotations", o.annotations());
            om.put(
                    "env",
                    o.env().stream()
                            .map(e -> Map.of("container", e.container(), "name", e.name(), "value", e.value()))
                            .toList());
            List<Map<String, Object>> patch = new ArrayList<>();
            for (JsonPatchOperation op : o.jsonPatch()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("op", op.op());
                pm.put("path", op.path());
                pm.put("value", op.value());
                pm.put("from", op.from());
                patch.add(pm);
            }
            om.put("jsonPatch", patch);
            o.autoscalerReplicas().ifPresent(b -> om.put("autoscalerReplicas", bounds(b)));
            o.autoscalerCpuUtilization().ifPresent(n -> om.put("autoscalerCpuUtilization", n));
            o.autoscalerMemoryUtilization().ifPresent(n -> om.put("autoscalerMemoryUtilization", n));
            overrides.add(om);
        }
        m.put("overrides", overrides);
        m.put("conflictPolicy", r.conflictPolicy().name());
        m.put("driftPolicy", r.driftPolicy().name());
        m.put("applyMode", r.applyMode().name());
        m.put("fieldManager", r.fieldManager());
        m.put("failover", r.failover());
        m.put("rebalanceOnReturn", r.rebalanceOnReturn());
        m.put("allOrNothing", r.allOrNothing());
        m.put(
                "autoscaling",
                r.autoscaling().stream().map(PropagationCodec::encode).toList());
        return m;
    }

    private static Map<String, Object> encode(HorizontalAutoscaling a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("deployment", a.deployment());
        m.put("minReplicas", a.minReplicas());
        m.put("maxReplicas", a.maxReplicas());
        a.cpuUtilization().ifPresent(n -> m.put("cpuUtilization", n));
        a.memoryUtilization().ifPresent(n -> m.put("memoryUtilization", n));
        a.scaleUp().ifPresent(r -> m.put("scaleUp", encode(r)));
        a.scaleDown().ifPresent(r -> m.put("scaleDown", encode(r)));
        return m;
    }

    private static Map<String, Object> encode(ScalingRules r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("windowMillis", r.stabilizationWindow().toMillis());
        m.put("select", r.select().name());
        m.put(
                "limits",
                r.limits().stream()
                        .map(l -> Map.of(
                                "unit",
                                l.unit().name(),
                                "value",
                                l.value(),
                                "periodMillis",
                                l.period().toMillis()))
                        .toList());
        return m;
    }

    private static Map<String, Object> encode(PlacementPolicy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clusters", List.copyOf(p.clusterNames()));
        m.put("selector", p.selector().toString());
        m.put("regions", List.copyOf(p.regions()));
        m.put("zones", List.copyOf(p.zones()));
        m.put("residency", p.residency());
        List<Map<String, Object>> tolerations = new ArrayList<>();
        for (Toleration t : p.tolerations()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("key", t.key());
            tm.put("operator", t.operator().name());
            tm.put("value", t.value());
            tm.put("effect", t.effect() == null ? null : t.effect().name());
            tm.put(
                    "seconds",
                    t.tolerationSeconds() == null ? null : t.tolerationSeconds().toMillis());
            tolerations.add(tm);
        }
        m.put("tolerations", tolerations);
        m.put(
                "spread",
                p.spread().stream()
                        .map(s -> Map.of("topology", s.topology().name(), "min", s.min(), "max", s.max()))
                        .toList());
        m.put("pick", p.pick());
        m.put("replicas", p.replicas());
        m.put(
                "division",
                Map.of(
                        "kind",
                        p.division().kind().name(),
                        "weights",
                        p.division().weights()));
        p.resourcesPerReplica().ifPresent(c -> m.put("perReplica", capacity(c)));
        m.put("bounds", bounds(p.bounds()));
        Map<String, Object> cb = new LinkedHashMap<>();
        p.clusterBounds().forEach((k, v) -> cb.put(k, bounds(v)));
        m.put("clusterBounds", cb);
        return m;
    }

    private static Map<String, Object> capacity(Capacity c) {
        return Map.of("cpuMillis", c.cpuMillis(), "memoryBytes", c.memoryBytes(), "pods", c.pods());
    }

    private static Map<String, Object> bounds(ReplicaBounds b) {
        return Map.of("min", b.min(), "max", b.max());
    }

    @SuppressWarnings("unchecked")
    static PropagationRequest decode(Map<String, Object> m) {
        PropagationRequest.Builder b = PropagationRequest.builder((String) m.get("id"));
        for (Object o : (List<Object>) m.get("objects")) {
            b.objects(Manifest.of((Map<String, Object>) o));
        }
        b.placement(decodePolicy((Map<String, Object>) m.get("placement")));
        for (Object o : (List<Object>) m.getOrDefault("overrides", List.of())) {
            Map<String, Object> om = (Map<String, Object>) o;
            ClusterOverride.Builder ob = ClusterOverride.builder()
                    .clusters(strings(om.get("clusters")).toArray(String[]::new))
                    .selector(LabelSelector.parse((String) om.getOrDefault("selector", "")))
                    .regions(strings(om.get("regions")).toArray(String[]::new));
            ((Map<String, String>) om.getOrDefault("images", Map.of())).forEach(ob::image);
            if (om.get("replicas") instanceof Number n) {
                ob.replicas(n.intValue());
            }
            ((Map<String, String>) om.getOrDefault("labels", Map.of())).forEach(ob::label);
            ((Map<String, String>) om.getOrDefault("annotations", Map.of())).forEach(ob::annotation);
            for (Object e : (List<Object>) om.getOrDefault("env", List.of())) {
                Map<String, String> em = (Map<String, String>) e;
                ob.env(em.get("container"), em.get("name"), em.get("value"));
            }
            for (Object p : (List<Object>) om.getOrDefault("jsonPatch", List.of())) {
                Map<String, Object> pm = (Map<String, Object>) p;
                ob.jsonPatch(new JsonPatchOperation(
                        (String) pm.get("op"), (String) pm.get("path"), pm.get("value"), (String) pm.get("from")));
            }
            if (om.get("autoscalerReplicas") instanceof Map<?, ?> ab) {
                ob.autoscalerReplicas(((Number) ab.get("min")).intValue(), ((Number) ab.get("max")).intValue());
            }
            if (om.get("autoscalerCpuUtilization") instanceof Number n) {
                ob.autoscalerCpuUtilization(n.intValue());
            }
            if (om.get("autoscalerMemoryUtilization") instanceof Number n) {
                ob.autoscalerMemoryUtilization(n.intValue());
            }
            b.override(ob.build());
        }
        // Absent from records written before autoscaling existed: none.
        for (Object o : (List<Object>) m.getOrDefault("autoscaling", List.of())) {
            b.autoscaling(decodeAutoscaling((Map<String, Object>) o));
        }
        return b.conflictPolicy(ConflictPolicy.valueOf((String) m.get("conflictPolicy")))
                .driftPolicy(DriftPolicy.valueOf((String) m.get("driftPolicy")))
                .applyMode(ApplyMode.valueOf((String) m.get("applyMode")))
                .fieldManager((String) m.get("fieldManager"))
                .failover(Boolean.TRUE.equals(m.get("failover")))
                .rebalanceOnReturn(Boolean.TRUE.equals(m.get("rebalanceOnReturn")))
                .allOrNothing(Boolean.TRUE.equals(m.get("allOrNothing")))
                .build();
    }

    @SuppressWarnings("unchecked")
    private static HorizontalAutoscaling decodeAutoscaling(Map<String, Object> m) {
        HorizontalAutoscaling.Builder b = HorizontalAutoscaling.builder((String) m.get("deployment"))
                .replicas(((Number) m.get("minReplicas")).intValue(), ((Number) m.get("maxReplicas")).intValue());
        if (m.get("cpuUtilization") instanceof Number n) {
            b.cpuUtilization(n.intValue());
        }
        if (m.get("memoryUtilization") instanceof Number n) {
            b.memoryUtilization(n.intValue());
        }
        if (m.get("scaleUp") instanceof Map<?, ?> r) {
            b.scaleUp(decodeRules((Map<String, Object>) r));
        }
        if (m.get("scaleDown") instanceof Map<?, ?> r) {
            b.scaleDown(decodeRules((Map<String, Object>) r));
        }
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private static ScalingRules decodeRules(Map<String, Object> m) {
        List<ScalingRules.Limit> limits = new ArrayList<>();
        for (Object o : (List<Object>) m.getOrDefault("limits", List.of())) {
            Map<String, Object> l = (Map<String, Object>) o;
            limits.add(new ScalingRules.Limit(
                    ScalingRules.Unit.valueOf((String) l.get("unit")),
                    ((Number) l.get("value")).intValue(),
                    Duration.ofMillis(((Number) l.get("periodMillis")).longValue())));
        }
        return new ScalingRules(
                Duration.ofMillis(((Number) m.get("windowMillis")).longValue()),
                ScalingRules.Select.valueOf((String) m.get("select")),
                limits);
    }

    @SuppressWarnings("unchecked")
    private static PlacementPolicy decodePolicy(Map<String, Object> m) {
        PlacementPolicy.Builder b = PlacementPolicy.builder()
                .clusters(strings(m.get("clusters")).toArray(String[]::new))
                .selector((String) m.getOrDefault("selector", ""))
                .regions(strings(m.get("regions")).toArray(String[]::new))
                .zones(strings(m.get("zones")).toArray(String[]::new));
        String residency = (String) m.getOrDefault("residency", "");
        if (!residency.isEmpty()) {
            b.residency(residency);
        }
        for (Object o : (List<Object>) m.getOrDefault("tolerations", List.of())) {
            Map<String, Object> t = (Map<String, Object>) o;
            b.tolerate(new Toleration(
                    (String) t.get("key"),
                    Toleration.Operator.valueOf((String) t.get("operator")),
                    (String) t.get("value"),
                    t.get("effect") == null ? null : Taint.Effect.valueOf((String) t.get("effect")),
                    t.get("seconds") == null ? null : Duration.ofMillis(((Number) t.get("seconds")).longValue())));
        }
        for (Object o : (List<Object>) m.getOrDefault("spread", List.of())) {
            Map<String, Object> s = (Map<String, Object>) o;
            b.spread(new SpreadConstraint(
                    SpreadConstraint.Topology.valueOf((String) s.get("topology")),
                    ((Number) s.get("min")).intValue(),
                    ((Number) s.get("max")).intValue()));
        }
        int pick = ((Number) m.getOrDefault("pick", 0)).intValue();
        if (pick > 0) {
            b.pick(pick);
        }
        b.replicas(((Number) m.getOrDefault("replicas", 0)).intValue());
        Map<String, Object> division = (Map<String, Object>) m.get("division");
        switch (ReplicaDivision.Kind.valueOf((String) division.get("kind"))) {
            case DUPLICATED -> b.division(ReplicaDivision.duplicated());
            case DYNAMIC_CAPACITY -> b.division(ReplicaDivision.dynamicByCapacity());
            case STATIC_WEIGHTS -> {
                Map<String, Integer> weights = new LinkedHashMap<>();
                ((Map<String, Object>) division.get("weights"))
                        .forEach((k, v) -> weights.put(k, ((Number) v).intValue()));
                b.division(ReplicaDivision.staticWeights(weights));
            }
        }
        Capacity per = capacity(m.get("perReplica"));
        if (per != null) {
            b.resourcesPerReplica(per);
        }
        Map<String, Object> bounds = (Map<String, Object>) m.get("bounds");
        b.replicaBounds(((Number) bounds.get("min")).intValue(), ((Number) bounds.get("max")).intValue());
        ((Map<String, Object>) m.getOrDefault("clusterBounds", Map.of())).forEach((k, v) -> {
            Map<String, Object> cb = (Map<String, Object>) v;
            b.replicaBounds(k, ((Number) cb.get("min")).intValue(), ((Number) cb.get("max")).intValue());
        });
        return b.build();
    }

    private static @Nullable Capacity capacity(@Nullable Object o) {
        if (!(o instanceof Map<?, ?> c)) {
            return null;
        }
        return new Capacity(
                ((Number) c.get("cpuMillis")).longValue(),
                ((Number) c.get("memoryBytes")).longValue(),
                ((Number) c.get("pods")).longValue());
    }

    private static List<String> strings(@Nullable Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }
}
