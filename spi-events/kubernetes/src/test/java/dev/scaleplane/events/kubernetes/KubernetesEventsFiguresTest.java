package dev.scaleplane.events.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.DeploymentStarted;
import dev.scaleplane.api.orchestration.TaskRateLimit;
import dev.scaleplane.federation.kubernetes.testing.SimulatedCluster;
import dev.scaleplane.tck.TckBusSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Figures of the bus and the mirror on one simulated cluster, printed (never asserted: timings depend on the machine);
 * the assertions check only that every event arrived, and the apiserver requests each costs, which are exact.
 */
class KubernetesEventsFiguresTest {
    private static final int EVENTS = 300;
    private static TestClusters clusters;

    @BeforeAll
    static void startFleet() {
        clusters = TestClusters.start("ams-1");
    }

    @AfterAll
    static void stopFleet() {
        if (clusters != null) {
            clusters.close();
        }
    }

    @Test
    void busPublishAndDelivery() throws IOException {
        Path kubeconfig = clusters.fleet.writeKubeconfig(Files.createTempFile("figures", ".yaml"));
        SimulatedCluster cluster = clusters.fleet.cluster("ams-1");
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        try (EventBus bus =
                KubernetesEventBusCompatibilityTest.busFor(kubeconfig, "ams-1", TckBusSettings.defaults())) {
            bus.subscribe(SubscriptionOptions.of("figures", "g"), e -> delivered.add(e.id()));
            long requestsBefore = cluster.requestCount();
            long start = System.nanoTime();
            List<CompletableFuture<PublishReceipt>> publishes = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                publishes.add(bus.publish("figures", started(i)));
            }
            CompletableFuture.allOf(publishes.toArray(CompletableFuture[]::new)).join();
            long accepted = System.nanoTime();
            await().until(() -> delivered.size() == EVENTS);
            long done = System.nanoTime();
            long requests = cluster.requestCount() - requestsBefore;
            System.out.printf(
                    Locale.ROOT,
                    "FIGURE kubernetes bus: %d events accepted in %.0f ms (%.0f/s), all delivered after %.0f ms"
                            + " (%.0f/s); %d apiserver requests (%.2f per event)%n",
                    EVENTS,
                    (accepted - start) / 1e6,
                    EVENTS / ((accepted - start) / 1e9),
                    (done - start) / 1e6,
                    EVENTS / ((done - start) / 1e9),
                    requests,
                    (double) requests / EVENTS);
            assertThat(requests).as("one create per event").isEqualTo(EVENTS);
        } finally {
            Files.deleteIfExists(kubeconfig);
        }
    }

    @Test
    void mirrorWritesAndSeries() {
        SimulatedCluster cluster = clusters.fleet.cluster("ams-1");
        MeterRegistry registry = new SimpleMeterRegistry();
        try (EventMirror mirror = EventMirror.builder(clusters.fleetClients)
                .rateLimit(TaskRateLimit.of(1_000_000, Duration.ofSeconds(1)))
                .queueCapacity(EVENTS * 2)
                .meterRegistry(registry)
                .build()) {
            long requestsBefore = cluster.requestCount();
            long start = System.nanoTime();
            for (int i = 0; i < EVENTS; i++) {
                mirror.offer(started(i)); // distinct objects: one create each
            }
            for (int i = 0; i < EVENTS; i++) {
                mirror.offer(started(0)); // repeats on one object: one series patch each
            }
            await().until(() -> written(registry, "created") + written(registry, "series") == 2 * EVENTS);
            long done = System.nanoTime();
            long requests = cluster.requestCount() - requestsBefore;
            System.out.printf(
                    Locale.ROOT,
                    "FIGURE mirror: %d creates and %d series patches written in %.0f ms (%.0f writes/s); %d apiserver"
                            + " requests%n",
                    EVENTS,
                    EVENTS,
                    (done - start) / 1e6,
                    2 * EVENTS / ((done - start) / 1e9),
                    requests);
            assertThat(written(registry, "created")).isEqualTo(EVENTS);
            // a create is one request; fabric8 reads the Event before it sends a merge patch, so a series update is two
            assertThat(requests)
                    .as("requests: one per create, two per series update")
                    .isEqualTo(3L * EVENTS);
        }
    }

    private static double written(MeterRegistry registry, String result) {
        Counter c = registry.find("scaleplane.kubernetes.mirror.writes")
                .tag("result", result)
                .counter();
        return c == null ? 0 : c.count();
    }

    private static Event<DeploymentStarted> started(int i) {
        return Event.builder(
                        DeploymentStarted.TYPE,
                        new DeploymentStarted("d-" + i, "app-" + i, "1.0." + i, "ams-1", "rolling"))
                .source("/figures")
                .cluster("ams-1")
                .subject("Deployment/figures/app-" + i)
                .build();
    }
}
