package dev.scaleplane.events.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.PublishException;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.DeploymentStarted;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.kubernetes.internal.KubernetesEventBus;
import dev.scaleplane.tck.TckBusSettings;
import dev.scaleplane.testing.TestProviderContext;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the kit does not cover: how events are stored, size limits, an unreachable apiserver, foreign Events. */
class KubernetesEventBusTest {
    private static TestClusters clusters;
    private static Path kubeconfig;
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private EventBus bus;

    @BeforeAll
    static void startFleet() throws IOException {
        clusters = TestClusters.start("mgmt-1");
        kubeconfig = clusters.fleet.writeKubeconfig(Files.createTempFile("bus-kubeconfig", ".yaml"));
    }

    @AfterAll
    static void stopFleet() throws IOException {
        if (clusters != null) {
            clusters.close();
        }
        if (kubeconfig != null) {
            Files.deleteIfExists(kubeconfig);
        }
    }

    @AfterEach
    void closeBus() {
        if (bus != null) {
            bus.close();
        }
        clusters.fleet.cluster("mgmt-1").clearFaults();
    }

    private EventBus bus(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(KubernetesEventBusCompatibilityTest.settings(
                kubeconfig, "mgmt-1", TckBusSettings.defaults().withPublishTimeout(Duration.ofSeconds(1))));
        settings.put(KubernetesBusConfig.NAMESPACE, "platform-events");
        settings.putAll(extra);
        bus = new KubernetesEventBusProvider()
                .create(TestProviderContext.builder()
                        .config(ScaleplaneProperties.of(settings))
                        .eventTypes(TckBusSettings.tckEventTypes())
                        .component(MeterRegistry.class, registry)
                        .build());
        return bus;
    }

    private static Event<DeploymentStarted> started(String app) {
        return Event.builder(DeploymentStarted.TYPE, new DeploymentStarted("d", app, "1", "ams-1", "rolling"))
                .source("/test")
                .subject("deployment/" + app)
                .build();
    }

    private static List<io.fabric8.kubernetes.api.model.events.v1.Event> stored() {
        return clusters.fleet
                .cluster("mgmt-1")
                .client()
                .events()
                .v1()
                .events()
                .inNamespace("platform-events")
                .list()
                .getItems();
    }

    @Test
    void storesEachEventAsAKubernetesEventCarryingTheCloudEvent() throws Exception {
        EventBus bus = bus(Map.of());
        Event<DeploymentStarted> event = started("stored");

        String position =
                bus.publish("deployments", event).get(10, TimeUnit.SECONDS).position();

        var mine = stored().stream()
                .filter(e -> e.getNote().contains(event.id()))
                .findFirst()
                .orElseThrow();
        assertThat(mine.getMetadata().getResourceVersion()).isEqualTo(position);
        assertThat(mine.getMetadata().getLabels())
                .containsEntry(KubernetesEventBus.TOPIC_LABEL, KubernetesEventBus.topicHash("deployments"));
        assertThat(mine.getMetadata().getAnnotations())
                .containsEntry(KubernetesEventBus.TOPIC_ANNOTATION, "deployments")
                .containsKey(KubernetesEventBus.EVENT_ANNOTATION);
        assertThat(mine.getMetadata().getAnnotations().get(KubernetesEventBus.EVENT_ANNOTATION))
                .contains("\"id\":\"" + event.id() + "\"")
                .contains("\"specversion\":\"1.0\"");
        assertThat(mine.getReportingController()).isEqualTo(KubernetesEventBus.REPORTING_CONTROLLER);
        assertThat(mine.getRegarding().getKind()).isEqualTo("Namespace");
        assertThat(mine.getRegarding().getName()).isEqualTo("platform-events");
    }

    @Test
    void anEventLargerThanTheLimitFailsItsPublishNamingTheSetting() {
        EventBus bus = bus(Map.of(KubernetesBusConfig.MAX_EVENT_BYTES, "1024"));
        Event<DeploymentStarted> big = started("x".repeat(2000));

        assertThatThrownBy(() -> bus.publish("deployments", big).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(PublishException.class)
                .hasMessageContaining(KubernetesBusConfig.MAX_EVENT_BYTES)
                .hasMessageContaining("1024");
    }

    @Test
    void anUnreachableApiserverFailsThePublishNamingTheSystemAndTheSettings() {
        EventBus bus = bus(Map.of());
        clusters.fleet.cluster("mgmt-1").partition();

        assertThatThrownBy(() -> bus.publish("deployments", started("down")).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("namespace platform-events")
                .hasMessageContaining(
                        "127.0.0.1:" + clusters.fleet.cluster("mgmt-1").port())
                .hasMessageContaining(KubernetesBusConfig.KUBECONFIG);
        assertThatThrownBy(() -> bus.subscribe(SubscriptionOptions.of("deployments", "g"), e -> {}))
                .isInstanceOf(ScaleplaneException.class)
                .hasMessageContaining("cannot watch")
                .hasMessageContaining(KubernetesBusConfig.KUBECONFIG);
    }

    @Test
    void anUndecodableEventWithTheTopicLabelIsSkippedAndCounted() throws Exception {
        EventBus bus = bus(Map.of());
        List<String> handled = new CopyOnWriteArrayList<>();
        bus.subscribe(SubscriptionOptions.of("foreign", "g"), e -> handled.add(e.id()));
        clusters.fleet
                .cluster("mgmt-1")
                .client()
                .events()
                .v1()
                .events()
                .inNamespace("platform-events")
                .resource(new EventBuilder()
                        .withNewMetadata()
                        .withName("written-by-someone-else")
                        .addToLabels(KubernetesEventBus.TOPIC_LABEL, KubernetesEventBus.topicHash("foreign"))
                        .addToAnnotations(KubernetesEventBus.TOPIC_ANNOTATION, "foreign")
                        .addToAnnotations(KubernetesEventBus.EVENT_ANNOTATION, "{not json")
                        .endMetadata()
                        .withReason("Published")
                        .withAction("Publish")
                        .withType("Normal")
                        .build())
                .create();
        Event<DeploymentStarted> after = started("after");
        bus.publish("foreign", after).get(10, TimeUnit.SECONDS);

        await().until(() -> handled.contains(after.id()));
        assertThat(handled).containsExactly(after.id());
        Gauge undecodable =
                registry.find("scaleplane.kubernetes.bus.undecodable").gauge();
        assertThat(undecodable).isNotNull();
        assertThat(undecodable.value()).isEqualTo(1.0);
    }
}
