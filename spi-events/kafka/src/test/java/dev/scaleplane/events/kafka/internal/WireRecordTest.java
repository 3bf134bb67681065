package dev.scaleplane.events.kafka.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.events.kafka.KafkaBusConfig.WireFormat;
import java.net.URI;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * The publish record: keyed by the ordering key, with each attribute header carrying its own value, also when the
 * header's value and the key's come from the same string (the key's bytes are then shared) and when they do not.
 */
class WireRecordTest {
    private final Wire wire = new Wire(EventCodec.of(EventTypeRegistry.platformDefaults()), WireFormat.BINARY);

    @Test
    void subjectAsOrderingKeySharesTheKeyBytes() {
        Event<byte[]> event = event("order-17", null);
        ProducerRecord<byte[], byte[]> record = wire.record("orders", event);
        assertThat(record.topic()).isEqualTo("orders");
        assertThat(new String(record.key(), UTF_8)).isEqualTo("order-17");
        assertThat(header(record, "ce_subject")).isEqualTo("order-17");
        assertThat(header(record, "ce_id")).isEqualTo(event.id());
        assertThat(wire.decode(record.headers(), record.value())).isEqualTo(event);
    }

    @Test
    void partitionKeyOverSubjectKeepsBothValues() {
        Event<byte[]> event = event("order-17", "customer-4");
        ProducerRecord<byte[], byte[]> record = wire.record("orders", event);
        assertThat(new String(record.key(), UTF_8)).isEqualTo("customer-4");
        assertThat(header(record, "ce_subject")).isEqualTo("order-17");
        assertThat(header(record, "ce_partitionkey")).isEqualTo("customer-4");
        assertThat(wire.decode(record.headers(), record.value())).isEqualTo(event);
    }

    @Test
    void withoutSubjectTheIdIsTheKeyAndItsHeader() {
        Event<byte[]> event = event(null, null);
        ProducerRecord<byte[], byte[]> record = wire.record("orders", event);
        assertThat(new String(record.key(), UTF_8)).isEqualTo(event.id());
        assertThat(header(record, "ce_id")).isEqualTo(event.id());
        assertThat(record.headers().lastHeader("ce_subject")).isNull();
        assertThat(wire.decode(record.headers(), record.value())).isEqualTo(event);
    }

    private static Event<byte[]> event(String subject, String partitionKey) {
        Event.Builder<byte[]> builder = Event.builder("dev.scaleplane.test.blob.v1", new byte[] {1, 2, 3})
                .source(URI.create("/test"))
                .dataContentType("application/octet-stream");
        if (subject != null) {
            builder.subject(subject);
        }
        if (partitionKey != null) {
            builder.partitionKey(partitionKey);
        }
        return builder.build();
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String key) {
        Header h = record.headers().lastHeader(key);
        assertThat(h).as(key).isNotNull();
        return new String(h.value(), UTF_8);
    }
}
