package dev.scaleplane.events.kubernetes;

import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import dev.scaleplane.tck.EventBusCompatibilityKit;
import dev.scaleplane.tck.TckBusSettings;
import dev.scaleplane.testing.TestProviderContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The event-bus compatibility kit against the {@code kubernetes} bus on a simulated cluster (a fabric8 mock API
 * server in CRUD mode), configured through its settings and the fleet's kubeconfig as a user would. The bus declares
 * only {@code ORDERED_PER_KEY}, so the kit checks the whole delivery contract plus per-key order, and nothing of
 * durability, replay or wire decoding.
 */
class KubernetesEventBusCompatibilityTest extends EventBusCompatibilityKit {
    private static SimulatedFleet fleet;
    private static Path kubeconfig;

    @BeforeAll
    static void startFleet() throws IOException {
        fleet = SimulatedFleet.builder().cluster("events-1").start();
        kubeconfig = fleet.writeKubeconfig(Files.createTempFile("kit-kubeconfig", ".yaml"));
    }

    @AfterAll
    static void stopFleet() throws IOException {
        if (fleet != null) {
            fleet.close();
        }
        if (kubeconfig != null) {
            Files.deleteIfExists(kubeconfig);
        }
    }

    static Map<String, String> settings(Path kubeconfig, @Nullable String context, TckBusSettings settings) {
        Map<String, String> s = new HashMap<>();
        s.put(KubernetesBusConfig.KUBECONFIG, kubeconfig.toString());
        if (context != null) {
            s.put(KubernetesBusConfig.CONTEXT, context);
        }
        s.put(KubernetesBusConfig.NAMESPACE, "scaleplane-kit");
        s.put(KubernetesBusConfig.BUFFER_SIZE, Integer.toString(settings.bufferCapacity()));
        s.put(KubernetesBusConfig.PUBLISH_TIMEOUT, settings.publishTimeout().toMillis() + "ms");
        s.put(KubernetesBusConfig.DRAIN_TIMEOUT, settings.drainTimeout().toMillis() + "ms");
        return s;
    }

    @Override
    protected EventBus createBus(TckBusSettings settings) {
        return busFor(kubeconfig, "events-1", settings);
    }

    /** A bus on {@code context} of {@code kubeconfig} (null: its current one), configured through the settings. */
    static EventBus busFor(Path kubeconfig, @Nullable String context, TckBusSettings settings) {
        return new KubernetesEventBusProvider()
                .create(TestProviderContext.builder()
                        .config(ScaleplaneProperties.of(settings(kubeconfig, context, settings)))
                        .eventTypes(settings.eventTypes())
                        .source(settings.source())
                        .component(MeterRegistry.class, new SimpleMeterRegistry())
                        .build());
    }

    @Override
    protected boolean backPressureFromConsumers() {
        return false; // the apiserver stores events; a slow handler holds back the watch, never publish
    }
}
