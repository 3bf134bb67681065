package dev.scaleplane.core.codec;

import static dev.scaleplane.core.codec.EventCodecTestSupport.REGISTRY;
import static dev.scaleplane.core.codec.EventCodecTestSupport.binaryHeaders;
import static dev.scaleplane.core.codec.EventCodecTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.scaleplane.api.events.EventDecodingException;
import dev.scaleplane.api.events.EventDecodingException.Reason;
import dev.scaleplane.api.events.catalog.DeploymentCompleted;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.events.catalog.DeploymentStarted;
import dev.scaleplane.api.events.catalog.ErrorBudgetDepleted;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way decoding refuses input, and the reason it gives. Never a Jackson exception. */
class EventCodecRejectionTest {

    private static final String STARTED_DATA =
            "{\"deploymentId\":\"d\",\"application\":\"a\",\"version\":\"1\",\"cluster\":\"c\",\"strategy\":\"s\"}";

    private final EventCodec codec = EventCodec.of(REGISTRY);

    /** A valid event of an unregistered type with {@code extra} JSON members appended. */
    private static String event(String extra) {
        return "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"com.example.x\"" + extra + "}";
    }

    private EventDecodingException rejectStructured(String json) {
        EventDecodingException e =
                catchThrowableOfType(EventDecodingException.class, () -> codec.decodeStructured(utf8(json)));
        assertThat(e).as("decoding %s", json).isNotNull();
        return e;
    }

    private EventDecodingException rejectBinary(Map<String, String> headers, String body) {
        EventDecodingException e = catchThrowableOfType(
                EventDecodingException.class, () -> codec.decodeBinary(headers, utf8(body), BinaryBinding.KAFKA));
        assertThat(e).as("decoding %s", headers).isNotNull();
        return e;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "not json",
                "[1,2,3]",
                "\"a string\"",
                "42",
                "null",
                "{\"specversion\":\"1.0\",\"id\":\"1\"",
                "{\"specversion\":\"1.0\" \"id\":\"1\"}",
                "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"x\"} trailing",
                "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"x\"}{}",
                "{\"specversion\":\"1.0\",\"id\":\"1\",\"id\":\"2\",\"source\":\"/s\",\"type\":\"x\"}",
                "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"x\",\"data\":1,\"data_base64\":\"AA==\"}",
                "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"x\",\"data\":{\"a\":}}"
            })
    void malformedInput(String json) {
        assertThat(rejectStructured(json).reason()).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void invalidUtf8IsMalformed() {
        byte[] bytes = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'};
        EventDecodingException e =
                catchThrowableOfType(EventDecodingException.class, () -> codec.decodeStructured(bytes));
        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
    }

    @ParameterizedTest
    @CsvSource({"specversion", "id", "source", "type"})
    void missingRequiredAttribute(String attribute) {
        String json = event("").replace("\"" + attribute + "\":", "\"x" + attribute + "\":");
        EventDecodingException e = rejectStructured(json);
        assertThat(e.reason()).isEqualTo(Reason.MISSING_ATTRIBUTE);
        assertThat(e.attribute()).isEqualTo(attribute);
        assertThat(e.getMessage()).contains(attribute);

        EventDecodingException binary = rejectBinary(binaryHeaders("ce_" + attribute, null), "");
        assertThat(binary.reason()).isEqualTo(Reason.MISSING_ATTRIBUTE);
        assertThat(binary.attribute()).isEqualTo(attribute);
    }

    @Test
    void nullRequiredAttributeCountsAsMissing() {
        EventDecodingException e = rejectStructured(event("").replace("\"id\":\"1\"", "\"id\":null"));
        assertThat(e.reason()).isEqualTo(Reason.MISSING_ATTRIBUTE);
        assertThat(e.attribute()).isEqualTo("id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.3", "2.0", "1", "1.0.0"})
    void unsupportedSpecVersion(String version) {
        EventDecodingException e = rejectStructured(event("").replace("\"1.0\"", "\"" + version + "\""));
        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_SPEC_VERSION);
        assertThat(e.getMessage()).contains(version);
        assertThat(rejectBinary(binaryHeaders("ce_specversion", version), "").reason())
                .isEqualTo(Reason.UNSUPPORTED_SPEC_VERSION);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "time|,\"time\":\"yesterday\"",
                "time|,\"time\":\"2018-13-05T17:31:00Z\"",
                "time|,\"time\":\"2018-04-05 17:31:00Z\"",
                "time|,\"time\":\"2018-04-05T17:31:00\"",
                "time|,\"time\":\"2018-04-05T17:31:00.Z\"",
                "time|,\"time\":1522949460",
                "traceparent|,\"traceparent\":\"00-xyz\"",
                "traceparent|,\"traceparent\":\"00-00000000000000000000000000000000-00f067aa0ba902b7-01\"",
                "Bad_Name|,\"Bad_Name\":\"v\"",
                "waytoolongextensionname1|,\"waytoolongextensionname1\":\"v\"",
                "data_base64|,\"datacontenttype\":\"application/octet-stream\",\"data_base64\":\"***\"",
                "data_base64|,\"data_base64\":42",
                "ext|,\"ext\":{\"nested\":true}",
                "ext|,\"ext\":[1]",
                "ext|,\"ext\":1.5"
            })
    void invalidAttribute(String attribute, String extra) {
        EventDecodingException e = rejectStructured(event(extra));
        assertThat(e.reason()).as(extra).isEqualTo(Reason.INVALID_ATTRIBUTE);
        assertThat(e.attribute()).isEqualTo(attribute);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://exa mple.com/", "/path with space", "::", ""})
    void sourceMustBeANonEmptyUriReference(String source) {
        EventDecodingException e = rejectStructured(event("").replace("\"/s\"", "\"" + source + "\""));
        assertThat(e.reason()).isEqualTo(Reason.INVALID_ATTRIBUTE);
        assertThat(e.attribute()).isEqualTo("source");
        assertThat(rejectBinary(binaryHeaders("ce_source", source), "").attribute())
                .isEqualTo("source");
    }

    @Test
    void idAndTypeMustNotBeEmpty() {
        assertThat(rejectStructured(event("").replace("\"id\":\"1\"", "\"id\":\"\""))
                        .attribute())
                .isEqualTo("id");
        assertThat(rejectStructured(event("").replace("\"com.example.x\"", "\"\""))
                        .attribute())
                .isEqualTo("type");
    }

    @Test
    void invalidAttributesInBinaryMode() {
        assertThat(rejectBinary(binaryHeaders("ce_time", "soon"), "").reason()).isEqualTo(Reason.INVALID_ATTRIBUTE);
        assertThat(rejectBinary(binaryHeaders("ce_traceparent", "01-abc"), "").reason())
                .isEqualTo(Reason.INVALID_ATTRIBUTE);
        assertThat(rejectBinary(binaryHeaders("ce_Upper", "v"), "").attribute()).isEqualTo("Upper");
        assertThat(rejectBinary(binaryHeaders("ce_data", "v"), "").attribute()).isEqualTo("data");
    }

    @Test
    void aBinaryBodyThatIsNotJsonUnderAJsonContentTypeIsMalformed() {
        EventDecodingException e = rejectBinary(binaryHeaders("content-type", "application/json"), "{not json");
        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        EventDecodingException trailing = rejectBinary(binaryHeaders("content-type", "application/json"), "{} {}");
        assertThat(trailing.reason()).isEqualTo(Reason.MALFORMED);
    }

    static String registered(String type, @Nullable String contentType, String dataMember) {
        return "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"" + type + "\""
                + (contentType == null ? "" : ",\"datacontenttype\":\"" + contentType + "\"") + dataMember + "}";
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // wrong JSON shape
                ",\"data\":\"just a string\"",
                ",\"data\":[1,2]",
                ",\"data\":{\"deploymentId\":{\"nested\":1}}",
                // record validation: blank or missing required fields
                ",\"data\":{\"deploymentId\":\"\",\"application\":\"a\",\"version\":\"1\",\"cluster\":\"c\",\"strategy\":\"s\"}",
                ",\"data\":{\"application\":\"a\",\"version\":\"1\",\"cluster\":\"c\",\"strategy\":\"s\"}",
                // no data for a registered type
                "",
                ",\"data\":null",
                // data_base64 that is not JSON of the type
                ",\"data_base64\":\"W10=\""
            })
    void dataThatDoesNotMatchTheRegisteredClass(String dataMember) {
        for (String contentType : new String[] {"application/json", null}) {
            EventDecodingException e =
                    rejectStructured(registered(DeploymentStarted.TYPE_NAME, contentType, dataMember));
            assertThat(e.reason()).as(dataMember).isEqualTo(Reason.DATA_MISMATCH);
            assertThat(e.attribute()).isEqualTo("data");
        }
    }

    @Test
    void dataMismatchesNameTheRegisteredClassAndKeepTheCause() {
        EventDecodingException e = rejectStructured(registered(
                DeploymentCompleted.TYPE_NAME,
                "application/json",
                ",\"data\":{\"deploymentId\":\"d\",\"application\":\"a\",\"version\":\"1\",\"cluster\":\"c\","
                        + "\"duration\":\"ten minutes\"}"));
        assertThat(e.reason()).isEqualTo(Reason.DATA_MISMATCH);
        assertThat(e.getMessage())
                .contains(DeploymentCompleted.class.getName())
                .contains(DeploymentCompleted.TYPE_NAME);
        assertThat(e.getCause()).isNotNull();
    }

    @Test
    void recordConstructorValidationFailuresAreDataMismatches() {
        EventDecodingException e = rejectStructured(registered(
                ErrorBudgetDepleted.TYPE_NAME,
                "application/json",
                ",\"data\":{\"service\":\"s\",\"slo\":\"o\",\"budgetRemaining\":0.5,\"window\":\"PT1H\"}"));
        assertThat(e.reason()).isEqualTo(Reason.DATA_MISMATCH);
        assertThat(e.getMessage()).contains("budgetRemaining must be <= 0");
        EventDecodingException missingList = rejectStructured(registered(
                DeploymentRequested.TYPE_NAME,
                "application/json",
                ",\"data\":{\"deploymentId\":\"d\",\"application\":\"a\",\"version\":\"1\",\"environment\":\"e\","
                        + "\"requestedBy\":\"r\"}"));
        assertThat(missingList.reason()).isEqualTo(Reason.DATA_MISMATCH);
    }

    @Test
    void aRegisteredRecordTypeUnderANonJsonContentTypeIsADataMismatch() {
        EventDecodingException e =
                rejectStructured(registered(DeploymentStarted.TYPE_NAME, "application/xml", ",\"data\":\"<x/>\""));
        assertThat(e.reason()).isEqualTo(Reason.DATA_MISMATCH);
        assertThat(e.getMessage()).contains("application/xml");
        EventDecodingException notText =
                rejectStructured(registered("com.example.x", "application/xml", ",\"data\":{\"a\":1}"));
        assertThat(notText.reason()).isEqualTo(Reason.DATA_MISMATCH);
        EventDecodingException binary = rejectBinary(
                binaryHeaders("ce_type", DeploymentStarted.TYPE_NAME, "content-type", "text/plain"), STARTED_DATA);
        assertThat(binary.reason()).isEqualTo(Reason.DATA_MISMATCH);
    }

    @Test
    void registeredBinaryDataThatDoesNotBindIsADataMismatch() {
        EventDecodingException e = rejectBinary(
                binaryHeaders("ce_type", DeploymentStarted.TYPE_NAME, "content-type", "application/json"),
                "{\"deploymentId\":\"d\"}");
        assertThat(e.reason()).isEqualTo(Reason.DATA_MISMATCH);
        EventDecodingException empty = rejectBinary(
                binaryHeaders("ce_type", DeploymentStarted.TYPE_NAME, "content-type", "application/json"), "");
        assertThat(empty.reason()).isEqualTo(Reason.DATA_MISMATCH);
    }

    @Test
    void registeredDataStillBindsWhenValid() {
        // The positive twin of the cases above, through both the streaming and the buffered path.
        assertThat(codec.decodeStructured(utf8(registered(
                                DeploymentStarted.TYPE_NAME, "application/json", ",\"data\":" + STARTED_DATA)))
                        .data())
                .isEqualTo(new DeploymentStarted("d", "a", "1", "c", "s"));
        assertThat(codec.decodeStructured(
                                utf8(registered(DeploymentStarted.TYPE_NAME, null, ",\"data\":" + STARTED_DATA)))
                        .data())
                .isEqualTo(new DeploymentStarted("d", "a", "1", "c", "s"));
        String base64 = java.util.Base64.getEncoder().encodeToString(utf8(STARTED_DATA));
        assertThat(codec.decodeStructured(utf8(registered(
                                DeploymentStarted.TYPE_NAME,
                                "application/json",
                                ",\"data_base64\":\"" + base64 + "\"")))
                        .data())
                .isEqualTo(new DeploymentStarted("d", "a", "1", "c", "s"));
    }
}
