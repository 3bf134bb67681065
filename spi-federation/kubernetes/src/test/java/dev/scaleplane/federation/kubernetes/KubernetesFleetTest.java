package dev.scaleplane.federation.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.federation.ApplyException;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterOverride;
import dev.scaleplane.api.federation.ClusterRegistrationException;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.FailoverDecision;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementException;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.Propagation;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.PropagationStatus;
import dev.scaleplane.api.federation.WhatIf;
import dev.scaleplane.api.federation.WorkloadState;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.federation.kubernetes.internal.KubernetesFleet;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet against a simulated fleet of three EU clusters and one US cluster (fabric8 mock API servers with a
 * simulated controller): registration, health, propagation with overrides, conflicts, refused objects, status and
 * failover with residency kept.
 */
class KubernetesFleetTest {
    private static SimulatedFleet sim;
    private static Path kubeconfig;

    @TempDir
    static Path dir;

    private ScaleplanePlatform platform;
    private Fleet fleet;

    @BeforeAll
    static void startSimulation() {
        sim = SimulatedFleet.builder()
                .cluster("ams-1")
                .cluster("par-1")
                .cluster("waw-1")
                .cluster("nyc-1")
                .controllerDelay(Duration.ofMillis(100))
                .start();
        kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
    }

    @AfterAll
    static void stopSimulation() {
        if (sim != null) {
            sim.close();
        }
    }

    @BeforeEach
    void startPlatform() {
        platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of(
                        "scaleplane.store.provider",
                        "memory",
                        KubernetesFleetConfig.PROBE_INTERVAL,
                        "100ms",
                        KubernetesFleetConfig.PROBE_TIMEOUT,
                        "500ms",
                        KubernetesFleetConfig.FAILURE_THRESHOLD,
                        "2",
                        KubernetesFleetConfig.TOLERATION,
                        "1s",
                        KubernetesFleetConfig.REQUEST_TIMEOUT,
                        "2s")))
                .taskQueueOptions(TaskQueueOptions.builder()
                        .retryPolicy(
                                KubernetesFleet.APPLY_TASK,
                                RetryPolicy.builder()
                                        .fixed(Duration.ofMillis(200))
                                        .jitter(0)
                                        .maxAttempts(100)
                                        .nonRetryable(ApplyException.class)
                                        .build())
                        .build())
                .build();
        fleet = platform.federation();
        register("ams-1", "amsterdam", "EU");
        register("par-1", "paris", "EU");
        register("waw-1", "warsaw", "EU");
        register("nyc-1", "new-york", "US");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> fleet.snapshot().clusters().stream().allMatch(c -> c.health() == ClusterHealth.READY));
    }

    @AfterEach
    void stopPlatform() {
        sim.clusters().forEach(c -> {
            c.clearFaults();
            if (c.isPartitioned()) {
                c.heal();
            }
            c.client().apps().deployments().inAnyNamespace().delete();
            c.client().configMaps().inNamespace("default").delete();
        });
        if (platform != null) {
            platform.close();
        }
    }

    private void register(String name, String region, String residency) {
        fleet.register(ClusterSpec.builder(name)
                .region(region)
                .residency(residency)
                .label("env", "prod")
                .credentials(ClusterCredentials.kubeconfig(kubeconfig, name))
                .build());
    }

    private static Manifest deployment(String name, String image, int replicas) {
        Deployment d = new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage(image)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
        return KubernetesManifests.of(d);
    }

    private static Manifest configMap(String name) {
        return KubernetesManifests.of(new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .endMetadata()
                .addToData("greeting", "hello")
                .build());
    }

    @Test
    void registeredClustersAreProbedReadyWithCapacityDiscoveredFromTheirNodes() {
        var ams = fleet.cluster("ams-1").orElseThrow();
        assertThat(ams.health()).isEqualTo(ClusterHealth.READY);
        assertThat(ams.taints()).isEmpty();
        assertThat(ams.capacity().cpuMillis()).as("3 simulated nodes x 4 cpu").isEqualTo(12_000);
        assertThat(ams.capacity().pods()).isEqualTo(330);
    }

    @Test
    void registrationErrorsNameTheClusterAndTheField() {
        assertThatThrownBy(() -> register("ams-1", "amsterdam", "EU"))
                .isInstanceOfSatisfying(ClusterRegistrationException.class, e -> {
                    assertThat(e.cluster()).isEqualTo("ams-1");
                    assertThat(e.field()).isEqualTo("name");
                });
        assertThatThrownBy(() -> fleet.register(ClusterSpec.builder("lis-1")
                        .region("lisbon")
                        .credentials(ClusterCredentials.kubeconfig(kubeconfig, "lis-1"))
                        .build()))
                .isInstanceOfSatisfying(ClusterRegistrationException.class, e -> {
                    assertThat(e.field()).isEqualTo("credentials.context");
                    assertThat(e.getMessage()).contains("unknown context 'lis-1'", "ams-1", "par-1");
                });
        assertThat(fleet.cluster("lis-1")).isEmpty();
    }

    @Test
    void aDeploymentIsPropagatedToTheResidencyWithPerRegionOverridesAndBecomesReady() {
        Propagation p = fleet.propagate(PropagationRequest.builder("web")
                .objects(configMap("web-config"), deployment("web", "nginx:1.27", 3))
                .placement(PlacementPolicy.builder().residency("EU").build())
                .override(ClusterOverride.builder()
                        .regions("paris")
                        .image("nginx:1.27-fr")
                        .env("*", "LOCALE", "fr_FR")
                        .build())
                .build());
        assertThat(p.decision().chosenNames()).containsExactly("ams-1", "par-1", "waw-1");
        assertThat(p.decision().verdict("nyc-1").orElseThrow().toString()).contains("residency US, policy needs EU");

        PropagationStatus ready = p.whenReady()
                .orTimeout(20, java.util.concurrent.TimeUnit.SECONDS)
                .join();
        assertThat(ready.state()).isEqualTo(WorkloadState.READY);
        assertThat(ready.regions()).containsOnlyKeys("amsterdam", "paris", "warsaw");

        Deployment paris = sim.cluster("par-1")
                .client()
                .apps()
                .deployments()
                .inNamespace("default")
                .withName("web")
                .get();
        assertThat(paris.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("nginx:1.27-fr");
        assertThat(paris.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnv())
                .anySatisfy(e -> assertThat(e.getName()).isEqualTo("LOCALE"));
        assertThat(paris.getMetadata().getLabels())
                .containsEntry(PropagationRequest.PROPAGATION_LABEL, "web")
                .containsEntry(PropagationRequest.MANAGED_BY_LABEL, "scaleplane");
        Deployment amsterdam = sim.cluster("ams-1")
                .client()
                .apps()
                .deployments()
                .inNamespace("default")
                .withName("web")
                .get();
        assertThat(amsterdam
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("nginx:1.27");
        assertThat(sim.cluster("nyc-1")
                        .client()
                        .apps()
                        .deployments()
                        .inNamespace("default")
                        .withName("web")
                        .get())
                .isNull();
    }

    @Test
    void aPlacementNoClusterMeetsIsRefusedWithEveryClustersReasons() {
        assertThatThrownBy(() -> fleet.propagate(PropagationRequest.builder("nowhere")
                        .objects(configMap("c"))
                        .placement(PlacementPolicy.builder().residency("APAC").build())
                        .build()))
                .isInstanceOf(PlacementException.class)
                .hasMessageContaining("ams-1 rejected: residency EU, policy needs APAC");
    }

    @Test
    void aPreExistingObjectIsAConflictOnItsClusterOnlyAndAnImageNamedToFailNeverBecomesReady() {
        sim.cluster("ams-1")
                .client()
                .configMaps()
                .inNamespace("default")
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("shared")
                        .withNamespace("default")
                        .endMetadata()
                        .build())
                .create();
        Propagation p = fleet.propagate(PropagationRequest.builder("clash")
                .objects(configMap("shared"), deployment("broken", "nginx:fail", 2))
                .placement(PlacementPolicy.builder().clusters("ams-1", "waw-1").build())
                .build());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            PropagationStatus s = p.status();
            assertThat(s.cluster("ams-1").orElseThrow().state()).isEqualTo(WorkloadState.ERR_APPLIED);
            assertThat(s.cluster("ams-1").orElseThrow().message()).contains("conflict", "ConfigMap", "shared");
            assertThat(s.cluster("waw-1").orElseThrow().state()).isEqualTo(WorkloadState.NOT_READY);
            assertThat(s.cluster("waw-1").orElseThrow().message()).contains("ready 0/2");
            assertThat(s.state()).isEqualTo(WorkloadState.ERR_APPLIED);
        });
        assertThat(sim.cluster("ams-1")
                        .client()
                        .configMaps()
                        .inNamespace("default")
                        .withName("shared")
                        .get()
                        .getMetadata()
                        .getLabels())
                .as("the conflicting object is left untouched")
                .isNullOrEmpty();
    }

    @Test
    void aPartitionedClusterFailsOverPastItsTolerationWithinItsResidency() {
        List<FailoverDecision> decisions = new CopyOnWriteArrayList<>();
        fleet.failovers().subscribe(collect(decisions));
        PlacementPolicy policy =
                PlacementPolicy.builder().residency("EU").pick(2).build();
        assertThat(fleet.simulate(policy, WhatIf.builder().clusterDown("par-1").build())
                        .chosenNames())
                .doesNotContain("par-1")
                .hasSize(2)
                .allMatch(n -> !n.equals("nyc-1"));

        Propagation p = fleet.propagate(PropagationRequest.builder("api")
                .objects(deployment("api", "nginx:1.27", 2))
                .placement(policy)
                .build());
        List<String> before = p.decision().chosenNames();
        assertThat(before).hasSize(2).doesNotContain("nyc-1");
        p.whenReady().orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join();
        String lost = before.get(0);

        sim.cluster(lost).partition();
        await().atMost(Duration.ofSeconds(15)).until(() -> !decisions.isEmpty());
        FailoverDecision d = decisions.get(0);
        assertThat(d.leaving()).containsExactly(lost);
        assertThat(d.joining()).hasSize(1).doesNotContain("nyc-1", lost);
        String joined = d.joining().get(0);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(p.status().cluster(joined).orElseThrow().state()).isEqualTo(WorkloadState.READY);
            assertThat(p.status().state()).isEqualTo(WorkloadState.READY);
        });
        assertThat(sim.cluster(joined)
                        .client()
                        .apps()
                        .deployments()
                        .inNamespace("default")
                        .withName("api")
                        .get())
                .isNotNull();

        sim.cluster(lost).heal();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(sim.cluster(lost)
                            .client()
                            .apps()
                            .deployments()
                            .inNamespace("default")
                            .withName("api")
                            .get())
                    .as("the old copy is removed once the cluster is back")
                    .isNull();
            assertThat(p.status().cluster(lost)).isEmpty();
        });
    }

    private static <T> Flow.Subscriber<T> collect(List<T> into) {
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(T item) {
                into.add(item);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onComplete() {}
        };
    }
}
