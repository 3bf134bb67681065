package dev.scaleplane.core.memory;

import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.tck.EventBusCompatibilityKit;
import dev.scaleplane.tck.TckBusSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;

/**
 * Runs the {@link EventBusCompatibilityKit} against the embedded in-memory bus, created through the platform as a
 * user would: {@code scaleplane.events.provider=memory}. The in-memory bus keeps its buffers in this process, so a
 * slow consumer holds back publishers ({@link #backPressureFromConsumers()} keeps its default {@code true}), retries
 * run in place, and there is no wire format and no broker to restart.
 */
class InMemoryEventBusCompatibilityTest extends EventBusCompatibilityKit {

    private final Map<EventBus, ScaleplanePlatform> platforms = new ConcurrentHashMap<>();

    @Override
    protected EventBus createBus(TckBusSettings settings) {
        ScaleplanePlatform platform = Scaleplane.builder()
                .eventTypes(settings.eventTypes())
                .source(settings.source())
                .config(ScaleplaneProperties.of(Map.of(
                        "scaleplane.events.provider",
                        "memory",
                        "scaleplane.events.memory.buffer-size",
                        Integer.toString(settings.bufferCapacity()),
                        "scaleplane.events.publish-timeout",
                        settings.publishTimeout().toMillis() + "ms",
                        "scaleplane.events.drain-timeout",
                        settings.drainTimeout().toMillis() + "ms")))
                .build();
        platforms.put(platform.events(), platform);
        return platform.events();
    }

    /** Closes the platform that owns the bus, which closes the bus. */
    @Override
    protected void closeBus(EventBus bus) {
        ScaleplanePlatform platform = platforms.remove(bus);
        if (platform != null) {
            platform.close();
        } else {
            bus.close();
        }
    }

    /** Safety net: no platform outlives its test, even one whose bus the kit never got back. */
    @AfterEach
    void closeRemainingPlatforms() {
        List<ScaleplanePlatform> open = new ArrayList<>(platforms.values());
        platforms.clear();
        open.forEach(ScaleplanePlatform::close);
    }
}
