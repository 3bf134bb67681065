package dev.scaleplane.adapters.kubernetes.internal;

import dev.scaleplane.adapters.kubernetes.SecretPropagationRequest;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The copies of one propagation on one cluster: written as a whole {@code Opaque} Secret owned by the propagation,
 * left alone when a Secret of that name belongs to someone else, and swept by the propagation label.
 *
 * <p>Every fabric8 failure becomes an {@link AdapterException} whose message has the source's values redacted. A
 * fabric8 {@link Secret} is never turned into text here: its generated {@code toString} prints its data.
 */
final class SecretCopies {
    /** What {@link #ensure} found or did. */
    enum Outcome {
        /** The copy holds the version now (written, or already there). */
        WRITTEN,
        /** Already there: nothing written. */
        UNCHANGED,
        /** A Secret of that name exists that the propagation did not create. */
        CONFLICT
    }

    private SecretCopies() {}

    /**
     * Makes the cluster hold {@code version} as {@code request}'s target, unless a foreign Secret has the name.
     *
     * @param owner the error facts' instance, {@code <propagation>@<cluster>}
     * @throws AdapterException if the API server refuses or cannot be reached
     */
    static Outcome ensure(
            KubernetesClient client, String owner, SecretPropagationRequest request, SecretVersion version) {
        SecretName target = new SecretName(request.targetNamespace(), request.targetName());
        Map<String, String> data = SecretData.encode(version.data());
        Collection<dev.scaleplane.api.adapters.secrets.Secret> values =
                version.data().values();
        for (int attempt = 1; ; attempt++) {
            String method = "GET";
            try {
                Secret live = client.secrets()
                        .inNamespace(target.namespace())
                        .withName(target.name())
                        .get();
                if (live != null && !request.id().equals(label(live, SecretPropagationRequest.PROPAGATION_LABEL))) {
                    return Outcome.CONFLICT;
                }
                Secret desired = desired(request, version, target, data);
                if (live == null) {
                    method = "POST";
                    client.secrets()
                            .inNamespace(target.namespace())
                            .resource(desired)
                            .create();
                    return Outcome.WRITTEN;
                }
                if (same(live, desired)) {
                    return Outcome.UNCHANGED;
                }
                method = "PUT";
                desired.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
                client.secrets()
                        .inNamespace(target.namespace())
                        .resource(desired)
                        .update();
                return Outcome.WRITTEN;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 && attempt < 3) {
                    continue; // created or changed meanwhile: read again
                }
                throw KubernetesErrors.map(KubernetesSecretsAdapter.SYSTEM, owner, method, target.path(), e, values);
            }
        }
    }

    /**
     * Deletes the propagation's copies in {@code namespaces}, except {@code keep}.
     *
     * @return how many were deleted
     * @throws AdapterException if the API server refuses or cannot be reached
     */
    static int sweep(
            KubernetesClient client,
            String owner,
            String propagation,
            Collection<String> namespaces,
            @Nullable SecretName keep) {
        int deleted = 0;
        for (String ns : namespaces) {
            String path = "/api/v1/namespaces/" + ns + "/secrets";
            List<Secret> ours;
            try {
                ours = client.secrets()
                        .inNamespace(ns)
                        .withLabel(SecretPropagationRequest.PROPAGATION_LABEL, propagation)
                        .list()
                        .getItems();
            } catch (KubernetesClientException e) {
                throw KubernetesErrors.map(KubernetesSecretsAdapter.SYSTEM, owner, "GET", path, e, List.of());
            }
            for (Secret s : ours) {
                String name = s.getMetadata().getName();
                if (keep != null && keep.namespace().equals(ns) && keep.name().equals(name)) {
                    continue;
                }
                try {
                    client.secrets().inNamespace(ns).withName(name).delete();
                    deleted++;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404) {
                        throw KubernetesErrors.map(
                                KubernetesSecretsAdapter.SYSTEM, owner, "DELETE", path + "/" + name, e, List.of());
                    }
                }
            }
        }
        return deleted;
    }

    private static Secret desired(
            SecretPropagationRequest request, SecretVersion version, SecretName target, Map<String, String> data) {
        return new SecretBuilder()
                .withNewMetadata()
                .withNamespace(target.namespace())
                .withName(target.name())
                .addToLabels(SecretPropagationRequest.PROPAGATION_LABEL, request.id())
                .addToLabels(SecretPropagationRequest.MANAGED_BY_LABEL, SecretPropagationRequest.MANAGED_BY)
                .addToAnnotations(
                        SecretPropagationRequest.SOURCE_SYSTEM_ANNOTATION,
                        request.source().system())
                .addToAnnotations(
                        SecretPropagationRequest.SOURCE_ADAPTER_ANNOTATION,
                        request.source().name())
                .addToAnnotations(SecretPropagationRequest.SOURCE_NAME_ANNOTATION, request.sourceName())
                .addToAnnotations(SecretPropagationRequest.SOURCE_VERSION_ANNOTATION, version.version())
                .endMetadata()
                .withType("Opaque")
                .withData(data)
                .build();
    }

    /** Whether the live copy already has what would be written: type, our labels and annotations, and the data. */
    private static boolean same(Secret live, Secret desired) {
        if (!Objects.equals(live.getType(), desired.getType())) {
            return false;
        }
        for (var e : desired.getMetadata().getLabels().entrySet()) {
            if (!e.getValue().equals(label(live, e.getKey()))) {
                return false;
            }
        }
        Map<String, String> annotations = live.getMetadata().getAnnotations();
        for (var e : desired.getMetadata().getAnnotations().entrySet()) {
            if (annotations == null || !e.getValue().equals(annotations.get(e.getKey()))) {
                return false;
            }
        }
        // Compared as fingerprints, so no value is held longer than the comparison.
        return SecretData.fingerprint(live.getData()).equals(SecretData.fingerprint(desired.getData()));
    }

    private static @Nullable String label(Secret s, String key) {
        Map<String, String> labels = s.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }
}
