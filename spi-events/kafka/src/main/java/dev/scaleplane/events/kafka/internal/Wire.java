package dev.scaleplane.events.kafka.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventDecodingException;
import dev.scaleplane.core.codec.BinaryBinding;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.events.kafka.KafkaBusConfig.WireFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * Maps events to Kafka records and back with the CloudEvents Kafka protocol binding, and names the headers the bus
 * adds to retry and dead-letter records. Stateless apart from the codec; thread-safe.
 */
final class Wire {
    /** Prefix of every header the bus adds; these are stripped before an event is decoded or redriven. */
    static final String PREFIX = "scaleplane_";

    static final String ATTEMPTS = PREFIX + "attempts";
    static final String DUE = PREFIX + "due";
    static final String GROUP = PREFIX + "group";
    static final String ORIGINAL_TOPIC = PREFIX + "original_topic";
    static final String ORIGINAL_PARTITION = PREFIX + "original_partition";
    static final String ORIGINAL_OFFSET = PREFIX + "original_offset";
    static final String FIRST_FAILURE = PREFIX + "first_failure";
    static final String LAST_FAILURE = PREFIX + "last_failure";
    static final String EXCEPTION = PREFIX + "exception";
    static final String MESSAGE = PREFIX + "exception_message";
    static final String STACK_TRACE = PREFIX + "exception_stacktrace";
    static final String REASON = PREFIX + "reason";

    private static final String CONTENT_TYPE = BinaryBinding.KAFKA.contentTypeHeader();
    private static final String SPEC_VERSION = BinaryBinding.KAFKA.header("specversion");
    private static final byte[] EMPTY = new byte[0];

    private final EventCodec codec;
    private final WireFormat format;

    Wire(EventCodec codec, WireFormat format) {
        this.codec = codec;
        this.format = format;
    }

    /**
     * The record of an event in the configured content mode, keyed by its ordering key. Built on the publishing
     * thread for every publish, so the headers go straight into the record's own header list.
     */
    ProducerRecord<byte[], byte[]> record(String topic, Event<?> event) {
        String orderingKey = event.orderingKey();
        byte[] key = orderingKey.getBytes(UTF_8);
        if (format == WireFormat.STRUCTURED) {
            return new ProducerRecord<>(topic, null, key, codec.encodeStructured(event), List.of(STRUCTURED));
        }
        HeaderCollector headers = new HeaderCollector(stable, orderingKey, key);
        byte[] body = codec.encodeBinary(event, BinaryBinding.KAFKA, headers);
        return new ProducerRecord<>(topic, null, key, body, headers.headers);
    }

    private static final Header STRUCTURED =
            new RecordHeader(CONTENT_TYPE, EventCodec.STRUCTURED_CONTENT_TYPE.getBytes(UTF_8));

    /**
     * Encoded headers of the attributes that repeat from event to event (spec version, source, type, content type),
     * shared by every record that carries them, as an application writing its own headers would keep them. Bounded:
     * past {@value #MAX_STABLE} values new ones are simply encoded each time.
     */
    private static final class StableHeaders {
        private static final int MAX_STABLE = 4096;
        private final Map<String, Map<String, Header>> byKey = new ConcurrentHashMap<>();
        private final AtomicInteger size = new AtomicInteger();

        StableHeaders() {
            for (String key : List.of(
                    SPEC_VERSION,
                    BinaryBinding.KAFKA.header("source"),
                    BinaryBinding.KAFKA.header("type"),
                    CONTENT_TYPE)) {
                byKey.put(key, new ConcurrentHashMap<>());
            }
        }

        Header header(String key, String value) {
            Map<String, Header> values = byKey.get(key);
            if (values == null) {
                return new RecordHeader(key, value.getBytes(UTF_8));
            }
            Header known = values.get(value);
            if (known != null) {
                return known;
            }
            Header header = new RecordHeader(key, value.getBytes(UTF_8));
            if (size.get() < MAX_STABLE && values.putIfAbsent(value, header) == null) {
                size.incrementAndGet();
            }
            return header;
        }
    }

    private final StableHeaders stable = new StableHeaders();

    /**
     * Collects encoded headers into record headers, which the producer record copies in one exact-size array copy. A
     * header whose value is the ordering key itself (the subject, usually) reuses the key's bytes.
     */
    private static final class HeaderCollector implements BiConsumer<String, String> {
        final RecordHeaders headers = new RecordHeaders();
        private final StableHeaders stable;
        private final String orderingKey;
        private final byte[] keyBytes;

        HeaderCollector(StableHeaders stable, String orderingKey, byte[] keyBytes) {
            this.stable = stable;
            this.orderingKey = orderingKey;
            this.keyBytes = keyBytes;
        }

        @Override
        public void accept(String key, String value) {
            // Identity, not equality: only the very string the key bytes were encoded from is known to match them.
            headers.add(value == orderingKey ? new RecordHeader(key, keyBytes) : stable.header(key, value));
        }
    }

    /**
     * Decodes a record: binary mode when it has a {@code ce_specversion} header, structured mode when its content
     * type is a CloudEvents format, else it is not a CloudEvent.
     *
     * @throws EventDecodingException when the record is not a valid event
     */
    Event<?> decode(Headers headers, byte @Nullable [] value) {
        // Per record on the handler thread: the codec takes the header values as bytes, so the ones that repeat from
        // record to record and the time are read without a string. The bus's own headers need no skipping: they are
        // neither attributes nor the content type, so the codec ignores them like any transport header.
        EventCodec.BinaryDecoder decoder = codec.binaryDecoder(BinaryBinding.KAFKA);
        byte @Nullable [] contentType = null;
        for (Header h : headers) {
            String key = h.key();
            byte[] v = h.value();
            if (v == null) {
                v = EMPTY; // a header without a value counts as present and empty, as it always has
            }
            decoder.header(key, v);
            if (key.equals(CONTENT_TYPE)) {
                contentType = v;
            }
        }
        byte[] body = value == null ? EMPTY : value;
        if (decoder.hasSpecVersion()) {
            return decoder.decode(body);
        }
        String structured = contentType == null ? null : new String(contentType, UTF_8);
        if (structured != null && structured.trim().startsWith("application/cloudevents")) {
            return codec.decodeStructured(body);
        }
        throw new EventDecodingException(
                EventDecodingException.Reason.MISSING_ATTRIBUTE,
                "specversion",
                "the record is not a CloudEvent: no " + SPEC_VERSION + " header (binary mode) and content type "
                        + structured + " is not application/cloudevents+json (structured mode)",
                null);
    }

    /** Header values as UTF-8 strings, the last of repeated keys winning; with or without the bus's own headers. */
    static Map<String, String> strings(Headers headers, boolean withBusHeaders) {
        // Sized for the CloudEvents attributes plus a few transport headers without a resize.
        Map<String, String> map = new LinkedHashMap<>(32);
        for (Header h : headers) {
            if (withBusHeaders || !h.key().startsWith(PREFIX)) {
                map.put(h.key(), h.value() == null ? "" : new String(h.value(), UTF_8));
            }
        }
        return map;
    }

    /** The original headers (without the bus's), to carry over onto a retry or dead-letter record. */
    static RecordHeaders original(Headers headers) {
        RecordHeaders copy = new RecordHeaders();
        for (Header h : headers) {
            if (!h.key().startsWith(PREFIX)) {
                copy.add(h);
            }
        }
        return copy;
    }

    static @Nullable String header(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), UTF_8);
    }

    static void put(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(UTF_8));
    }
}
