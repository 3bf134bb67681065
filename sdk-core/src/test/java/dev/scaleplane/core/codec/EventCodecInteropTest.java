package dev.scaleplane.core.codec;

import static dev.scaleplane.core.codec.EventCodecTestSupport.REGISTRY;
import static dev.scaleplane.core.codec.EventCodecTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.events.catalog.DeploymentStarted;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Interoperability with other CloudEvents implementations: events written by hand after the examples of the
 * CloudEvents JSON event format (section 3.2), Kafka binding (3.2.5) and AMQP binding (3.1.4) decode as the specs say,
 * and what this codec writes is plain CloudEvents JSON.
 */
class EventCodecInteropTest {

    private final EventCodec codec = EventCodec.of(REGISTRY);

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = EventCodecInteropTest.class.getResourceAsStream("/codec/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void specExampleWithBinaryDataDecodesToBytes() throws IOException {
        Event<?> event = codec.decodeStructured(resource("spec-example-binary-data.json"));
        assertThat(event.id()).isEqualTo("A234-1234-1234");
        assertThat(event.source()).isEqualTo(URI.create("/mycontext"));
        assertThat(event.type()).isEqualTo("com.example.someevent");
        assertThat(event.time()).isEqualTo(Instant.parse("2018-04-05T17:31:00Z"));
        assertThat(event.dataContentType()).isEqualTo("application/vnd.apache.thrift.binary");
        assertThat((byte[]) event.data()).containsExactly(0xde, 0xad, 0xbe, 0xef);
        // Integer extension values are kept in their canonical string form.
        assertThat(event.extensions()).isEqualTo(Map.of("comexampleextension1", "value", "comexampleothervalue", "5"));
    }

    @Test
    void specExampleWithXmlDataDecodesToTheUtf8BytesOfTheText() throws IOException {
        Event<?> event = codec.decodeStructured(resource("spec-example-xml-data.json"));
        assertThat(event.dataContentType()).isEqualTo("application/xml");
        assertThat((byte[]) event.data()).isEqualTo(utf8("<much wow=\"xml\"/>"));
        // "unsetextension": null is the same as absent.
        assertThat(event.extensions()).doesNotContainKey("unsetextension");
    }

    @Test
    void specExampleWithJsonDataDecodesToPlainJavaValuesForAnUnknownType() throws IOException {
        Event<?> event = codec.decodeStructured(resource("spec-example-json-data.json"));
        assertThat(event.subject()).isNull();
        assertThat(event.data()).isEqualTo(Map.of("appinfoA", "abc", "appinfoB", 123, "appinfoC", true));
    }

    @Test
    void specExampleWithoutDataContentTypeIsTreatedAsJson() throws IOException {
        Event<?> event = codec.decodeStructured(resource("spec-example-string-data.json"));
        assertThat(event.dataContentType()).isEqualTo("application/json");
        assertThat(event.data()).isEqualTo("I'm just a string");
        // Re-encoded in binary mode the string is a quoted JSON string, as the spec example shows.
        BinaryMessage message = codec.encodeBinary(event, BinaryBinding.KAFKA);
        assertThat(new String(message.body(), StandardCharsets.UTF_8)).isEqualTo("\"I'm just a string\"");
        assertThat(message.headers()).containsEntry("content-type", "application/json");
    }

    @Test
    void aForeignEventOfARegisteredTypeBindsToTheRecordWhateverTheFieldOrder() throws IOException {
        Event<?> event = codec.decodeStructured(resource("deployment-requested-foreign.json"));
        assertThat(event.data())
                .isEqualTo(
                        new DeploymentRequested("dep-9", "checkout", "2.0.0", "staging", List.of("ams-1"), "ci-bot"));
        assertThat(event.time()).isEqualTo(Instant.parse("2025-03-14T09:26:53.5Z"));
        assertThat(event.dataContentType()).isEqualTo("application/json; charset=utf-8");
        assertThat(event.tenant()).isEqualTo("acme");
        assertThat(event.partitionKey()).isEqualTo("checkout");
        assertThat(event.orderingKey()).isEqualTo("checkout");
        assertThat(event.traceparent())
                .isEqualTo(TraceParent.parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    }

    @Test
    void kafkaSpecExampleDecodes() {
        // Kafka Protocol Binding 3.2.5, with an Avro body and the transport's own headers alongside.
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce_specversion", "1.0");
        headers.put("ce_type", "com.example.someevent");
        headers.put("ce_source", "/mycontext/subcontext");
        headers.put("ce_id", "1234-1234-1234");
        headers.put("ce_time", "2018-04-05T03:56:24Z");
        headers.put("content-type", "application/avro");
        headers.put("traceparent-of-the-transport", "ignored");
        byte[] avro = {0x02, 0x06, 'a', 'b', 'c'};
        Event<?> event = codec.decodeBinary(headers, avro, BinaryBinding.KAFKA);
        assertThat(event.id()).isEqualTo("1234-1234-1234");
        assertThat(event.source()).isEqualTo(URI.create("/mycontext/subcontext"));
        assertThat(event.time()).isEqualTo(Instant.parse("2018-04-05T03:56:24Z"));
        assertThat(event.dataContentType()).isEqualTo("application/avro");
        assertThat((byte[]) event.data()).containsExactly(avro);
        assertThat(event.extensions()).isEmpty();
    }

    @Test
    void amqpSpecExampleDecodesWithAJsonBody() {
        // AMQP Protocol Binding 3.1.4: content-type property plus cloudEvents:-prefixed application-properties.
        Map<String, String> headers = Map.of(
                "content-type", "application/json; charset=utf-8",
                "cloudEvents:specversion", "1.0",
                "cloudEvents:type", "com.example.someevent",
                "cloudEvents:time", "2018-04-05T03:56:24Z",
                "cloudEvents:id", "1234-1234-1234",
                "cloudEvents:source", "/mycontext/subcontext");
        Event<?> event = codec.decodeBinary(headers, utf8("{\"n\":[1,2.5,null]}"), BinaryBinding.AMQP);
        assertThat(event.dataContentType()).isEqualTo("application/json; charset=utf-8");
        assertThat(event.data()).isEqualTo(Map.of("n", java.util.Arrays.asList(1, 2.5, null)));
    }

    @Test
    void contentTypeHeaderIsMatchedInAnyCase() {
        Map<String, String> headers = Map.of(
                "ce_specversion", "1.0",
                "ce_type", DeploymentStarted.TYPE_NAME,
                "ce_id", "1",
                "ce_source", "/s",
                "Content-Type", "application/json");
        Event<?> event = codec.decodeBinary(
                headers,
                utf8(
                        "{\"deploymentId\":\"d\",\"application\":\"a\",\"version\":\"1\",\"cluster\":\"c\",\"strategy\":\"s\"}"),
                BinaryBinding.KAFKA);
        assertThat(event.data()).isEqualTo(new DeploymentStarted("d", "a", "1", "c", "s"));
    }

    @Test
    void aRegisteredBinaryMessageWithoutContentTypeIsReadAsJson() {
        Map<String, String> headers = Map.of(
                "ce_specversion", "1.0", "ce_type", DeploymentStarted.TYPE_NAME, "ce_id", "1", "ce_source", "/s");
        Event<?> event = codec.decodeBinary(
                headers,
                utf8(
                        "{\"deploymentId\":\"d\",\"application\":\"a\",\"version\":\"1\",\"cluster\":\"c\",\"strategy\":\"s\"}"),
                BinaryBinding.KAFKA);
        assertThat(event.dataContentType()).isEqualTo("application/json");
        assertThat(event.data()).isInstanceOf(DeploymentStarted.class);
        Event<?> foreign = codec.decodeBinary(
                Map.of("ce_specversion", "1.0", "ce_type", "com.example.x", "ce_id", "1", "ce_source", "/s"),
                utf8("opaque"),
                BinaryBinding.KAFKA);
        assertThat(foreign.dataContentType()).isEqualTo("application/octet-stream");
        assertThat((byte[]) foreign.data()).isEqualTo(utf8("opaque"));
    }

    @Test
    void timeWithOffsetsAndLowerCaseSeparatorsIsAccepted() {
        String json = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"x\","
                + "\"time\":\"1985-04-12t23:20:50.52z\"}";
        assertThat(codec.decodeStructured(utf8(json)).time()).isEqualTo(Instant.parse("1985-04-12T23:20:50.520Z"));
        String offset = json.replace("1985-04-12t23:20:50.52z", "1996-12-19T16:39:57-08:00");
        assertThat(codec.decodeStructured(utf8(offset)).time()).isEqualTo(Instant.parse("1996-12-20T00:39:57Z"));
    }

    @Test
    void encodedJsonIsExactlyTheExpectedCloudEvent() {
        Event<DeploymentStarted> event = Event.builder(
                        DeploymentStarted.TYPE, new DeploymentStarted("dep-1", "checkout", "1.4.2", "ams-1", "canary"))
                .id("A234-1234-1234")
                .source("/scaleplane/deployer")
                .subject("dep-1")
                .time(Instant.parse("2018-04-05T17:31:00Z"))
                .tenant("acme")
                .traceparent(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .extensions(Map.of("comexampleextension1", "value"))
                .build();
        String expected = "{\"specversion\":\"1.0\",\"id\":\"A234-1234-1234\",\"source\":\"/scaleplane/deployer\","
                + "\"type\":\"dev.scaleplane.deployment.started.v1\",\"subject\":\"dep-1\","
                + "\"time\":\"2018-04-05T17:31:00Z\",\"datacontenttype\":\"application/json\",\"tenant\":\"acme\","
                + "\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\","
                + "\"comexampleextension1\":\"value\","
                + "\"data\":{\"deploymentId\":\"dep-1\",\"application\":\"checkout\",\"version\":\"1.4.2\","
                + "\"cluster\":\"ams-1\",\"strategy\":\"canary\"}}";
        assertThat(new String(codec.encodeStructured(event), StandardCharsets.UTF_8))
                .isEqualTo(expected);
    }

    @Test
    void encodedJsonIsReadableByPlainJacksonAsTheSpecDescribes() throws IOException {
        Event<Object> event = CatalogSamples.fullEvent(CatalogSamples.payloads().get(2));
        JsonNode tree = new ObjectMapper().readTree(codec.encodeStructured(event));
        assertThat(tree.get("specversion").asText()).isEqualTo("1.0");
        assertThat(tree.get("time").asText()).isEqualTo("2025-03-14T09:26:53.589793238Z");
        assertThat(tree.get("data").isObject()).isTrue();
        assertThat(tree.get("data").get("duration").asText()).isEqualTo("PT1M33.25S");
        assertThat(tree.has("data_base64")).isFalse();
    }
}
