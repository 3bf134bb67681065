package dev.scaleplane.events.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.DeploymentStarted;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.kubernetes.internal.MirrorEngine;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The module README's two examples, "Mirror" and "Source", kept here so that they compile and run on two simulated
 * clusters. The code between {@code README: begin} and {@code README: end} is the README's block.
 */
class KubernetesEventsReadmeExampleTest {
    /** Where the source example's Events are created; the mirror example's go to {@code shop}. */
    private static final String NAMESPACE = "web";

    private static TestClusters clusters;
    private ScaleplanePlatform platform;

    @BeforeAll
    static void startFleet() {
        clusters = TestClusters.start("ams-1", "par-1");
    }

    @AfterAll
    static void stopFleet() {
        if (clusters != null) {
            clusters.close();
        }
    }

    @BeforeEach
    void start() {
        platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.store.provider", "memory")))
                .registerEventType(KubernetesEventObserved.TYPE)
                .build();
    }

    @AfterEach
    void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void mirror_example() throws Exception {
        KubernetesClient ams1 = clusters.fleet.cluster("ams-1").client();
        KubernetesClient par1 = clusters.fleet.cluster("par-1").client();
        String podName = "deployer-0";

        // README: begin
        EventMirror mirror = EventMirror.builder(FleetClients.of(Map.of("ams-1", ams1, "par-1", par1)))
                .types("dev.scaleplane.deployment.*") // every deployment event
                .reportingController("example.com/deployer")
                .reportingInstance(podName)
                .build();
        mirror.attach(platform.events(), "deployments"); // or mirror.offer(event)
        // README: end

        try (mirror) {
            Event<DeploymentStarted> started = Event.builder(
                            DeploymentStarted.TYPE,
                            new DeploymentStarted("d-1", "checkout", "1.4.2", "ams-1", "canary"))
                    .source("/deployer")
                    .cluster("ams-1")
                    .subject("Deployment/shop/checkout")
                    .build();
            platform.events().publish("deployments", started).get(10, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(20)).until(() -> !ams1.events()
                    .v1()
                    .events()
                    .inNamespace("shop")
                    .list()
                    .getItems()
                    .isEmpty());
            var written = ams1.events().v1().events().inNamespace("shop").list().getItems();
            assertThat(written).singleElement().satisfies(e -> {
                assertThat(e.getRegarding().getKind()).isEqualTo("Deployment");
                assertThat(e.getRegarding().getName()).isEqualTo("checkout");
                assertThat(e.getReason()).isEqualTo("DeploymentStarted");
                assertThat(e.getReportingController()).isEqualTo("example.com/deployer");
                assertThat(e.getReportingInstance()).isEqualTo("deployer-0");
                assertThat(e.getMetadata().getAnnotations()).containsEntry(MirrorEngine.ID_ANNOTATION, started.id());
            });
            assertThat(par1.events().v1().events().inNamespace("shop").list().getItems())
                    .as("nothing on the cluster the event does not concern")
                    .isEmpty();
        }
    }

    @Test
    void source_example() {
        FleetClients clients = clusters.fleetClients;
        Set<String> placedObjects = Set.of("web-1");
        List<KubernetesEventObserved> published = new CopyOnWriteArrayList<>();
        platform.events()
                .subscribe(
                        SubscriptionOptions.of("kubernetes-events", "readme"),
                        KubernetesEventObserved.TYPE,
                        e -> published.add(e.data()));

        // README: begin
        KubernetesEventSource source = KubernetesEventSource.builder(clients, platform.events(), "kubernetes-events")
                .types("Warning") // default
                .reasons("FailedScheduling", "FailedCreate") // none: every reason
                .filter(o -> placedObjects.contains(o.regardingName()))
                .build();
        // README: end

        try (source) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> source.isWatching("ams-1") && source.isWatching("par-1"));
            create("par-1", "other.a", "Warning", "FailedScheduling", "other");
            create("ams-1", "web-1.b", "Normal", "Scheduled", "web-1");
            create("ams-1", "web-1.c", "Warning", "BackOff", "web-1");
            create("ams-1", "web-1.a", "Warning", "FailedScheduling", "web-1");
            create("par-1", "web-1.d", "Warning", "FailedCreate", "web-1");

            await().atMost(Duration.ofSeconds(20)).until(() -> published.size() >= 2);
            // Each cluster's Events arrive in order: once its last one is in, its others' fate is known.
            assertThat(published)
                    .extracting(KubernetesEventObserved::cluster, KubernetesEventObserved::name)
                    .containsExactlyInAnyOrder(tuple("ams-1", "web-1.a"), tuple("par-1", "web-1.d"));
        }
    }

    private void create(String cluster, String name, String type, String reason, String pod) {
        clusters.createEvent(cluster, NAMESPACE, name, type, reason, "Pod", pod);
    }
}
