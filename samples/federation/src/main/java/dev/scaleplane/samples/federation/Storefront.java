package dev.scaleplane.samples.federation;

import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.federation.kubernetes.KubernetesManifests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * The workload the sample propagates: a {@code storefront} Deployment and the ConfigMap it reads, written with
 * fabric8's model builders as an application would (a YAML file through {@link KubernetesManifests#parse(String)}
 * works the same way).
 */
final class Storefront {

    /** Name of the Deployment, of its container's app label, and prefix of the ConfigMap. */
    static final String NAME = "storefront";

    /** Name of the ConfigMap. */
    static final String CONFIG = NAME + "-config";

    /** The namespace both objects live in. */
    static final String NAMESPACE = "default";

    /** The container that overrides address. */
    static final String CONTAINER = "web";

    /** The image everywhere but where an override changes it. */
    static final String IMAGE = "registry.example.com/shop/storefront:2.4.0";

    /** CPU one replica requests. */
    static final String CPU = "1";

    /** Memory one replica requests. */
    static final String MEMORY = "2Gi";

    /** What one replica requests; the placement policy divides replicas by how many of these each cluster fits. */
    static final Capacity PER_REPLICA = Capacity.of(CPU, MEMORY, 1);

    private Storefront() {}

    /**
     * The Deployment. Its {@code spec.replicas} is a placeholder: the fleet writes each cluster's share of the
     * policy's replicas. The container requests {@link #PER_REPLICA}, so what the policy assumes and what the pods
     * ask the cluster for are the same numbers.
     */
    static Manifest deployment() {
        Deployment d = new DeploymentBuilder()
                .withNewMetadata()
                .withName(NAME)
                .withNamespace(NAMESPACE)
                .addToLabels("app", NAME)
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .addToMatchLabels("app", NAME)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", NAME)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(CONTAINER)
                .withImage(IMAGE)
                .addNewEnv()
                .withName("CONFIG_MAP")
                .withValue(CONFIG)
                .endEnv()
                .withNewResources()
                .withRequests(Map.of("cpu", new Quantity(CPU), "memory", new Quantity(MEMORY)))
                .endResources()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
        return KubernetesManifests.of(d);
    }

    /** The ConfigMap; applied before the Deployment, which is the order of the request. */
    static Manifest config() {
        return KubernetesManifests.of(new ConfigMapBuilder()
                .withNewMetadata()
                .withName(CONFIG)
                .withNamespace(NAMESPACE)
                .addToLabels("app", NAME)
                .endMetadata()
                .addToData("checkout.currency", "EUR")
                .addToData("catalog.cache-ttl", "30s")
                .build());
    }

    /** The Deployment as {@code client}'s cluster has it, or null. */
    static Deployment deploymentOn(KubernetesClient client) {
        return client.apps().deployments().inNamespace(NAMESPACE).withName(NAME).get();
    }

    /** The ConfigMap as {@code client}'s cluster has it, or null. */
    static ConfigMap configOn(KubernetesClient client) {
        return client.configMaps().inNamespace(NAMESPACE).withName(CONFIG).get();
    }
}
