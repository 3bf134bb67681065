package dev.scaleplane.core.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.capacity.CapacityEvents;
import dev.scaleplane.api.capacity.CapacitySampled;
import dev.scaleplane.api.capacity.CapacityShortfallProjected;
import dev.scaleplane.api.capacity.Resource;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The capacity events round-trip through the codec, and every platform registers them. */
class CapacityEventsCodecTest {
    private final EventCodec codec = EventCodec.builder(EventTypeRegistry.platformDefaults().toBuilder()
                    .registerAll(CapacityEvents.all())
                    .build())
            .build();

    @Test
    void eventsRoundTrip() {
        Instant at = Instant.parse("2026-06-01T00:00:00Z");
        for (Object data : List.of(
                new CapacitySampled("ams-1", "eu-west", "EU", at, 16_000, 1L << 36, 110, 14_000, 1L << 34, 30),
                new CapacityShortfallProjected(
                        "eu-west", Resource.MEMORY, Instant.parse("2026-06-19T17:00:00Z"), 377L << 29, 1L << 37, at))) {
            Event<?> event = data instanceof CapacitySampled s
                    ? Event.builder(CapacitySampled.TYPE, s).source("/test").build()
                    : Event.builder(CapacityShortfallProjected.TYPE, (CapacityShortfallProjected) data)
                            .source("/test")
                            .build();
            Event<?> back = codec.decodeStructured(codec.encodeStructured(event));
            assertThat(back.data()).isEqualTo(data);
        }
    }

    @Test
    void everyPlatformRegistersTheCapacityTypes() {
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.store.provider", "memory")))
                .build()) {
            assertThat(platform.eventTypes().byName(CapacitySampled.TYPE_NAME)).isPresent();
            assertThat(platform.eventTypes().byName(CapacityShortfallProjected.TYPE_NAME))
                    .isPresent();
        }
    }
}
