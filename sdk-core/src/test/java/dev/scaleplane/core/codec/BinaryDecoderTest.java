package dev.scaleplane.core.codec;

import static dev.scaleplane.core.codec.EventCodecTestSupport.REGISTRY;
import static dev.scaleplane.core.codec.EventCodecTestSupport.binaryHeaders;
import static dev.scaleplane.core.codec.EventCodecTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventDecodingException;
import dev.scaleplane.api.events.EventDecodingException.Reason;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link EventCodec.BinaryDecoder}, which takes header values as bytes: the same events and the same errors as
 * {@link EventCodec#decodeBinary} given the same headers as strings, repeated headers counting with their last
 * value, and values that repeat from message to message reused only when their bytes are equal.
 */
class BinaryDecoderTest {

    private final EventCodec codec = EventCodec.of(REGISTRY);

    @ParameterizedTest
    @EnumSource(BinaryBinding.class)
    void everyCatalogEventDecodesAsFromStrings(BinaryBinding binding) {
        for (Object payload : CatalogSamples.payloads()) {
            for (Event<?> event : List.of(CatalogSamples.fullEvent(payload), CatalogSamples.minimalEvent(payload))) {
                BinaryMessage message = codec.encodeBinary(event, binding);
                Event<?> fromBytes = fromBytes(message.headers(), message.body(), binding);
                assertThat(fromBytes).isEqualTo(codec.decodeBinary(message.headers(), message.body(), binding));
                assertThat(fromBytes).isEqualTo(event);
            }
        }
    }

    @Test
    void foreignEventsWithOtherTimesAndContentTypesDecodeAsFromStrings() {
        List<Map<String, String>> messages = new ArrayList<>();
        messages.add(binaryHeaders("ce_time", "2018-04-05T19:31:00.25+02:00", "content-type", "text/plain"));
        messages.add(binaryHeaders("ce_time", "2016-12-31t23:59:60z", "content-type", "application/octet-stream"));
        messages.add(binaryHeaders("ce_source", "https://example.com/other", "Content-Type", "application/json"));
        messages.add(binaryHeaders("ce_type", "com.example.y", "ce_datacontenttype", "application/xml"));
        messages.add(binaryHeaders(
                "ce_specversion", "1.0", "ce_dataschema", "https://example.com/s", "ce_region", "\u00e9"));
        messages.add(binaryHeaders("x-transport", "ignored", "scaleplane_attempts", "3"));
        for (Map<String, String> headers : messages) {
            byte[] body = utf8("{\"n\":1}");
            assertThat(fromBytes(headers, body, BinaryBinding.KAFKA))
                    .as("%s", headers)
                    .isEqualTo(codec.decodeBinary(headers, body, BinaryBinding.KAFKA));
        }
    }

    @Test
    void theLastOfRepeatedHeadersCounts() {
        EventCodec.BinaryDecoder decoder = codec.binaryDecoder(BinaryBinding.KAFKA);
        feed(decoder, binaryHeaders());
        decoder.header("ce_id", utf8("second"));
        decoder.header("ce_time", utf8("2020-01-01T00:00:00Z"));
        decoder.header("ce_time", utf8("2021-01-01T00:00:00Z"));
        decoder.header("ce_region", utf8("a"));
        decoder.header("ce_region", utf8("b"));
        Event<?> event = decoder.decode(new byte[0]);
        assertThat(event.id()).isEqualTo("second");
        assertThat(event.time()).isEqualTo(Instant.parse("2021-01-01T00:00:00Z"));
        assertThat(event.extensions()).containsEntry("region", "b");
    }

    @Test
    void aSpecVersionHeaderMakesTheMessageBinaryMode() {
        EventCodec.BinaryDecoder decoder = codec.binaryDecoder(BinaryBinding.KAFKA);
        decoder.header("content-type", utf8("application/cloudevents+json"));
        assertThat(decoder.hasSpecVersion()).isFalse();
        decoder.header("ce_specversion", new byte[0]);
        assertThat(decoder.hasSpecVersion()).isTrue();
    }

    /** A data header is refused only when the message is decoded in binary mode, as decodeBinary refuses it. */
    @Test
    void aDataHeaderIsRefusedWhenDecoding() {
        EventCodec.BinaryDecoder decoder = codec.binaryDecoder(BinaryBinding.KAFKA);
        feed(decoder, binaryHeaders());
        decoder.header("ce_data", utf8("v"));
        decoder.header("ce_data_base64", utf8("dg=="));
        EventDecodingException e =
                catchThrowableOfType(EventDecodingException.class, () -> decoder.decode(new byte[0]));
        EventDecodingException fromStrings = catchThrowableOfType(
                EventDecodingException.class,
                () -> codec.decodeBinary(binaryHeaders("ce_data", "v"), new byte[0], BinaryBinding.KAFKA));
        assertThat(e.reason()).isEqualTo(fromStrings.reason()).isEqualTo(Reason.INVALID_ATTRIBUTE);
        assertThat(e.attribute()).isEqualTo(fromStrings.attribute()).isEqualTo("data");
        assertThat(e).hasMessage(fromStrings.getMessage());
    }

    @Test
    void badValuesGiveTheErrorsOfDecodingFromStrings() {
        List<Map<String, String>> bad = List.of(
                binaryHeaders("ce_time", "2018-02-30T00:00:00Z"),
                binaryHeaders("ce_time", "2018-04-05 17:31:00Z"),
                binaryHeaders("ce_time", ""),
                binaryHeaders("ce_specversion", "0.3"),
                binaryHeaders("ce_specversion", ""),
                binaryHeaders("ce_source", ""),
                binaryHeaders("ce_source", "not a uri"),
                binaryHeaders("ce_type", ""),
                binaryHeaders("ce_id", ""),
                binaryHeaders("ce_traceparent", "01-abc"),
                binaryHeaders("ce_Upper", "v"),
                binaryHeaders("ce_", "v"),
                binaryHeaders("ce_id", null),
                binaryHeaders("content-type", "application/json"));
        for (Map<String, String> headers : bad) {
            byte[] body = utf8("{not json");
            EventDecodingException expected = catchThrowableOfType(
                    EventDecodingException.class, () -> codec.decodeBinary(headers, body, BinaryBinding.KAFKA));
            assertThat(expected).as("%s", headers).isNotNull();
            EventDecodingException actual = catchThrowableOfType(
                    EventDecodingException.class, () -> fromBytes(headers, body, BinaryBinding.KAFKA));
            assertThat(actual).as("%s", headers).isNotNull();
            assertThat(actual.reason()).as("%s", headers).isEqualTo(expected.reason());
            assertThat(actual.attribute()).as("%s", headers).isEqualTo(expected.attribute());
            assertThat(actual).as("%s", headers).hasMessage(expected.getMessage());
        }
    }

    /** Source, type and content type are reused from the last message only when their bytes are equal. */
    @Test
    void repeatedValuesFollowTheirBytes() {
        for (int i = 0; i < 6; i++) {
            String source = "/source-" + (i % 3);
            String type = "com.example.t" + (i % 2);
            String contentType = i % 2 == 0 ? "text/plain" : "application/octet-stream";
            Event<?> event = fromBytes(
                    binaryHeaders("ce_source", source, "ce_type", type, "content-type", contentType),
                    utf8("x"),
                    BinaryBinding.KAFKA);
            assertThat(event.source()).isEqualTo(URI.create(source));
            assertThat(event.type()).isEqualTo(type);
            assertThat(event.dataContentType()).isEqualTo(contentType);
        }
    }

    /** The decoder keeps copies of what it reuses: a caller's array written over later changes nothing. */
    @Test
    void aReusedCallerArrayDoesNotChangeLaterMessages() {
        byte[] source = utf8("/aaaa");
        byte[] type = utf8("com.example.aaaa");
        decode(source, type);
        Arrays.fill(source, 1, source.length, (byte) 'b');
        Arrays.fill(type, type.length - 4, type.length, (byte) 'b');
        Event<?> second = decode(utf8("/aaaa"), utf8("com.example.aaaa"));
        assertThat(second.source()).isEqualTo(URI.create("/aaaa"));
        assertThat(second.type()).isEqualTo("com.example.aaaa");
        Event<?> third = decode(source, type);
        assertThat(third.source()).isEqualTo(URI.create("/bbbb"));
        assertThat(third.type()).isEqualTo("com.example.bbbb");
    }

    private Event<?> decode(byte[] source, byte[] type) {
        EventCodec.BinaryDecoder decoder = codec.binaryDecoder(BinaryBinding.KAFKA);
        feed(decoder, binaryHeaders());
        decoder.header("ce_source", source);
        decoder.header("ce_type", type);
        return decoder.decode(utf8("x"));
    }

    private Event<?> fromBytes(Map<String, String> headers, byte[] body, BinaryBinding binding) {
        EventCodec.BinaryDecoder decoder = codec.binaryDecoder(binding);
        feed(decoder, headers);
        return decoder.decode(body);
    }

    private static void feed(EventCodec.BinaryDecoder decoder, Map<String, String> headers) {
        headers.forEach((k, v) -> decoder.header(k, v == null ? null : utf8(v)));
    }
}
