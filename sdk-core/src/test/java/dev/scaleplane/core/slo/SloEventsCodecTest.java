package dev.scaleplane.core.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.catalog.SLOViolation;
import dev.scaleplane.api.slo.DeploymentFreezeStarted;
import dev.scaleplane.api.slo.FreezeExceptionGranted;
import dev.scaleplane.api.slo.FreezeFlag;
import dev.scaleplane.api.slo.SloEvents;
import dev.scaleplane.core.codec.EventCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** SLO events on the wire: the extended SLOViolation reads old events, and the policy's types round-trip. */
class SloEventsCodecTest {
    private final EventCodec codec = EventCodec.builder(EventTypeRegistry.platformDefaults().toBuilder()
                    .registerAll(SloEvents.all())
                    .build())
            .build();

    @Test
    void anSloViolationWrittenBeforeTheBurnRateFieldsDecodesWithThemEmpty() {
        String v1 = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"" + SLOViolation.TYPE_NAME
                + "\",\"datacontenttype\":\"application/json\",\"time\":\"2026-01-01T00:00:00Z\",\"data\":"
                + "{\"service\":\"checkout\",\"slo\":\"availability\",\"objective\":0.999,\"actual\":0.99,"
                + "\"window\":\"PT672H\"}}";

        Event<?> e = codec.decodeStructured(v1.getBytes(StandardCharsets.UTF_8));

        assertThat(e.data())
                .isEqualTo(new SLOViolation("checkout", "availability", 0.999, 0.99, Duration.ofDays(28)))
                .isEqualTo(
                        new SLOViolation("checkout", "availability", 0.999, 0.99, Duration.ofDays(28), null, 0, null));
    }

    @Test
    void burnRateViolationsAndFreezeDecisionsRoundTrip() {
        for (Object data : new Object[] {
            new SLOViolation(
                    "checkout",
                    "deploy-success",
                    0.9,
                    0.8,
                    Duration.ofHours(1),
                    "page-fast",
                    20,
                    Duration.ofMinutes(5)),
            new DeploymentFreezeStarted("checkout", "deploy-success", -0.02, 0.1, Duration.ofDays(30)),
            new FreezeExceptionGranted(
                    "checkout", "d-3", FreezeFlag.SECURITY_FIX, "alice", null, "deploy-success", -0.02)
        }) {
            Event<Object> event = Event.builder(
                            codec.eventTypes().typeOf(data.getClass()).name(), data)
                    .source(URI.create("/scaleplane/slo"))
                    .build();
            assertThat(codec.decodeStructured(codec.encodeStructured(event)).data())
                    .isEqualTo(data);
        }
    }
}
