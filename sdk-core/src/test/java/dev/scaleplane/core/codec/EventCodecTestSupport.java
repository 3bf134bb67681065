package dev.scaleplane.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import java.nio.charset.StandardCharsets;

final class EventCodecTestSupport {

    static final EventTypeRegistry REGISTRY = EventTypeRegistry.platformDefaults();

    private EventCodecTestSupport() {}

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Asserts that two events have the same envelope; their data is compared by the caller. */
    static void assertSameEnvelope(Event<?> actual, Event<?> expected) {
        assertThat(actual.id()).isEqualTo(expected.id());
        assertThat(actual.source()).isEqualTo(expected.source());
        assertThat(actual.specVersion()).isEqualTo(expected.specVersion());
        assertThat(actual.type()).isEqualTo(expected.type());
        assertThat(actual.subject()).isEqualTo(expected.subject());
        assertThat(actual.time()).isEqualTo(expected.time());
        assertThat(actual.dataContentType()).isEqualTo(expected.dataContentType());
        assertThat(actual.tenant()).isEqualTo(expected.tenant());
        assertThat(actual.cluster()).isEqualTo(expected.cluster());
        assertThat(actual.correlationId()).isEqualTo(expected.correlationId());
        assertThat(actual.causationId()).isEqualTo(expected.causationId());
        assertThat(actual.partitionKey()).isEqualTo(expected.partitionKey());
        assertThat(actual.traceparent()).isEqualTo(expected.traceparent());
        assertThat(actual.extensions()).isEqualTo(expected.extensions());
    }
}
