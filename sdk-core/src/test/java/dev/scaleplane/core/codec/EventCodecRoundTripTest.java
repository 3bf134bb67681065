package dev.scaleplane.core.codec;

import static dev.scaleplane.core.codec.EventCodecTestSupport.REGISTRY;
import static dev.scaleplane.core.codec.EventCodecTestSupport.assertSameEnvelope;
import static dev.scaleplane.core.codec.EventCodecTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.catalog.DeploymentCompleted;
import dev.scaleplane.api.events.catalog.DeploymentStarted;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecRoundTripTest {

    private final EventCodec codec = EventCodec.of(REGISTRY);

    static Stream<Object> payloads() {
        return CatalogSamples.payloads().stream();
    }

    @Test
    void samplesCoverTheWholeCatalog() {
        List<String> sampled = CatalogSamples.payloads().stream()
                .map(p -> REGISTRY.typeOf(p.getClass()).name())
                .toList();
        assertThat(sampled)
                .containsExactlyInAnyOrderElementsOf(
                        REGISTRY.types().stream().map(EventType::name).toList());
    }

    @ParameterizedTest
    @MethodSource("payloads")
    void structuredRoundTripOfEveryCatalogTypeWithEveryAttribute(Object payload) {
        Event<Object> event = CatalogSamples.fullEvent(payload);
        Event<?> decoded = codec.decodeStructured(codec.encodeStructured(event));
        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.data()).isInstanceOf(payload.getClass());
    }

    @ParameterizedTest
    @MethodSource("payloads")
    void structuredRoundTripOfEveryCatalogTypeWithRequiredAttributesOnly(Object payload) {
        Event<Object> event = CatalogSamples.minimalEvent(payload);
        assertThat(codec.decodeStructured(codec.encodeStructured(event))).isEqualTo(event);
    }

    @ParameterizedTest
    @MethodSource("payloads")
    void kafkaRoundTripOfEveryCatalogType(Object payload) {
        Event<Object> event = CatalogSamples.fullEvent(payload);
        BinaryMessage message = codec.encodeBinary(event, BinaryBinding.KAFKA);
        assertThat(codec.decodeBinary(message.headers(), message.body(), BinaryBinding.KAFKA))
                .isEqualTo(event);
        Event<Object> minimal = CatalogSamples.minimalEvent(payload);
        BinaryMessage minimalMessage = codec.encodeBinary(minimal, BinaryBinding.KAFKA);
        assertThat(codec.decodeBinary(minimalMessage.headers(), minimalMessage.body(), BinaryBinding.KAFKA))
                .isEqualTo(minimal);
    }

    @ParameterizedTest
    @MethodSource("payloads")
    void streamedBinaryHeadersAreTheMessageHeadersInOrder(Object payload) {
        for (Event<Object> event : List.of(CatalogSamples.fullEvent(payload), CatalogSamples.minimalEvent(payload))) {
            for (BinaryBinding binding : BinaryBinding.values()) {
                List<String> streamed = new ArrayList<>();
                byte[] body = codec.encodeBinary(event, binding, (k, v) -> streamed.add(k + "=" + v));
                BinaryMessage message = codec.encodeBinary(event, binding);
                List<String> expected = new ArrayList<>();
                message.headers().forEach((k, v) -> expected.add(k + "=" + v));
                assertThat(streamed).containsExactlyElementsOf(expected);
                assertThat(body).isEqualTo(message.body());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("payloads")
    void amqpRoundTripOfEveryCatalogType(Object payload) {
        Event<Object> event = CatalogSamples.fullEvent(payload);
        BinaryMessage message = codec.encodeBinary(event, BinaryBinding.AMQP);
        assertThat(codec.decodeBinary(message.headers(), message.body(), BinaryBinding.AMQP))
                .isEqualTo(event);
    }

    @Test
    void kafkaBinaryModeHeadersFollowTheBinding() {
        Event<Object> event = CatalogSamples.fullEvent(CatalogSamples.payloads().get(1));
        BinaryMessage message = codec.encodeBinary(event, BinaryBinding.KAFKA);
        assertThat(message.headers())
                .containsEntry("ce_specversion", "1.0")
                .containsEntry("ce_id", "3f1c2a7e-0b7e-4c53-9a43-5e2d8f0a1b2c")
                .containsEntry("ce_source", "/scaleplane/deployer")
                .containsEntry("ce_type", "dev.scaleplane.deployment.started.v1")
                .containsEntry("ce_subject", "dep-1")
                .containsEntry("ce_time", "2025-03-14T09:26:53.589793238Z")
                .containsEntry("ce_tenant", "acme")
                .containsEntry("ce_cluster", "ams-1")
                .containsEntry("ce_correlationid", "corr-42")
                .containsEntry("ce_causationid", "cause-41")
                .containsEntry("ce_partitionkey", "checkout")
                .containsEntry("ce_traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .containsEntry("ce_region", "eu-west")
                .containsEntry("ce_priority", "7")
                .containsEntry("content-type", "application/json")
                .doesNotContainKeys("ce_datacontenttype", "ce_data")
                .hasSize(15);
        assertThat(new String(message.body(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"deploymentId\":\"dep-1\",\"application\":\"checkout\",\"version\":\"1.4.2\","
                        + "\"cluster\":\"ams-1\",\"strategy\":\"canary\"}");
    }

    @Test
    void amqpBinaryModeUsesTheCloudEventsColonPrefix() {
        Event<Object> event =
                CatalogSamples.minimalEvent(CatalogSamples.payloads().get(1));
        BinaryMessage message = codec.encodeBinary(event, BinaryBinding.AMQP);
        assertThat(message.headers())
                .containsOnlyKeys(
                        "cloudEvents:specversion",
                        "cloudEvents:id",
                        "cloudEvents:source",
                        "cloudEvents:type",
                        "cloudEvents:time",
                        "content-type");
        assertThat(BinaryBinding.AMQP.prefix()).isEqualTo("cloudEvents:");
        assertThat(BinaryBinding.AMQP.contentTypeHeader()).isEqualTo("content-type");
        assertThat(BinaryBinding.KAFKA.header("id")).isEqualTo("ce_id");
    }

    @ParameterizedTest
    @EnumSource(BinaryBinding.class)
    void byteArrayDataTravelsAsIsInBinaryModeAndAsBase64InStructuredMode(BinaryBinding binding) {
        byte[] bytes = {0, 1, 2, (byte) 0xff, (byte) 0xfe, 'x'};
        Event<byte[]> event = Event.builder("com.example.blob.v1", bytes)
                .id("b-1")
                .source("/blobs")
                .dataContentType("application/vnd.apache.thrift.binary")
                .time(Instant.parse("2024-02-29T12:00:00Z"))
                .build();

        String json = new String(codec.encodeStructured(event), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).contains("\"data_base64\":\"AAEC//54\"").doesNotContain("\"data\"");
        Event<?> fromJson = codec.decodeStructured(utf8(json));
        assertSameEnvelope(fromJson, event);
        assertThat((byte[]) fromJson.data()).containsExactly(bytes);

        BinaryMessage message = codec.encodeBinary(event, binding);
        assertThat(message.body()).containsExactly(bytes);
        Event<?> fromBinary = codec.decodeBinary(message.headers(), message.body(), binding);
        assertSameEnvelope(fromBinary, event);
        assertThat((byte[]) fromBinary.data()).containsExactly(bytes);
    }

    @Test
    void byteArrayDataUnderAJsonContentTypeIsStillBase64InStructuredMode() {
        byte[] bytes = utf8("{\"a\":1}");
        Event<byte[]> event = Event.builder("com.example.raw.v1", bytes)
                .id("r-1")
                .source("/raw")
                .build();
        String json = new String(codec.encodeStructured(event), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).contains("\"data_base64\"");
        assertThat((byte[]) codec.decodeStructured(utf8(json)).data()).containsExactly(bytes);
    }

    @Test
    void textDataUnderANonJsonContentTypeIsAStringInStructuredModeAndBytesAfterDecoding() {
        Event<String> event = Event.builder("com.example.xml.v1", "<much wow=\"xml\"/>")
                .id("x-1")
                .source("/xml")
                .dataContentType("application/xml")
                .build();
        String json = new String(codec.encodeStructured(event), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).contains("\"data\":\"<much wow=\\\"xml\\\"/>\"");
        // An unregistered type's non-JSON data decodes to bytes, as a binary-mode body would.
        assertThat((byte[]) codec.decodeStructured(utf8(json)).data()).isEqualTo(utf8("<much wow=\"xml\"/>"));
        BinaryMessage message = codec.encodeBinary(event, BinaryBinding.KAFKA);
        assertThat(message.body()).isEqualTo(utf8("<much wow=\"xml\"/>"));
    }

    @Test
    void typesRegisteredAsStringDecodeNonJsonDataToText() {
        EventType<String> note = EventType.of("com.example.note.v1", String.class);
        EventCodec withNote = EventCodec.of(REGISTRY.toBuilder().register(note).build());
        Event<String> event = Event.builder(note, "hello, wörld")
                .id("n-1")
                .source("/notes")
                .dataContentType("text/plain; charset=utf-8")
                .time(Instant.parse("2024-01-01T00:00:00Z"))
                .build();
        assertThat(withNote.decodeStructured(withNote.encodeStructured(event))).isEqualTo(event);
        BinaryMessage message = withNote.encodeBinary(event, BinaryBinding.KAFKA);
        assertThat(withNote.decodeBinary(message.headers(), message.body(), BinaryBinding.KAFKA))
                .isEqualTo(event);
    }

    @Test
    void emptyByteArrayMeansNoData() {
        Event<byte[]> event = Event.builder("com.example.ping.v1", new byte[0])
                .id("p-1")
                .source("/ping")
                .dataContentType("application/octet-stream")
                .build();
        String json = new String(codec.encodeStructured(event), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("data\"").doesNotContain("data_base64");
        Event<?> decoded = codec.decodeStructured(utf8(json));
        assertSameEnvelope(decoded, event);
        assertThat((byte[]) decoded.data()).isEmpty();
        BinaryMessage message = codec.encodeBinary(event, BinaryBinding.KAFKA);
        assertThat(message.body()).isEmpty();
        assertThat((byte[]) codec.decodeBinary(message.headers(), message.body(), BinaryBinding.KAFKA)
                        .data())
                .isEmpty();
    }

    @Test
    void unknownTypesPassThroughAsPlainJavaValues() {
        Map<String, Object> data = Map.of("name", "x", "count", 3, "tags", List.of("a", "b"), "ok", true);
        Event<Map<String, Object>> event = Event.builder("com.example.foreign.v1", data)
                .id("f-1")
                .source("https://example.com/producer")
                .time(Instant.parse("2024-05-05T05:05:05.5Z"))
                .extensions(Map.of("comexampleextension1", "value"))
                .build();
        Event<?> structured = codec.decodeStructured(codec.encodeStructured(event));
        assertThat(structured).isEqualTo(event);
        BinaryMessage message = codec.encodeBinary(event, BinaryBinding.KAFKA);
        assertThat(codec.decodeBinary(message.headers(), message.body(), BinaryBinding.KAFKA))
                .isEqualTo(event);
        // Re-encoding the decoded foreign event gives the same bytes: nothing is lost when forwarding.
        assertThat(codec.encodeStructured(structured)).isEqualTo(codec.encodeStructured(event));
    }

    @Test
    void extensionsArePreservedAndWrittenInNameOrder() {
        Event<Object> event = CatalogSamples.minimalEvent(
                        CatalogSamples.payloads().get(1))
                .toBuilder()
                .extensions(Map.of("zeta", "1", "alpha", "2", "dataschema", "https://example.com/schema"))
                .build();
        String json = new String(codec.encodeStructured(event), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json.indexOf("\"alpha\"")).isLessThan(json.indexOf("\"dataschema\""));
        assertThat(json.indexOf("\"dataschema\"")).isLessThan(json.indexOf("\"zeta\""));
        assertThat(codec.decodeStructured(utf8(json)).extensions())
                .isEqualTo(Map.of("zeta", "1", "alpha", "2", "dataschema", "https://example.com/schema"));
    }

    @Test
    void anEventWithoutTimeIsStampedWithTheCodecClock() {
        Instant now = Instant.parse("2030-06-01T08:00:00Z");
        EventCodec fixed = EventCodec.builder(REGISTRY)
                .clock(Clock.fixed(now, ZoneOffset.UTC))
                .build();
        String json = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"com.example.x\"}";
        assertThat(fixed.decodeStructured(utf8(json)).time()).isEqualTo(now);
        assertThat(fixed.decodeBinary(
                                Map.of("ce_specversion", "1.0", "ce_id", "1", "ce_source", "/s", "ce_type", "t"),
                                new byte[0],
                                BinaryBinding.KAFKA)
                        .time())
                .isEqualTo(now);
    }

    @Test
    void timeIsWrittenAsRfc3339AndDurationsAsIsoStrings() {
        Event<Object> event = CatalogSamples.minimalEvent(new DeploymentCompleted(
                "d", "a", "1", "c", Duration.ofMinutes(2).plusMillis(5)));
        String json = new String(codec.encodeStructured(event), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).contains("\"time\":\"2025-01-01T00:00:00Z\"").contains("\"duration\":\"PT2M0.005S\"");
    }

    @Test
    void aGivenObjectMapperConfiguresPayloadsAndIsNotModified() {
        ObjectMapper mine = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        EventCodec snake = EventCodec.builder(REGISTRY).objectMapper(mine).build();
        Event<Object> event = CatalogSamples.minimalEvent(new DeploymentStarted("d-1", "app", "1", "c", "rolling"));
        String json = new String(snake.encodeStructured(event), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).contains("\"deployment_id\":\"d-1\"");
        assertThat(snake.decodeStructured(utf8(json))).isEqualTo(event);
        assertThat(mine.getRegisteredModuleIds()).isEmpty();
    }

    @Test
    void registeredDataBeforeTheTypeAttributeIsBufferedAndStillBound() {
        String json = "{\"data\":{\"deploymentId\":\"d\",\"application\":\"a\",\"version\":\"1\",\"cluster\":\"c\","
                + "\"strategy\":\"s\",\"unknownLaterField\":[1,{\"x\":2}]},"
                + "\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"" + DeploymentStarted.TYPE_NAME
                + "\"}";
        Event<?> decoded = codec.decodeStructured(utf8(json));
        assertThat(decoded.data()).isEqualTo(new DeploymentStarted("d", "a", "1", "c", "s"));
        assertThat(decoded.dataContentType()).isEqualTo("application/json");
    }

    @Test
    void anExtensionNamedLikeAContextAttributeNeverReachesTheCodec() {
        // The envelope refuses it, so the codec can never be asked to write two values for one attribute.
        Event.Builder<Object> builder = CatalogSamples.minimalEvent(
                        CatalogSamples.payloads().get(1))
                .toBuilder()
                .extensions(Map.of("subject", "sneaky"));
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'subject'");
    }

    @Test
    void payloadsThatCannotBeEncodedFailWithEventEncodingException() {
        Event<Object> notSerializable = Event.<Object>builder("com.example.opaque.v1", new Object())
                .source("/x")
                .build();
        assertThatThrownBy(() -> codec.encodeStructured(notSerializable))
                .isInstanceOf(EventEncodingException.class)
                .hasMessageContaining("com.example.opaque.v1");
        assertThatThrownBy(() -> codec.encodeBinary(notSerializable, BinaryBinding.KAFKA))
                .isInstanceOf(EventEncodingException.class);

        Event<Object> recordAsXml = CatalogSamples.minimalEvent(
                        CatalogSamples.payloads().get(1))
                .toBuilder()
                .dataContentType("application/xml")
                .build();
        assertThatThrownBy(() -> codec.encodeStructured(recordAsXml))
                .isInstanceOf(EventEncodingException.class)
                .hasMessageContaining("non-JSON content type application/xml");
        assertThatThrownBy(() -> codec.encodeBinary(recordAsXml, BinaryBinding.AMQP))
                .isInstanceOf(EventEncodingException.class);
    }

    @Test
    void jsonContentTypesAreRecognised() {
        assertThat(EventCodec.isJson("application/json")).isTrue();
        assertThat(EventCodec.isJson("application/json; charset=utf-8")).isTrue();
        assertThat(EventCodec.isJson("Application/JSON")).isTrue();
        assertThat(EventCodec.isJson("text/json")).isTrue();
        assertThat(EventCodec.isJson("application/vnd.scaleplane.thing+json;v=2"))
                .isTrue();
        assertThat(EventCodec.isJson("application/cloudevents+json")).isTrue();
        assertThat(EventCodec.isJson("application/xml")).isFalse();
        assertThat(EventCodec.isJson("application/jsonx")).isFalse();
        assertThat(EventCodec.isJson("+json")).isFalse();
        assertThat(EventCodec.isJson("application/+json")).isFalse();
        assertThat(EventCodec.isJson("json")).isFalse();
    }

    @Test
    void theCodecExposesItsRegistry() {
        EventTypeRegistry registry = EventTypeRegistry.empty();
        assertThat(EventCodec.of(registry).eventTypes()).isSameAs(registry);
    }

    @Test
    void binaryMessageComparesContentAndHidesTheBody() {
        BinaryMessage a = new BinaryMessage(Map.of("ce_id", "1"), utf8("secret body"));
        BinaryMessage b = new BinaryMessage(Map.of("ce_id", "1"), utf8("secret body"));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toString()).contains("11 bytes").doesNotContain("secret");
        assertThatThrownBy(() -> a.headers().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }
}
