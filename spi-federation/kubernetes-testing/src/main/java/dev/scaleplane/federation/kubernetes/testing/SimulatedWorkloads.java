package dev.scaleplane.federation.kubernetes.testing;

import dev.scaleplane.api.federation.Manifest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Objects to propagate to a {@link SimulatedFleet} in tests, samples and benchmarks: an {@code apps/v1} Deployment
 * that the {@link SimulatedController} rolls out (or, with an image containing its fail marker, never makes ready)
 * and a ConfigMap, which is ready once applied.
 *
 * <p>Stateless and thread-safe.
 */
public final class SimulatedWorkloads {
    private SimulatedWorkloads() {}

    /**
     * A Deployment {@code name} in {@code namespace} with one container named after it, labelled {@code app=name}.
     *
     * @param image the container image, e.g. {@code registry.example/web:1.2.0}
     * @param replicas the desired replicas, at least 0
     */
    public static Manifest deployment(String namespace, String name, String image, int replicas) {
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", name);
        container.put("image", image);
        return Manifest.of(Map.of(
                "apiVersion",
                "apps/v1",
                "kind",
                "Deployment",
                "metadata",
                Map.of("name", name, "namespace", namespace),
                "spec",
                Map.of(
                        "replicas",
                        replicas,
                        "selector",
                        Map.of("matchLabels", Map.of("app", name)),
                        "template",
                        Map.of(
                                "metadata",
                                Map.of("labels", Map.of("app", name)),
                                "spec",
                                Map.of("containers", List.of(container))))));
    }

    /** A ConfigMap {@code name} in {@code namespace} holding {@code data}. */
    public static Manifest configMap(String namespace, String name, Map<String, String> data) {
        return Manifest.of(Map.of(
                "apiVersion",
                "v1",
                "kind",
                "ConfigMap",
                "metadata",
                Map.of("name", name, "namespace", namespace),
                "data",
                Map.copyOf(data)));
    }
}
