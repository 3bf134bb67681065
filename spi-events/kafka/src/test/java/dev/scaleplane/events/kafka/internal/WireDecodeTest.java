package dev.scaleplane.events.kafka.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventDecodingException;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.events.kafka.KafkaBusConfig.WireFormat;
import java.net.URI;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * Decoding a consumed record: binary mode when a {@code ce_specversion} header is there, structured mode when the
 * {@code content-type} header names the CloudEvents JSON format, the bus's own headers and other transport headers
 * ignored, a header without a value read as empty.
 */
class WireDecodeTest {
    private final EventCodec codec = EventCodec.of(EventTypeRegistry.platformDefaults());
    private final Wire binary = new Wire(codec, WireFormat.BINARY);
    private final Wire structured = new Wire(codec, WireFormat.STRUCTURED);

    @Test
    void binaryRecordsWithTheBusHeadersOfARetryDecode() {
        Event<byte[]> event = event();
        ProducerRecord<byte[], byte[]> record = binary.record("orders", event);
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        Wire.put(headers, Wire.ATTEMPTS, "2");
        Wire.put(headers, Wire.DUE, "0");
        headers.add("x-trace", "abc".getBytes(UTF_8));
        assertThat(binary.decode(headers, record.value())).isEqualTo(event);
    }

    @Test
    void structuredRecordsDecodeEvenWithAStrayDataHeader() {
        Event<byte[]> event = event();
        ProducerRecord<byte[], byte[]> record = structured.record("orders", event);
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add("ce_data", "not the data".getBytes(UTF_8));
        // The data comes back from data_base64 as an equal, not the same, array.
        assertThat(binary.decode(headers, record.value()))
                .usingRecursiveComparison()
                .isEqualTo(event);
    }

    @Test
    void aHeaderWithoutValueIsEmpty() {
        Event<byte[]> event = event();
        ProducerRecord<byte[], byte[]> record = binary.record("orders", event);
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.remove("ce_id");
        headers.add("ce_id", null);
        EventDecodingException e =
                catchThrowableOfType(EventDecodingException.class, () -> binary.decode(headers, record.value()));
        assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.INVALID_ATTRIBUTE);
        assertThat(e.attribute()).isEqualTo("id");
        headers.remove("ce_subject");
        headers.add("ce_subject", null);
        headers.remove("ce_id");
        headers.add("ce_id", "7".getBytes(UTF_8));
        assertThat(binary.decode(headers, null).subject()).isEmpty();
    }

    @Test
    void aRecordThatIsNoCloudEventNamesItsContentType() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "text/plain".getBytes(UTF_8));
        EventDecodingException e =
                catchThrowableOfType(EventDecodingException.class, () -> binary.decode(headers, new byte[] {1}));
        assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.MISSING_ATTRIBUTE);
        assertThat(e).hasMessageContaining("content type text/plain is not application/cloudevents+json");
        EventDecodingException none = catchThrowableOfType(
                EventDecodingException.class, () -> binary.decode(new RecordHeaders(), new byte[] {1}));
        assertThat(none).hasMessageContaining("content type null is not");
    }

    private static Event<byte[]> event() {
        return Event.builder("dev.scaleplane.test.blob.v1", new byte[] {1, 2, 3})
                .source(URI.create("/test"))
                .subject("order-17")
                .time(Instant.parse("2026-12-07T17:00:00.123Z"))
                .dataContentType("application/octet-stream")
                .build();
    }
}
