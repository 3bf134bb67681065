package dev.scaleplane.federation.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.ClusterCreated;
import dev.scaleplane.api.events.catalog.ClusterUpdated;
import dev.scaleplane.api.events.catalog.HealthStatus;
import dev.scaleplane.api.events.catalog.PlatformHealthCheck;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterOverride;
import dev.scaleplane.api.federation.ClusterRegistrationException;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.JsonPatchOperation;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.Propagation;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.Taint;
import dev.scaleplane.api.federation.Toleration;
import dev.scaleplane.api.federation.WorkloadState;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is particular to the Kubernetes fleet, on a simulated fleet (fabric8 mock API servers with a simulated
 * controller): capacity discovered from the nodes, kubeconfig errors, and bearer tokens kept out of the registry.
 * The contract shared by every backend is in {@link KubernetesFleetCompatibilityTest}.
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
        platform = FastFleetPlatforms.start(Map.of("scaleplane.store.provider", "memory"));
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

    @Test
    void registeredClustersAreProbedReadyWithCapacityDiscoveredFromTheirNodes() {
        var ams = fleet.cluster("ams-1").orElseThrow();
        assertThat(ams.health()).isEqualTo(ClusterHealth.READY);
        assertThat(ams.taints()).isEmpty();
        assertThat(ams.capacity().cpuMillis()).as("3 simulated nodes x 4 cpu").isEqualTo(12_000);
        assertThat(ams.capacity().pods()).isEqualTo(330);
    }

    @Test
    void aMissingKubeconfigNamesTheFile() {
        Path missing = dir.resolve("no-such-kubeconfig");
        assertThatThrownBy(() -> fleet.register(ClusterSpec.builder("lis-1")
                        .region("lisbon")
                        .credentials(ClusterCredentials.kubeconfig(missing, "lis-1"))
                        .build()))
                .isInstanceOfSatisfying(ClusterRegistrationException.class, e -> {
                    assertThat(e.field()).isEqualTo("credentials.kubeconfig");
                    assertThat(e.getMessage()).contains(missing.toString());
                });
    }

    @Test
    void tokensAreNeverWrittenToTheRegistryStream() {
        fleet.register(ClusterSpec.builder("tok-1")
                .region("amsterdam")
                .credentials(ClusterCredentials.token(
                        java.net.URI.create(sim.cluster("ams-1").url()), "s3cret-token-value"))
                .build());
        String stream = platform.store()
                .readStream(Fleet.REGISTRY_STREAM, dev.scaleplane.api.store.ReadDirection.FORWARD, 0, 100)
                .toString();
        assertThat(stream).contains("tok-1").doesNotContain("s3cret-token-value");
        assertThat(fleet.cluster("tok-1").orElseThrow().spec().toString()).doesNotContain("s3cret-token-value");
    }

    @Test
    void aSecretIsRefusedBeforeAnythingIsRecordedOrApplied() {
        var secret = dev.scaleplane.api.federation.Manifest.of(java.util.Map.of(
                "apiVersion",
                "v1",
                "kind",
                "Secret",
                "metadata",
                java.util.Map.of("name", "db", "namespace", "default"),
                "stringData",
                java.util.Map.of("password", "hunter2-value")));
        assertThatThrownBy(() -> fleet.propagate(dev.scaleplane.api.federation.PropagationRequest.builder("secret")
                        .objects(secret)
                        .placement(dev.scaleplane.api.federation.PlacementPolicy.builder()
                                .build())
                        .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SecretPropagator")
                .hasMessageNotContaining("hunter2-value");
        assertThat(fleet.propagation("secret")).isEmpty();
        assertThat(platform.store().streamVersion("federation-propagation-secret"))
                .isEmpty();
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
    void customResourcesArePropagatedThroughTheGenericClient() {
        CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("widgets.example.com")
                .endMetadata()
                .withNewSpec()
                .withGroup("example.com")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("Widget")
                .withPlural("widgets")
                .withSingular("widget")
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema()
                .endVersion()
                .endSpec()
                .build();
        List<String> clusters = List.of("ams-1", "par-1");
        clusters.forEach(c -> sim.cluster(c)
                .client()
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(crd)
                .create());
        try {
            Manifest widget = Manifest.of(Map.of(
                    "apiVersion",
                    "example.com/v1",
                    "kind",
                    "Widget",
                    "metadata",
                    Map.of("name", "w1", "namespace", "default"),
                    "spec",
                    Map.of("size", 3)));
            Propagation p = fleet.propagate(PropagationRequest.builder("widgets")
                    .objects(widget)
                    .placement(
                            PlacementPolicy.builder().clusters("ams-1", "par-1").build())
                    .override(ClusterOverride.builder()
                            .clusters("par-1")
                            .jsonPatch(JsonPatchOperation.replace("/spec/size", 5))
                            .build())
                    .build());
            p.whenReady().orTimeout(20, TimeUnit.SECONDS).join();
            GenericKubernetesResource paris = sim.cluster("par-1")
                    .client()
                    .genericKubernetesResources("example.com/v1", "Widget")
                    .inNamespace("default")
                    .withName("w1")
                    .get();
            assertThat(paris.getMetadata().getLabels()).containsEntry(PropagationRequest.PROPAGATION_LABEL, "widgets");
            assertThat(((Number) ((Map<?, ?>) paris.getAdditionalProperties().get("spec")).get("size")).intValue())
                    .isEqualTo(5);
            p.delete(false).orTimeout(20, TimeUnit.SECONDS).join();
            assertThat(sim.cluster("ams-1")
                            .client()
                            .genericKubernetesResources("example.com/v1", "Widget")
                            .inNamespace("default")
                            .withName("w1")
                            .get())
                    .isNull();
        } finally {
            clusters.forEach(c -> sim.cluster(c)
                    .client()
                    .apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName("widgets.example.com")
                    .delete());
        }
    }

    @Test
    void registryAndHealthChangesArePublishedOnTheBus() {
        List<Event<?>> events = new CopyOnWriteArrayList<>();
        platform.events()
                .subscribe(SubscriptionOptions.builder(Fleet.TOPIC, "test").build(), events::add);
        fleet.register(ClusterSpec.builder("ams-2")
                .region("amsterdam")
                .credentials(ClusterCredentials.kubeconfig(kubeconfig, "ams-1"))
                .build());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> fleet.cluster("ams-2").orElseThrow().health() == ClusterHealth.READY);
        fleet.update(fleet.cluster("ams-2").orElseThrow().spec().toBuilder()
                .label("tier", "gold")
                .build());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(events)
                    .filteredOn(e -> "ams-2".equals(e.cluster()))
                    .extracting(Event::type)
                    .contains(ClusterCreated.TYPE_NAME, PlatformHealthCheck.TYPE_NAME, ClusterUpdated.TYPE_NAME);
            assertThat(events)
                    .filteredOn(e -> e.type().equals(PlatformHealthCheck.TYPE_NAME) && "ams-2".equals(e.cluster()))
                    .first()
                    .satisfies(e -> {
                        PlatformHealthCheck check = (PlatformHealthCheck) e.data();
                        assertThat(check.status()).isEqualTo(HealthStatus.UP);
                        assertThat(check.details())
                                .containsEntry("from", "UNKNOWN")
                                .containsEntry("to", "READY");
                    });
            assertThat(events)
                    .filteredOn(e -> e.type().equals(ClusterUpdated.TYPE_NAME) && "ams-2".equals(e.cluster()))
                    .first()
                    .satisfies(e ->
                            assertThat(((ClusterUpdated) e.data()).changes()).containsKey("labels"));
        });
    }

    @Test
    void aStatusWatchStartedWhileItsClusterAnswers503RecoversWithTheCluster() {
        var waw = sim.cluster("waw-1");
        waw.errorRatio(1.0, 503);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> fleet.cluster("waw-1").orElseThrow().health() == ClusterHealth.NOT_READY);
        Manifest config = KubernetesManifests.of(new ConfigMapBuilder()
                .withNewMetadata()
                .withName("watched")
                .withNamespace("default")
                .endMetadata()
                .addToData("value", "applied")
                .build());
        // Placed on the failing cluster on purpose (its NotReady taint tolerated): the informer's first list fails.
        Propagation p = fleet.propagate(PropagationRequest.builder("watched")
                .objects(config)
                .placement(PlacementPolicy.builder()
                        .clusters("waw-1")
                        .tolerate(Toleration.exists(Taint.NOT_READY))
                        .build())
                .failover(false)
                .build());
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(p.status().state()).isNotEqualTo(WorkloadState.READY));
        waw.clearFaults();
        p.whenReady().orTimeout(20, TimeUnit.SECONDS).join();

        // A change behind the fleet's back is seen too: the watch is alive.
        waw.client().configMaps().inNamespace("default").withName("watched").edit(cm -> new ConfigMapBuilder(cm)
                .addToData("value", "edited")
                .build());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(p.status().state()).isEqualTo(WorkloadState.MODIFIED);
            assertThat(p.status().cluster("waw-1").orElseThrow().message()).contains("data.value");
        });
    }
}
