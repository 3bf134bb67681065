package dev.scaleplane.docs;

import dev.scaleplane.api.deployments.Application;
import dev.scaleplane.api.deployments.DeploymentRequest;
import dev.scaleplane.api.deployments.DeploymentStatus;
import dev.scaleplane.api.deployments.Deployments;
import dev.scaleplane.api.deployments.RolloutStrategy;
import dev.scaleplane.api.deployments.analysis.AnalysisSpec;
import dev.scaleplane.api.deployments.analysis.MetricCheck;
import dev.scaleplane.api.deployments.analysis.MetricSource;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.federation.kubernetes.KubernetesManifests;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The README's deployment example: define an application, request a version, wait for the outcome. */
public final class DeploymentExample {

    private DeploymentExample() {}

    // tag::readme[]
    public static DeploymentStatus rollOutCheckout(ScaleplanePlatform platform, String version) throws Exception {
        Deployments deployments = platform.deployments();
        deployments.define(Application.builder(
                        "checkout",
                        v -> KubernetesManifests.parse(
                                """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: checkout, namespace: shop}
                        spec:
                          replicas: 3
                          selector: {matchLabels: {app: checkout}}
                          template:
                            metadata: {labels: {app: checkout}}
                            spec: {containers: [{name: checkout, image: "registry.example/checkout:%s"}]}
                        """
                                        .formatted(v)))
                .placement(PlacementPolicy.builder().residency("EU").build())
                .rollout(RolloutStrategy.builder()
                        .canary(1) // one cluster first,
                        .byRegion() // then a wave per region,
                        .maxUnavailable(1) // one cluster of a wave at a time
                        .minSuccessTime(Duration.ofSeconds(1)) // soak once a wave is ready
                        .progressDeadline(Duration.ofMinutes(5)) // ready by then, or the rollout rolls back
                        .analysis(AnalysisSpec.of(MetricCheck.builder("failed-deployments")
                                .source(MetricSource.deploymentFailureRatio(Duration.ofHours(1))
                                        .orWhenNone(0))
                                .successCondition("result < 0.1")
                                .build()))
                        .build())
                .build());
        String id = "checkout-" + version;
        deployments.request(DeploymentRequest.of(id, "checkout", version, "alice")); // idempotent by id
        return deployments.whenFinished(id).get(10, TimeUnit.MINUTES);
    }
    // end::readme[]
}
