package dev.scaleplane.benchmarks.federation;

import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.federation.kubernetes.KubernetesManifests;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.Map;

/**
 * The five-object bundle both sides of the propagation benchmarks write to every cluster: a Namespace
 * {@code bench-<id>} and, in it, a ServiceAccount, a ConfigMap, a Service and a Deployment of 2 replicas, all named
 * {@code web}. The objects carry the ownership labels the fleet would add, so both sides send objects of the same
 * size.
 */
final class Bundle {
    /** Replicas of the Deployment. */
    static final int REPLICAS = 2;

    static final String NAME = "web";

    private Bundle() {}

    static String namespace(String id) {
        return "bench-" + id;
    }

    /** The objects of bundle {@code id}, in the order they are written (the Namespace first). */
    static List<HasMetadata> objects(String id) {
        String ns = namespace(id);
        Map<String, String> labels = Map.of(
                "app",
                NAME,
                PropagationRequest.PROPAGATION_LABEL,
                id,
                PropagationRequest.MANAGED_BY_LABEL,
                PropagationRequest.MANAGED_BY);
        return List.of(
                new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(ns)
                        .withLabels(labels)
                        .endMetadata()
                        .build(),
                new ServiceAccountBuilder()
                        .withNewMetadata()
                        .withName(NAME)
                        .withNamespace(ns)
                        .withLabels(labels)
                        .endMetadata()
                        .build(),
                new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName(NAME)
                        .withNamespace(ns)
                        .withLabels(labels)
                        .endMetadata()
                        .addToData("greeting", "hello")
                        .addToData("bundle", id)
                        .build(),
                new ServiceBuilder()
                        .withNewMetadata()
                        .withName(NAME)
                        .withNamespace(ns)
                        .withLabels(labels)
                        .endMetadata()
                        .withNewSpec()
                        .addToSelector("app", NAME)
                        .addNewPort()
                        .withName("http")
                        .withPort(80)
                        .withTargetPort(new IntOrString(8080))
                        .endPort()
                        .endSpec()
                        .build(),
                deployment(ns, labels));
    }

    private static Deployment deployment(String ns, Map<String, String> labels) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(NAME)
                .withNamespace(ns)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withReplicas(REPLICAS)
                .withNewSelector()
                .addToMatchLabels("app", NAME)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", NAME)
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(NAME)
                .addNewContainer()
                .withName(NAME)
                .withImage("nginx:1.27")
                .addNewPort()
                .withContainerPort(8080)
                .endPort()
                .addNewEnv()
                .withName("GREETING")
                .withNewValueFrom()
                .withNewConfigMapKeyRef("greeting", NAME, false)
                .endValueFrom()
                .endEnv()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** The bundle as the fleet's manifests (the fleet adds the ownership labels again; they are the same). */
    static List<Manifest> manifests(String id) {
        return objects(id).stream().map(KubernetesManifests::of).toList();
    }

    /** Whether a Deployment's controller observed its generation and every replica is ready: the fleet's rule. */
    static boolean ready(Deployment d) {
        if (d == null || d.getStatus() == null || d.getMetadata().getGeneration() == null) {
            return false;
        }
        Long observed = d.getStatus().getObservedGeneration();
        Integer ready = d.getStatus().getReadyReplicas();
        int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        return observed != null && observed >= d.getMetadata().getGeneration() && ready != null && ready >= desired;
    }
}
