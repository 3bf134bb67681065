package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.federation.ClusterOverride;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.HorizontalAutoscaling;
import dev.scaleplane.api.federation.JsonPatchOperation;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PropagationRequest;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Renders what one cluster gets: the request's objects with the placement's replicas, the ownership labels, and the
 * overrides targeting the cluster, in that order (JSON patches last); each Deployment the request
 * {@linkplain PropagationRequest#autoscaling() autoscales} is followed by its HPA ({@link AutoscalerRenderer}), which
 * gets the ownership labels and the overrides' labels and annotations. A pure function of its inputs.
 *
 * <p>Thread-safe.
 */
final class ManifestRenderer {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    /** Kinds whose {@code spec.replicas} placement sets. */
    private static final List<String> SCALABLE = List.of("Deployment", "StatefulSet", "ReplicaSet");

    private ManifestRenderer() {}

    /**
     * The objects for {@code cluster}.
     *
     * @param division the replicas placement gave every chosen cluster, by name (what an HPA's bounds are divided
     *     by); empty for a cluster being left
     * @throws IllegalArgumentException naming the cluster, the object and the operation when a JSON patch fails
     */
    static List<Manifest> render(PropagationRequest request, ClusterSpec cluster, Map<String, Integer> division) {
        int replicas = division.getOrDefault(cluster.name(), 0);
        List<Manifest> out =
                new ArrayList<>(request.objects().size() + request.autoscaling().size());
        for (Manifest m : request.objects()) {
            Map<String, Object> tree = mutableCopy(m.tree());
            if (replicas > 0 && SCALABLE.contains(m.kind())) {
                map(tree, "spec").put("replicas", replicas);
            }
            owned(tree, request);
            List<JsonPatchOperation> patches = new ArrayList<>();
            for (ClusterOverride o : request.overrides()) {
                if (o.targets(cluster)) {
                    applyOverride(tree, o);
                    patches.addAll(o.jsonPatch());
                }
            }
            if (!patches.isEmpty()) {
                tree = jsonPatch(tree, patches, cluster.name(), m.id());
            }
            out.add(Manifest.of(tree));
            HorizontalAutoscaling autoscaling = AutoscalerRenderer.of(request, m);
            if (autoscaling != null) {
                Map<String, Object> hpa = AutoscalerRenderer.render(autoscaling, m, request, cluster, division);
                owned(hpa, request);
                for (ClusterOverride o : request.overrides()) {
                    if (o.targets(cluster)) {
                        labelsAndAnnotations(hpa, o);
                    }
                }
                out.add(Manifest.of(hpa));
            }
        }
        return out;
    }

    /** Marks {@code tree} as this propagation's: the labels status, drift and conflicts go by. */
    private static void owned(Map<String, Object> tree, PropagationRequest request) {
        Map<String, Object> labels = map(map(tree, "metadata"), "labels");
        labels.put(PropagationRequest.PROPAGATION_LABEL, request.id());
        labels.put(PropagationRequest.MANAGED_BY_LABEL, PropagationRequest.MANAGED_BY);
    }

    private static void labelsAndAnnotations(Map<String, Object> tree, ClusterOverride o) {
        Map<String, Object> metadata = map(tree, "metadata");
        if (!o.labels().isEmpty()) {
            map(metadata, "labels").putAll(o.labels());
        }
        if (!o.annotations().isEmpty()) {
            map(metadata, "annotations").putAll(o.annotations());
        }
    }

    private static void applyOverride(Map<String, Object> tree, ClusterOverride o) {
        o.replicas().ifPresent(r -> {
            if (tree.get("spec") instanceof Map<?, ?> && SCALABLE.contains(String.valueOf(tree.get("kind")))) {
                map(tree, "spec").put("replicas", r);
            }
        });
        labelsAndAnnotations(tree, o);
        for (Map<String, Object> container : containers(tree)) {
            String name = String.valueOf(container.get("name"));
            String image = o.images().getOrDefault(name, o.images().get("*"));
            if (image != null) {
                container.put("image", image);
            }
            for (ClusterOverride.EnvVar e : o.env()) {
                if (e.container().equals("*") || e.container().equals(name)) {
                    setEnv(container, e.name(), e.value());
                }
            }
        }
        if (!o.labels().isEmpty()) {
            Map<String, Object> template = podTemplate(tree);
            if (template != null) {
                map(map(template, "metadata"), "labels").putAll(o.labels());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void setEnv(Map<String, Object> container, String name, String value) {
        Object envList = container.get("env");
        List<Object> env = envList instanceof List<?> l ? (List<Object>) l : new ArrayList<>();
        container.put("env", env);
        for (Object item : env) {
            if (item instanceof Map<?, ?> var && name.equals(var.get("name"))) {
                ((Map<String, Object>) var).remove("valueFrom");
                ((Map<String, Object>) var).put("value", value);
                return;
            }
        }
        Map<String, Object> var = new LinkedHashMap<>();
        var.put("name", name);
        var.put("value", value);
        env.add(var);
    }

    /** The pod template of a workload ({@code spec.template}), or of a CronJob's job template. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> podTemplate(Map<String, Object> tree) {
        if (!(tree.get("spec") instanceof Map<?, ?> spec)) {
            return null;
        }
        if (spec.get("jobTemplate") instanceof Map<?, ?> jt && jt.get("spec") instanceof Map<?, ?> js) {
            return js.get("template") instanceof Map<?, ?> t ? (Map<String, Object>) t : null;
        }
        return spec.get("template") instanceof Map<?, ?> t ? (Map<String, Object>) t : null;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> containers(Map<String, Object> tree) {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Object> template = podTemplate(tree);
        Object podSpec =
                template == null ? ("Pod".equals(tree.get("kind")) ? tree.get("spec") : null) : template.get("spec");
        if (podSpec instanceof Map<?, ?> ps) {
            for (String field : List.of("initContainers", "containers")) {
                if (ps.get(field) instanceof List<?> list) {
                    for (Object c : list) {
                        if (c instanceof Map<?, ?> cm) {
                            out.add((Map<String, Object>) cm);
                        }
                    }
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jsonPatch(
            Map<String, Object> tree, List<JsonPatchOperation> ops, String cluster, String object) {
        List<Map<String, Object>> patch = new ArrayList<>();
        for (JsonPatchOperation op : ops) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("op", op.op());
            p.put("path", op.path());
            if (op.from() != null) {
                p.put("from", op.from());
            }
            if (!op.op().equals("remove") && !op.op().equals("move") && !op.op().equals("copy")) {
                p.put("value", op.value());
            }
            patch.add(p);
        }
        try {
            JsonNode result = JsonPatch.apply(
                    SERIALIZATION.convertValue(patch, JsonNode.class),
                    SERIALIZATION.convertValue(tree, JsonNode.class));
            return SERIALIZATION.convertValue(result, Map.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "cluster " + cluster + ": JSON patch " + ops + " does not apply to " + object + ": "
                            + e.getMessage(),
                    e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object v = parent.get(key);
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        Map<String, Object> created = new LinkedHashMap<>();
        parent.put(key, created);
        return created;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> mutableCopy(Map<String, Object> tree) {
        return (Map<String, Object>) deepCopy(tree);
    }

    private static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, deepCopy(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(deepCopy(x)));
            return out;
        }
        return v;
    }
}
