package dev.scaleplane.federation.kubernetes.internal;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;

/** The JSON-like tree of a live object, through the one serializer the module uses. */
final class KubernetesManifestsAccess {
    private KubernetesManifestsAccess() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> tree(HasMetadata obj) {
        return StatusWatcher.SERIALIZATION.convertValue(obj, Map.class);
    }
}
