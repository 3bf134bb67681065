package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.federation.ClusterOverride;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.HorizontalAutoscaling;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.ReplicaBounds;
import dev.scaleplane.api.federation.ReplicaDivision;
import dev.scaleplane.api.orchestration.scaling.ScalingRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Renders the {@code autoscaling/v2} HorizontalPodAutoscaler of a {@link HorizontalAutoscaling} for one cluster: the
 * fleet-wide bounds divided as placement divided the replicas, then the overrides targeting the cluster. The rules
 * are on {@link HorizontalAutoscaling}. A pure function of its inputs.
 *
 * <p>Thread-safe.
 */
final class AutoscalerRenderer {
    static final String API_VERSION = "autoscaling/v2";
    static final String KIND = "HorizontalPodAutoscaler";

    private AutoscalerRenderer() {}

    /**
     * The HPA of {@code deployment} on {@code cluster}, without ownership labels (the caller adds them as to every
     * object).
     *
     * @param division the replicas placement gave every chosen cluster, by name; empty when unknown (a cluster
     *     being left), which keeps the fleet-wide bounds
     */
    static Map<String, Object> render(
            HorizontalAutoscaling a,
            Manifest deployment,
            PropagationRequest request,
            ClusterSpec cluster,
            Map<String, Integer> division) {
        ReplicaBounds bounds = bounds(a, request.placement(), cluster.name(), division);
        Integer cpu = a.cpuUtilization().orElse(null);
        Integer memory = a.memoryUtilization().orElse(null);
        for (ClusterOverride o : request.overrides()) {
            if (o.targets(cluster)) {
                bounds = o.autoscalerReplicas().orElse(bounds);
                cpu = o.autoscalerCpuUtilization().orElse(cpu);
                memory = o.autoscalerMemoryUtilization().orElse(memory);
            }
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", deployment.name());
        if (!deployment.namespace().isEmpty()) {
            metadata.put("namespace", deployment.namespace());
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put(
                "scaleTargetRef",
                Map.of("apiVersion", deployment.apiVersion(), "kind", deployment.kind(), "name", deployment.name()));
        spec.put("minReplicas", bounds.min());
        spec.put("maxReplicas", bounds.max());
        List<Object> metrics = new ArrayList<>();
        if (cpu != null) {
            metrics.add(resourceMetric("cpu", cpu));
        }
        if (memory != null) {
            metrics.add(resourceMetric("memory", memory));
        }
        spec.put("metrics", metrics);
        Map<String, Object> behavior = new LinkedHashMap<>();
        a.scaleUp().ifPresent(r -> behavior.put("scaleUp", rules(r)));
        a.scaleDown().ifPresent(r -> behavior.put("scaleDown", rules(r)));
        if (!behavior.isEmpty()) {
            spec.put("behavior", behavior);
        }
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("apiVersion", API_VERSION);
        tree.put("kind", KIND);
        tree.put("metadata", metadata);
        tree.put("spec", spec);
        return tree;
    }

    /**
     * The bounds of {@code cluster} before overrides: as given unless placement divides replicas, else each bound
     * divided in proportion to the replicas of each chosen cluster, min raised to 1 and max to min.
     */
    static ReplicaBounds bounds(
            HorizontalAutoscaling a, PlacementPolicy placement, String cluster, Map<String, Integer> division) {
        ReplicaBounds fleetWide = new ReplicaBounds(a.minReplicas(), a.maxReplicas());
        long total = division.values().stream().mapToLong(Integer::longValue).sum();
        if (placement.replicas() == 0
                || placement.division().kind() == ReplicaDivision.Kind.DUPLICATED
                || total == 0
                || !division.containsKey(cluster)) {
            return fleetWide;
        }
        int min = Math.max(1, share(a.minReplicas(), division, total, cluster));
        int max = Math.max(min, share(a.maxReplicas(), division, total, cluster));
        return new ReplicaBounds(min, max);
    }

    /**
     * {@code cluster}'s whole share of {@code amount} divided by the weights {@code division}: floors first, then one
     * more each to the largest remainders, ties by name, as placement divides replicas. Exact integer arithmetic:
     * {@code amount} and every weight are {@code int}s, so each numerator fits a {@code long}.
     */
    private static int share(int amount, Map<String, Integer> division, long total, String cluster) {
        Map<String, Long> remainders = new TreeMap<>();
        long given = 0;
        long floor = 0;
        for (var e : division.entrySet()) {
            long numerator = (long) amount * e.getValue();
            given += numerator / total;
            remainders.put(e.getKey(), numerator % total);
            if (e.getKey().equals(cluster)) {
                floor = numerator / total;
            }
        }
        List<String> byRemainder = new ArrayList<>(remainders.keySet()); // sorted by name: the tie order
        byRemainder.sort((x, y) -> Long.compare(remainders.get(y), remainders.get(x)));
        int rank = byRemainder.indexOf(cluster);
        return (int) (floor + (rank < amount - given ? 1 : 0));
    }

    private static Map<String, Object> resourceMetric(String resource, int percent) {
        return Map.of(
                "type",
                "Resource",
                "resource",
                Map.of("name", resource, "target", Map.of("type", "Utilization", "averageUtilization", percent)));
    }

    /** One {@code HPAScalingRules} block; {@code Unit.WORKERS} is the HPA's {@code Pods}. */
    private static Map<String, Object> rules(ScalingRules r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stabilizationWindowSeconds", (int) r.stabilizationWindow().toSeconds());
        m.put("selectPolicy", selectPolicy(r.select()));
        if (!r.limits().isEmpty()) {
            m.put(
                    "policies",
                    r.limits().stream()
                            .map(l -> Map.<String, Object>of(
                                    "type",
                                    l.unit() == ScalingRules.Unit.WORKERS ? "Pods" : "Percent",
                                    "value",
                                    l.value(),
                                    "periodSeconds",
                                    (int) l.period().toSeconds()))
                            .toList());
        }
        return m;
    }

    private static String selectPolicy(ScalingRules.Select select) {
        return switch (select) {
            case MAX -> "Max";
            case MIN -> "Min";
            case DISABLED -> "Disabled";
        };
    }

    /**
     * Whether {@code m} is a workload whose replicas an HPA among {@code desired} owns (its {@code scaleTargetRef}
     * names it). The fleet then sets its {@code spec.replicas} only when it creates it: afterwards the HPA scales it
     * on the cluster, so the apply keeps the live count and drift checks leave that field out, as Karmada retains
     * the replicas of a workload its HPA scales. Otherwise every re-apply or drift repair would undo the HPA.
     */
    static boolean scaledByAutoscaler(Manifest m, List<Manifest> desired) {
        for (Manifest d : desired) {
            if (d.kind().equals(KIND)
                    && d.namespace().equals(m.namespace())
                    && d.tree().get("spec") instanceof Map<?, ?> spec
                    && spec.get("scaleTargetRef") instanceof Map<?, ?> ref
                    && m.kind().equals(ref.get("kind"))
                    && m.name().equals(ref.get("name"))) {
                return true;
            }
        }
        return false;
    }

    /** {@code m} without {@code spec.replicas}: what drift is checked against when an HPA owns the replicas. */
    static Manifest withoutReplicas(Manifest m) {
        Map<String, Object> tree = ManifestRenderer.mutableCopy(m.tree());
        if (tree.get("spec") instanceof Map<?, ?>) {
            ManifestRenderer.map(tree, "spec").remove("replicas");
        }
        return Manifest.of(tree);
    }

    /** {@code m} with the live object's {@code spec.replicas}, if it has one: what an apply writes to keep it. */
    static Manifest withLiveReplicas(Manifest m, Map<String, Object> live) {
        if (!(live.get("spec") instanceof Map<?, ?> spec) || !(spec.get("replicas") instanceof Number n)) {
            return m;
        }
        Map<String, Object> tree = ManifestRenderer.mutableCopy(m.tree());
        ManifestRenderer.map(tree, "spec").put("replicas", n.intValue());
        return Manifest.of(tree);
    }

    /** The autoscaler of the Deployment {@code m}, if the request carries one. */
    static @Nullable HorizontalAutoscaling of(PropagationRequest request, Manifest m) {
        if (!m.kind().equals("Deployment")) {
            return null;
        }
        for (HorizontalAutoscaling a : request.autoscaling()) {
            if (a.deployment().equals(m.name())) {
                return a;
            }
        }
        return null;
    }
}
