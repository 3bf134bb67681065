package dev.scaleplane.federation.kubernetes;

import dev.scaleplane.api.federation.Manifest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Conversions between fabric8 objects, YAML and the API's {@link Manifest}.
 *
 * <p>Thread-safe.
 */
public final class KubernetesManifests {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private KubernetesManifests() {}

    /** A manifest of a fabric8 object (built-in kinds and {@link GenericKubernetesResource} alike). */
    @SuppressWarnings("unchecked")
    public static Manifest of(HasMetadata object) {
        Objects.requireNonNull(object, "object");
        return Manifest.of(SERIALIZATION.convertValue(object, Map.class));
    }

    /**
     * The manifests of a YAML or JSON text: one document, several documents separated by {@code ---}, or a
     * {@code List}.
     *
     * @throws IllegalArgumentException if the text does not parse or an object lacks apiVersion, kind or name
     */
    public static List<Manifest> parse(String yaml) {
        Objects.requireNonNull(yaml, "yaml");
        Object parsed;
        try {
            parsed = SERIALIZATION.unmarshal(yaml);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("manifests do not parse: " + e.getMessage(), e);
        }
        List<Manifest> out = new ArrayList<>();
        collect(parsed, out);
        return out;
    }

    private static void collect(Object parsed, List<Manifest> out) {
        if (parsed instanceof List<?> list) {
            list.forEach(o -> collect(o, out));
        } else if (parsed instanceof KubernetesResourceList<?> list) {
            list.getItems().forEach(o -> collect(o, out));
        } else if (parsed instanceof HasMetadata h) {
            out.add(of(h));
        } else if (parsed instanceof KubernetesResource r) {
            throw new IllegalArgumentException(
                    "not an object with metadata: " + r.getClass().getSimpleName());
        } else if (parsed != null) {
            throw new IllegalArgumentException(
                    "not a Kubernetes object: " + parsed.getClass().getSimpleName());
        }
    }

    /** The manifest as a fabric8 generic resource, for any client call. */
    public static GenericKubernetesResource toResource(Manifest manifest) {
        return SERIALIZATION.convertValue(manifest.tree(), GenericKubernetesResource.class);
    }

    /** The JSON-like tree of a fabric8 object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> tree(HasMetadata object) {
        return SERIALIZATION.convertValue(object, Map.class);
    }
}
