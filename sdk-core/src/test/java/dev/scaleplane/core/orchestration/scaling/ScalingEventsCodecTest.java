package dev.scaleplane.core.orchestration.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.orchestration.scaling.ScalingDecision;
import dev.scaleplane.api.orchestration.scaling.ScalingEvents;
import dev.scaleplane.core.codec.EventCodec;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A scaling decision on the wire, with and without the optional inputs, round-trips through the codec. */
class ScalingEventsCodecTest {
    private final EventCodec codec = EventCodec.builder(EventTypeRegistry.platformDefaults().toBuilder()
                    .registerAll(ScalingEvents.all())
                    .build())
            .build();

    @Test
    void decisionsRoundTrip() {
        Instant at = Instant.parse("2026-01-01T00:01:45Z");
        for (ScalingDecision d : List.of(
                new ScalingDecision(
                        "render",
                        at,
                        1,
                        10,
                        2,
                        ScalingDecision.Reason.SCALE_UP_LIMITED,
                        400,
                        Duration.ofSeconds(45),
                        List.of(
                                new ScalingDecision.MetricReading("depth", 400.0, 10, 40),
                                new ScalingDecision.MetricReading("oldest-ready-age", 45.0, 300, 1)),
                        "metrics recommend 40"),
                new ScalingDecision(
                        "render",
                        at,
                        3,
                        3,
                        3,
                        ScalingDecision.Reason.METRICS_UNAVAILABLE,
                        7,
                        null,
                        List.of(new ScalingDecision.MetricReading("oldest-ready-age", null, 30, null)),
                        "no metric had input"))) {
            Event<ScalingDecision> event = Event.builder(ScalingDecision.TYPE, d)
                    .source(URI.create("/scaleplane/autoscaler"))
                    .build();
            Event<?> back = codec.decodeStructured(codec.encodeStructured(event));
            assertThat(back.type()).isEqualTo(ScalingDecision.TYPE_NAME);
            assertThat(back.data()).isEqualTo(d);
        }
    }
}
