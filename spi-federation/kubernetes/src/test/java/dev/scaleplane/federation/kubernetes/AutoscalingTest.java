package dev.scaleplane.federation.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterOverride;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.DriftPolicy;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.HorizontalAutoscaling;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.ObjectStatus;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.Propagation;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.ReplicaDivision;
import dev.scaleplane.api.federation.WorkloadState;
import dev.scaleplane.api.orchestration.scaling.ScalingRules;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import dev.scaleplane.federation.kubernetes.testing.SimulatedWorkloads;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HorizontalPodAutoscalers carried by propagations, on a simulated fleet (fabric8 mock API servers in CRUD mode). The
 * mock stores HPAs like any object but runs no HPA controller, so these tests check what is applied on each cluster:
 * the bounds divided as placement divides the replicas, overrides, failover and deletion.
 */
class AutoscalingTest {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
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
                .controllerDelay(Duration.ofMillis(50))
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
        platform = FastFleetPlatforms.start(Map.of("scaleplane.store.provider", "memory"));
        fleet = platform.federation();
        for (String name : List.of("ams-1", "par-1", "waw-1")) {
            fleet.register(ClusterSpec.builder(name)
                    .region(name.substring(0, 3))
                    .residency("EU")
                    .credentials(ClusterCredentials.kubeconfig(kubeconfig, name))
                    .build());
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> fleet.snapshot().clusters().stream().allMatch(c -> c.health() == ClusterHealth.READY));
    }

    @AfterEach
    void stopPlatform() {
        // Closed first: deleting while its watches are open makes the mock server write events to watches being
        // closed, which can stall the mock's event loop.
        if (platform != null) {
            platform.close();
        }
        sim.clusters().forEach(c -> {
            if (c.isPartitioned()) {
                c.heal();
            }
            c.client().apps().deployments().inNamespace("default").delete();
            c.client()
                    .autoscaling()
                    .v2()
                    .horizontalPodAutoscalers()
                    .inNamespace("default")
                    .delete();
        });
    }

    @Test
    void eachClusterGetsAnHpaWithTheFleetBoundsDividedLikeTheReplicasAndOverridesLast() {
        Propagation p = fleet.propagate(PropagationRequest.builder("web")
                .objects(deployment("web", 1))
                .placement(PlacementPolicy.builder()
                        .replicas(8)
                        .division(ReplicaDivision.staticWeights(Map.of("ams-1", 2, "par-1", 1, "waw-1", 1)))
                        .build())
                .autoscaling(HorizontalAutoscaling.builder("web")
                        .replicas(2, 10)
                        .cpuUtilization(70)
                        .memoryUtilization(80)
                        .scaleUp(ScalingRules.of(
                                Duration.ofSeconds(60), ScalingRules.Limit.percent(100, Duration.ofSeconds(15))))
                        .scaleDown(new ScalingRules(
                                Duration.ofSeconds(300),
                                ScalingRules.Select.MIN,
                                List.of(
                                        ScalingRules.Limit.percent(10, Duration.ofSeconds(60)),
                                        ScalingRules.Limit.workers(2, Duration.ofSeconds(60)))))
                        .build())
                .override(ClusterOverride.builder()
                        .clusters("waw-1")
                        .autoscalerReplicas(2, 6)
                        .autoscalerCpuUtilization(50)
                        .label("tier", "edge")
                        .build())
                .build());
        p.whenReady().orTimeout(20, TimeUnit.SECONDS).join();

        // Replicas 4/2/2. Min 2 by 4/2/2 of 8: floors 1/0/0, the one left to par-1 (remainder tie with waw-1, by
        // name); waw-1's 0 raised to 1, then overridden. Max 10: floors 5/2/2, the one left to par-1.
        Map<String, Object> behavior = Map.of(
                "scaleUp",
                Map.of(
                        "stabilizationWindowSeconds",
                        60,
                        "selectPolicy",
                        "Max",
                        "policies",
                        List.of(Map.of("type", "Percent", "value", 100, "periodSeconds", 15))),
                "scaleDown",
                Map.of(
                        "stabilizationWindowSeconds",
                        300,
                        "selectPolicy",
                        "Min",
                        "policies",
                        List.of(
                                Map.of("type", "Percent", "value", 10, "periodSeconds", 60),
                                Map.of("type", "Pods", "value", 2, "periodSeconds", 60))));
        assertThat(spec(hpa("ams-1", "web"))).isEqualTo(expectedSpec("web", 1, 5, 70, 80, behavior));
        assertThat(spec(hpa("par-1", "web"))).isEqualTo(expectedSpec("web", 1, 3, 70, 80, behavior));
        assertThat(spec(hpa("waw-1", "web"))).isEqualTo(expectedSpec("web", 2, 6, 50, 80, behavior));
        assertThat(replicas("ams-1", "web")).isEqualTo(4);
        assertThat(replicas("par-1", "web")).isEqualTo(2);
        assertThat(replicas("waw-1", "web")).isEqualTo(2);

        HorizontalPodAutoscaler waw = hpa("waw-1", "web");
        assertThat(waw.getMetadata().getLabels())
                .containsEntry(PropagationRequest.PROPAGATION_LABEL, "web")
                .containsEntry(PropagationRequest.MANAGED_BY_LABEL, PropagationRequest.MANAGED_BY)
                .containsEntry("tier", "edge");
        assertThat(hpa("ams-1", "web").getMetadata().getLabels()).doesNotContainKey("tier");
        assertThat(p.status().cluster("ams-1").orElseThrow().objects())
                .extracting(o -> o.kind() + "/" + o.name())
                .containsExactly("Deployment/web", "HorizontalPodAutoscaler/web");
    }

    @Test
    void duplicatedReplicasGiveEveryClusterTheFleetBoundsAsTheyAre() {
        Propagation p = fleet.propagate(PropagationRequest.builder("api")
                .objects(deployment("api", 3))
                .placement(PlacementPolicy.builder().clusters("ams-1", "par-1").build())
                .autoscaling(HorizontalAutoscaling.builder("api")
                        .replicas(3, 9)
                        .cpuUtilization(60)
                        .build())
                .build());
        p.whenReady().orTimeout(20, TimeUnit.SECONDS).join();

        Map<String, Object> expected = expectedSpec("api", 3, 9, 60, null, null);
        assertThat(spec(hpa("ams-1", "api"))).isEqualTo(expected);
        assertThat(spec(hpa("par-1", "api"))).isEqualTo(expected);
        assertThat(hpa("waw-1", "api")).isNull();
    }

    @Test
    void replicasTheHpaScaledAreNeitherDriftNorUndoneByTheNextApply() {
        Propagation p = fleet.propagate(cart("nginx:1.27"));
        p.whenReady().orTimeout(20, TimeUnit.SECONDS).join();
        assertThat(replicas("ams-1", "cart")).isEqualTo(2);

        // What ams-1's HPA controller would do under load (the mock runs none): scale the Deployment to 5.
        sim.cluster("ams-1")
                .client()
                .apps()
                .deployments()
                .inNamespace("default")
                .withName("cart")
                .edit(d -> new DeploymentBuilder(d)
                        .editSpec()
                        .withReplicas(5)
                        .endSpec()
                        .build());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            ObjectStatus live =
                    p.status().cluster("ams-1").orElseThrow().objects().get(0);
            assertThat(live.desiredReplicas()).isEqualTo(5);
            assertThat(live.readyReplicas()).isEqualTo(5);
            assertThat(live.state()).as(live.message()).isEqualTo(WorkloadState.READY);
        });
        assertThat(replicas("ams-1", "cart")).as("not repaired as drift").isEqualTo(5);

        // A new revision changes the image and keeps each cluster's scaled replicas.
        fleet.propagate(cart("nginx:1.28"))
                .whenReady()
                .orTimeout(20, TimeUnit.SECONDS)
                .join();
        assertThat(replicas("ams-1", "cart")).isEqualTo(5);
        assertThat(replicas("par-1", "cart")).isEqualTo(2);
        assertThat(sim.cluster("ams-1")
                        .client()
                        .apps()
                        .deployments()
                        .inNamespace("default")
                        .withName("cart")
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("nginx:1.28");
    }

    /** Two clusters of 2 replicas and an HPA of 1..4 each, drift repaired. */
    private static PropagationRequest cart(String image) {
        return PropagationRequest.builder("cart")
                .objects(deployment("cart", 1, image))
                .placement(PlacementPolicy.builder()
                        .clusters("ams-1", "par-1")
                        .replicas(4)
                        .division(ReplicaDivision.staticWeights(Map.of("ams-1", 1, "par-1", 1)))
                        .build())
                .driftPolicy(DriftPolicy.REPAIR)
                .autoscaling(HorizontalAutoscaling.builder("cart")
                        .replicas(2, 8)
                        .cpuUtilization(70)
                        .build())
                .build();
    }

    @Test
    void theHpaFollowsItsDeploymentOnFailoverAndIsDeletedWithIt() {
        Propagation p = fleet.propagate(PropagationRequest.builder("shop")
                .objects(deployment("shop", 1))
                .placement(PlacementPolicy.builder()
                        .residency("EU")
                        .pick(2)
                        .replicas(6)
                        .division(ReplicaDivision.staticWeights(Map.of("ams-1", 1, "par-1", 1, "waw-1", 1)))
                        .build())
                .autoscaling(HorizontalAutoscaling.builder("shop")
                        .replicas(2, 12)
                        .cpuUtilization(75)
                        .build())
                .build());
        p.whenReady().orTimeout(20, TimeUnit.SECONDS).join();
        List<String> before = p.decision().chosenNames();
        assertThat(before).hasSize(2);
        // Two clusters of equal weight: half of each bound apiece.
        Map<String, Object> half = expectedSpec("shop", 1, 6, 75, null, null);
        for (String c : before) {
            assertThat(spec(hpa(c, "shop"))).as(c).isEqualTo(half);
        }
        String lost = before.get(0);
        String spare = List.of("ams-1", "par-1", "waw-1").stream()
                .filter(c -> !before.contains(c))
                .findFirst()
                .orElseThrow();
        assertThat(hpa(spare, "shop")).isNull();

        sim.cluster(lost).partition();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(p.decision().chosenNames())
                        .as("failed over from %s", lost)
                        .containsExactlyInAnyOrder(before.get(1), spare));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(hpa(spare, "shop")).isNotNull());
        assertThat(spec(hpa(spare, "shop"))).isEqualTo(half);

        sim.cluster(lost).heal();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(hpa(lost, "shop"))
                    .as("old copy removed once %s is back", lost)
                    .isNull();
            assertThat(p.status().cluster(lost)).isEmpty();
        });

        List<String> after = p.decision().chosenNames();
        p.delete(false).orTimeout(20, TimeUnit.SECONDS).join();
        for (String c : after) {
            assertThat(hpa(c, "shop")).as(c).isNull();
            assertThat(sim.cluster(c)
                            .client()
                            .apps()
                            .deployments()
                            .inNamespace("default")
                            .withName("shop")
                            .get())
                    .isNull();
        }
    }

    @Test
    void badAutoscalingNamesEveryFieldItsValueAndTheFix() {
        assertThatThrownBy(() -> HorizontalAutoscaling.builder("web")
                        .replicas(0, -1)
                        .cpuUtilization(0)
                        .scaleUp(ScalingRules.of(
                                Duration.ofMinutes(90), ScalingRules.Limit.workers(4, Duration.ofMillis(1500))))
                        .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key, ConfigurationException.Problem::value)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple("autoscaling.minReplicas", "0"),
                                org.assertj.core.groups.Tuple.tuple("autoscaling.maxReplicas", "-1"),
                                org.assertj.core.groups.Tuple.tuple("autoscaling.cpuUtilization", "0"),
                                org.assertj.core.groups.Tuple.tuple(
                                        "autoscaling.scaleUp.stabilizationWindow", "PT1H30M"),
                                org.assertj.core.groups.Tuple.tuple("autoscaling.scaleUp.limits[0].period", "PT1.5S")));
        assertThatThrownBy(() -> HorizontalAutoscaling.builder("web").build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactly("autoscaling.replicas", "autoscaling.metrics"));
        assertThatThrownBy(() -> ClusterOverride.builder().autoscalerReplicas(4, 3))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("override.autoscaler.maxReplicas = '3': expected an integer >= minReplicas (4)");

        HorizontalAutoscaling forApi = HorizontalAutoscaling.builder("api")
                .replicas(1, 3)
                .memoryUtilization(80)
                .build();
        assertThatThrownBy(() -> PropagationRequest.builder("web")
                        .objects(deployment("web", 1))
                        .autoscaling(forApi)
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(
                        "autoscaling[0].deployment = 'api': expected the name of a Deployment among the objects of"
                                + " propagation web: [web]");
        assertThatThrownBy(() -> PropagationRequest.builder("web")
                        .objects(deployment("web", 1))
                        .override(ClusterOverride.builder()
                                .autoscalerCpuUtilization(50)
                                .build())
                        .build())
                .isInstanceOfSatisfying(
                        ConfigurationException.class,
                        e -> assertThat(e.problems()).singleElement().satisfies(pr -> {
                            assertThat(pr.key()).isEqualTo("overrides[0].autoscaler");
                            assertThat(pr.expected()).contains("autoscaling(...)");
                        }));
        assertThat(fleet.propagation("web")).isEmpty();
    }

    private static Manifest deployment(String name, int replicas) {
        return deployment(name, replicas, "nginx:1.27");
    }

    private static Manifest deployment(String name, int replicas, String image) {
        return SimulatedWorkloads.deployment("default", name, image, replicas);
    }

    private static Map<String, Object> expectedSpec(
            String deployment,
            int min,
            int max,
            @Nullable Integer cpu,
            @Nullable Integer memory,
            @Nullable Map<String, Object> behavior) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("scaleTargetRef", Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", deployment));
        spec.put("minReplicas", min);
        spec.put("maxReplicas", max);
        List<Object> metrics = new java.util.ArrayList<>();
        if (cpu != null) {
            metrics.add(metric("cpu", cpu));
        }
        if (memory != null) {
            metrics.add(metric("memory", memory));
        }
        spec.put("metrics", metrics);
        if (behavior != null) {
            spec.put("behavior", behavior);
        }
        return spec;
    }

    private static Map<String, Object> metric(String resource, int percent) {
        return Map.of(
                "type",
                "Resource",
                "resource",
                Map.of("name", resource, "target", Map.of("type", "Utilization", "averageUtilization", percent)));
    }

    private static @Nullable HorizontalPodAutoscaler hpa(String cluster, String name) {
        return sim.cluster(cluster)
                .client()
                .autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace("default")
                .withName(name)
                .get();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(@Nullable HorizontalPodAutoscaler hpa) {
        assertThat(hpa).isNotNull();
        HorizontalPodAutoscalerSpec spec = hpa.getSpec();
        return SERIALIZATION.convertValue(spec, Map.class);
    }

    private static int replicas(String cluster, String name) {
        return sim.cluster(cluster)
                .client()
                .apps()
                .deployments()
                .inNamespace("default")
                .withName(name)
                .get()
                .getSpec()
                .getReplicas();
    }
}
