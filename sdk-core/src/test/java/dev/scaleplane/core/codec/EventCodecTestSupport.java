package dev.scaleplane.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

final class EventCodecTestSupport {

    static final EventTypeRegistry REGISTRY = EventTypeRegistry.platformDefaults();

    private EventCodecTestSupport() {}

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The Kafka binary-mode headers of a valid event of an unregistered type, with {@code keyValues} (key, value,
     * key, value...) set on top; a null value removes the header.
     */
    static Map<String, String> binaryHeaders(String... keyValues) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("ce_specversion", "1.0");
        h.put("ce_id", "1");
        h.put("ce_source", "/s");
        h.put("ce_type", "com.example.x");
        h.put("ce_time", "2018-04-05T17:31:00Z");
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] == null) {
                h.remove(keyValues[i]);
            } else {
                h.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return h;
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
