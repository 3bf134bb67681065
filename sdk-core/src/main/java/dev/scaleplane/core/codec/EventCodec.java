package dev.scaleplane.core.codec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventDecodingException;
import dev.scaleplane.api.events.EventDecodingException.Reason;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.spi.ProviderContext;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Encodes {@link Event}s to CloudEvents 1.0 wire forms and decodes them back: the JSON event format (structured
 * content mode) and the binary content mode of the Kafka and AMQP protocol bindings ({@link BinaryBinding}).
 *
 * <h2>Attributes</h2>
 *
 * The context attributes {@code specversion, id, source, type, subject, time, datacontenttype} and the extensions
 * {@code tenant, cluster, correlationid, causationid, partitionkey, traceparent} map to the fields of {@link Event};
 * every other extension attribute (and the optional context attribute {@code dataschema}, which {@link Event} has no
 * field for) is kept in {@link Event#extensions()}, so forwarding a foreign event loses nothing. Extension values that
 * arrive as JSON numbers or booleans are kept in their canonical string form ({@code 5}, {@code true}), since
 * {@link Event#extensions()} holds strings; they are written back as JSON strings.
 *
 * <h2>Data</h2>
 *
 * Encoding (JSON event format section 3.1.1):
 *
 * <ul>
 *   <li>a {@code byte[]} payload is written as {@code data_base64} in structured mode (whatever the content type) and
 *       as the body, unchanged, in binary mode; an empty array means "no data": no data member, an empty body;
 *   <li>under a JSON content type ({@code application/json}, any {@code *}{@code /json} or {@code +json} type) any
 *       other payload is serialized with Jackson as the {@code data} JSON value (structured) or the body (binary);
 *   <li>under any other content type a {@code String} payload is written as the {@code data} string (structured) or
 *       UTF-8 body (binary); other payloads fail with {@link EventEncodingException}.
 * </ul>
 *
 * Decoding (section 3.1.2), for the type named by the {@code type} attribute:
 *
 * <ul>
 *   <li>registered type, JSON content type: the data is bound to the registered class (records via their canonical
 *       constructor, so the record's own validation applies); a body or {@code data_base64} under a JSON content
 *       type is parsed as JSON too;
 *   <li>registered type whose class is {@code String} or {@code byte[]}, non-JSON content type: the text or bytes;
 *       any other registered class under a non-JSON content type is a {@link Reason#DATA_MISMATCH};
 *   <li>unregistered type (a foreign event): JSON data becomes plain Java values ({@code Map}, {@code List},
 *       {@code String}, {@code Number}, {@code Boolean}) so the event still flows; {@code data_base64} and non-JSON
 *       data become {@code byte[]};
 *   <li>no data at all (allowed by CloudEvents; a JSON {@code null} counts as absent): an empty {@code byte[]} for
 *       unregistered types, a {@link Reason#DATA_MISMATCH} for registered ones, whose payload is required.
 * </ul>
 *
 * When {@code datacontenttype} is absent it is taken to be {@value Event#JSON} (JSON event format 3.1.2), except
 * for {@code data_base64} in structured mode and for binary messages of unregistered types, where nothing says the
 * bytes are JSON: there it is {@code application/octet-stream}.
 *
 * <h2>Time</h2>
 *
 * {@code time} is written as an RFC 3339 UTC timestamp ({@code 2018-04-05T17:31:00.123Z}); offsets such as
 * {@code +02:00} are accepted on decode. CloudEvents makes {@code time} optional; an event without it is stamped with
 * the codec's clock ({@link Builder#clock(Clock)}) at decode time. That is the best available approximation of when
 * the occurrence was seen, and it keeps ordering and time-range queries meaningful, which a fixed placeholder such as
 * the epoch would not.
 *
 * <h2>Errors</h2>
 *
 * Decoding never throws Jackson exceptions: every problem is an {@link EventDecodingException} with a
 * {@link Reason}: {@code MALFORMED} (not JSON, not an object, trailing content, a duplicate attribute),
 * {@code MISSING_ATTRIBUTE} ({@code specversion, id, source, type}), {@code UNSUPPORTED_SPEC_VERSION},
 * {@code INVALID_ATTRIBUTE} (bad {@code time}, bad {@code traceparent}, invalid extension name, {@code source} not a
 * URI reference, empty {@code id}, non-scalar attribute value, invalid Base64) and {@code DATA_MISMATCH} (data that
 * does not bind to the registered class, including exceptions thrown by a record's constructor).
 *
 * <h2>Performance and thread-safety</h2>
 *
 * Immutable and thread-safe; share one instance. Structured JSON is written with a streaming {@link JsonGenerator}
 * and read with a streaming {@link JsonParser} that binds {@code data} straight to the registered class when the
 * attributes that decide its type come first (as they do in what this codec writes); only otherwise is the data
 * buffered. Readers and writers are created once per type (readers when the codec is built, writers on first use per
 * class) and reused, so no call does reflection.
 */
public final class EventCodec {

    /** Media type of the CloudEvents JSON event format (structured mode), JSON event format section 3. */
    public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";

    /** Content type given to bytes that nothing declares: {@code data_base64} or a binary body without a type. */
    static final String OCTET_STREAM = "application/octet-stream";

    private static final SerializableString F_SPECVERSION = new SerializedString("specversion");
    private static final SerializableString F_ID = new SerializedString("id");
    private static final SerializableString F_SOURCE = new SerializedString("source");
    private static final SerializableString F_TYPE = new SerializedString("type");
    private static final SerializableString F_SUBJECT = new SerializedString("subject");
    private static final SerializableString F_TIME = new SerializedString("time");
    private static final SerializableString F_DATACONTENTTYPE = new SerializedString("datacontenttype");
    private static final SerializableString F_TENANT = new SerializedString("tenant");
    private static final SerializableString F_CLUSTER = new SerializedString("cluster");
    private static final SerializableString F_CORRELATIONID = new SerializedString("correlationid");
    private static final SerializableString F_CAUSATIONID = new SerializedString("causationid");
    private static final SerializableString F_PARTITIONKEY = new SerializedString("partitionkey");
    private static final SerializableString F_TRACEPARENT = new SerializedString("traceparent");
    private static final SerializableString F_DATA = new SerializedString("data");
    private static final SerializableString F_DATA_BASE64 = new SerializedString("data_base64");

    private final EventTypeRegistry eventTypes;
    private final JsonFactory jsonFactory;
    private final Clock clock;
    private final Map<String, DataBinding> bindings;
    private final DataBinding untyped;
    private final ClassValue<ObjectWriter> writers;

    private EventCodec(Builder builder) {
        this.eventTypes = builder.eventTypes;
        this.clock = builder.clock;
        ObjectMapper mapper = configure(builder.objectMapper);
        this.jsonFactory = mapper.getFactory();
        Map<String, DataBinding> byName = new HashMap<>();
        for (EventType<?> type : eventTypes.types()) {
            byName.put(type.name(), DataBinding.of(mapper, type.javaType()));
        }
        this.bindings = Map.copyOf(byName);
        this.untyped = DataBinding.of(mapper, Object.class);
        this.writers = new ClassValue<>() {
            @Override
            protected ObjectWriter computeValue(Class<?> type) {
                // The generator is shared with the envelope, so flushing after the payload would only cost time.
                return mapper.writerFor(type).without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
            }
        };
    }

    private static ObjectMapper configure(@Nullable ObjectMapper given) {
        ObjectMapper mapper;
        if (given == null) {
            // Tolerant reader: a producer may add optional fields to a type without bumping its version.
            mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        } else {
            mapper = given.copy();
        }
        mapper.registerModule(new JavaTimeModule());
        mapper.disable(
                SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
        return mapper;
    }

    /**
     * The codec a provider uses: the platform's, when its context holds one for the same registry of types, else a new
     * one on the context's types and clock. The one home of that choice for every bus and store provider.
     */
    public static EventCodec forContext(ProviderContext context) {
        return context.component(EventCodec.class)
                .filter(c -> c.eventTypes() == context.eventTypes())
                .orElseGet(() ->
                        builder(context.eventTypes()).clock(context.clock()).build());
    }

    /** A codec for the given types with the default Jackson configuration and the system UTC clock. */
    public static EventCodec of(EventTypeRegistry eventTypes) {
        return builder(eventTypes).build();
    }

    /** A builder for a codec that decodes the given types to their registered classes. */
    public static Builder builder(EventTypeRegistry eventTypes) {
        return new Builder(eventTypes);
    }

    /** The types this codec decodes to their registered classes. */
    public EventTypeRegistry eventTypes() {
        return eventTypes;
    }

    /**
     * Whether a media type declares JSON-formatted content: subtype {@code json} or a {@code +json} suffix, parameters
     * ignored, any case (JSON event format section 3.1.1).
     */
    public static boolean isJson(String contentType) {
        if (contentType.equals(Event.JSON)) {
            return true;
        }
        int end = contentType.indexOf(';');
        String mediaType = (end < 0 ? contentType : contentType.substring(0, end)).trim();
        int slash = mediaType.indexOf('/');
        if (slash <= 0) {
            return false;
        }
        String subtype = mediaType.substring(slash + 1);
        return subtype.equalsIgnoreCase("json")
                || (subtype.length() > 5 && subtype.regionMatches(true, subtype.length() - 5, "+json", 0, 5));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Structured mode

    /**
     * Encodes an event in the CloudEvents JSON event format, UTF-8. Attributes come first, in the order
     * {@code specversion, id, source, type, subject, time, datacontenttype}, the Scaleplane extensions, other
     * extensions sorted by name, then {@code data} or {@code data_base64}; unset optional attributes are omitted.
     * Send it with content type {@value #STRUCTURED_CONTENT_TYPE}.
     *
     * @throws EventEncodingException if the payload cannot be encoded for its content type, or an extension name is a
     *     context attribute name
     */
    public byte[] encodeStructured(Event<?> event) {
        Objects.requireNonNull(event, "event");
        // Pooled buffers, as ObjectMapper.writeValueAsBytes uses them: allocating fresh ones costs about 50 ns a call.
        BufferRecycler recycler = jsonFactory._getBufferRecycler();
        try {
            return writeStructured(event, new ByteArrayBuilder(recycler));
        } finally {
            recycler.releaseToPool();
        }
    }

    private byte[] writeStructured(Event<?> event, ByteArrayBuilder out) {
        try (JsonGenerator g = jsonFactory.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeFieldName(F_SPECVERSION);
            g.writeString(event.specVersion());
            g.writeFieldName(F_ID);
            g.writeString(event.id());
            g.writeFieldName(F_SOURCE);
            g.writeString(event.source().toString());
            g.writeFieldName(F_TYPE);
            g.writeString(event.type());
            writeOptional(g, F_SUBJECT, event.subject());
            g.writeFieldName(F_TIME);
            g.writeString(Rfc3339.format(event.time()));
            g.writeFieldName(F_DATACONTENTTYPE);
            g.writeString(event.dataContentType());
            writeOptional(g, F_TENANT, event.tenant());
            writeOptional(g, F_CLUSTER, event.cluster());
            writeOptional(g, F_CORRELATIONID, event.correlationId());
            writeOptional(g, F_CAUSATIONID, event.causationId());
            writeOptional(g, F_PARTITIONKEY, event.partitionKey());
            TraceParent traceparent = event.traceparent();
            if (traceparent != null) {
                g.writeFieldName(F_TRACEPARENT);
                g.writeString(traceparent.toString());
            }
            Map<String, String> extensions = event.extensions();
            if (!extensions.isEmpty()) {
                for (String name : sortedExtensionNames(event)) {
                    g.writeStringField(name, extensions.get(name));
                }
            }
            writeStructuredData(g, event);
            g.writeEndObject();
        } catch (EventEncodingException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw encodingFailed(event, e);
        }
        byte[] bytes = out.toByteArray();
        out.release();
        return bytes;
    }

    private static void writeOptional(JsonGenerator g, SerializableString name, @Nullable String value)
            throws IOException {
        if (value != null) {
            g.writeFieldName(name);
            g.writeString(value);
        }
    }

    private void writeStructuredData(JsonGenerator g, Event<?> event) throws IOException {
        Object data = event.data();
        if (data instanceof byte[] bytes) {
            if (bytes.length > 0) {
                g.writeFieldName(F_DATA_BASE64);
                g.writeBinary(bytes);
            }
        } else if (isJson(event.dataContentType())) {
            g.writeFieldName(F_DATA);
            writers.get(data.getClass()).writeValue(g, data);
        } else if (data instanceof String text) {
            g.writeFieldName(F_DATA);
            g.writeString(text);
        } else {
            throw nonJsonPayload(event);
        }
    }

    /**
     * Decodes an event from the CloudEvents JSON event format (any JSON encoding Jackson detects, normally UTF-8). See
     * the class description for how {@code data} is decoded.
     *
     * @throws EventDecodingException if the input is not a valid CloudEvent or its data does not match its registered
     *     type; {@link EventDecodingException#reason()} says which
     */
    public Event<?> decodeStructured(byte[] json) {
        Objects.requireNonNull(json, "json");
        try (JsonParser p = jsonFactory.createParser(json)) {
            return readStructured(p);
        } catch (EventDecodingException e) {
            throw e;
        } catch (StreamReadException e) {
            throw new EventDecodingException(
                    Reason.MALFORMED, null, "not a valid CloudEvents JSON event: " + e.getOriginalMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new EventDecodingException(
                    Reason.MALFORMED, null, "not a valid CloudEvents JSON event: " + e.getMessage(), e);
        }
    }

    private Event<?> readStructured(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new EventDecodingException(
                    Reason.MALFORMED, null, "a CloudEvents JSON event must be a JSON object", null);
        }
        Attributes a = new Attributes();
        // The data in one of its three possible forms, resolved once every attribute is known.
        boolean dataSeen = false;
        @Nullable Object boundData = null;
        boolean bound = false;
        @Nullable TokenBuffer jsonData = null;
        @Nullable String textData = null;
        byte @Nullable [] base64Data = null;
        JsonToken token;
        while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("data") || name.equals("data_base64")) {
                if (dataSeen) {
                    throw new EventDecodingException(
                            Reason.MALFORMED, name, "data and data_base64 must not both be present, nor twice", null);
                }
                dataSeen = true;
                if (value == JsonToken.VALUE_NULL) {
                    continue; // JSON event format 2.2: null is the same as absent
                }
                if (name.equals("data_base64")) {
                    if (value != JsonToken.VALUE_STRING) {
                        throw invalid("data_base64", "data_base64 must be a Base64 string", null);
                    }
                    base64Data = decodeBase64(p.getText());
                } else if (a.readyToBind()) {
                    // The attributes that decide the type came first: bind straight from the stream.
                    String contentType = a.dataContentType;
                    if (isJson(contentType)) {
                        boundData = bindJson(a.type, p);
                        bound = true;
                    } else {
                        textData = requireText(p, value);
                    }
                } else if (value == JsonToken.VALUE_STRING) {
                    // Either a JSON string or encoded non-JSON text; which one depends on datacontenttype.
                    textData = p.getText();
                    jsonData = new TokenBuffer(p);
                    jsonData.copyCurrentEvent(p);
                } else {
                    jsonData = new TokenBuffer(p);
                    jsonData.copyCurrentStructure(p);
                }
            } else {
                a.set(name, scalarText(p, name, value));
            }
        }
        if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw new EventDecodingException(
                    Reason.MALFORMED, null, "a CloudEvents JSON event must be a single JSON object", null);
        }
        a.requireMandatory();
        Object data;
        String contentType;
        if (bound) {
            contentType = a.dataContentType;
            data = boundData == null ? absentData(a.type) : boundData;
        } else if (base64Data != null) {
            contentType = a.dataContentType != null ? a.dataContentType : OCTET_STREAM;
            data = fromStructuredBytes(a.type, contentType, base64Data);
        } else if (jsonData != null || textData != null) {
            contentType = a.dataContentType != null ? a.dataContentType : Event.JSON;
            if (isJson(contentType)) {
                Object value;
                if (jsonData != null) {
                    try (JsonParser buffered = jsonData.asParser()) {
                        value = bindJson(a.type, buffered);
                    }
                } else {
                    value = null;
                }
                data = value == null ? absentData(a.type) : value;
            } else {
                if (textData == null) {
                    throw mismatch(a.type, "data must be a string for non-JSON content type " + contentType, null);
                }
                data = fromText(a.type, contentType, textData);
            }
        } else {
            contentType = a.dataContentType != null ? a.dataContentType : Event.JSON;
            data = absentData(a.type);
        }
        return a.build(contentType, data);
    }

    private static String requireText(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new EventDecodingException(
                    Reason.DATA_MISMATCH, "data", "data must be a string for a non-JSON content type", null);
        }
        return p.getText();
    }

    /** The canonical string of a scalar attribute value; null for JSON null. */
    private static @Nullable String scalarText(JsonParser p, String name, @Nullable JsonToken value)
            throws IOException {
        if (value == null) {
            throw new EventDecodingException(Reason.MALFORMED, name, "unexpected end of input", null);
        }
        switch (value) {
            case VALUE_STRING:
                return p.getText();
            case VALUE_NULL:
                return null;
            case VALUE_TRUE:
            case VALUE_FALSE:
            case VALUE_NUMBER_INT:
                return p.getText();
            default:
                if (value.isStructStart()) {
                    p.skipChildren();
                }
                throw invalid(name, "attribute " + name + " must be a string, integer or boolean, not " + value, null);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Binary mode

    /**
     * Encodes an event in binary content mode for a protocol binding: each attribute except {@code datacontenttype}
     * becomes a header named {@link BinaryBinding#prefix()} + attribute name, {@code datacontenttype} becomes the
     * {@link BinaryBinding#contentTypeHeader()}, and the data becomes the body (Kafka binding 3.2, AMQP binding 3.1).
     * Values are canonical strings ({@code time} in RFC 3339).
     *
     * @throws EventEncodingException if the payload cannot be encoded for its content type, or an extension name is a
     *     context attribute name
     */
    public BinaryMessage encodeBinary(Event<?> event, BinaryBinding binding) {
        Map<String, String> headers = new LinkedHashMap<>(32);
        byte[] body = encodeBinary(event, binding, headers::put);
        return new BinaryMessage(headers, body);
    }

    /**
     * Encodes an event in binary content mode straight into a transport's headers: the same headers, in the same
     * order, as {@link #encodeBinary(Event, BinaryBinding)}, handed to {@code headers} one at a time instead of
     * collected in a map. For backends that build their own header structure on the publish path.
     *
     * @param headers receives each header name and value, never null
     * @return the message body (the event's data encoded, or the byte array payload itself)
     * @throws EventEncodingException if the data cannot be encoded (see {@link #encodeBinary(Event, BinaryBinding)})
     */
    public byte[] encodeBinary(Event<?> event, BinaryBinding binding, BiConsumer<String, String> headers) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(headers, "headers");
        // The body first: an event whose data cannot be encoded emits no headers at all.
        byte[] body = binaryBody(event);
        headers.accept(binding.specVersionHeader, event.specVersion());
        headers.accept(binding.idHeader, event.id());
        headers.accept(binding.sourceHeader, event.source().toString());
        headers.accept(binding.typeHeader, event.type());
        putOptional(headers, binding.subjectHeader, event.subject());
        headers.accept(binding.timeHeader, Rfc3339.format(event.time()));
        putOptional(headers, binding.tenantHeader, event.tenant());
        putOptional(headers, binding.clusterHeader, event.cluster());
        putOptional(headers, binding.correlationIdHeader, event.correlationId());
        putOptional(headers, binding.causationIdHeader, event.causationId());
        putOptional(headers, binding.partitionKeyHeader, event.partitionKey());
        TraceParent traceparent = event.traceparent();
        if (traceparent != null) {
            headers.accept(binding.traceParentHeader, traceparent.toString());
        }
        if (!event.extensions().isEmpty()) {
            for (String name : sortedExtensionNames(event)) {
                headers.accept(binding.header(name), event.extensions().get(name));
            }
        }
        headers.accept(binding.contentTypeHeader(), event.dataContentType());
        return body;
    }

    private static void putOptional(BiConsumer<String, String> headers, String name, @Nullable String value) {
        if (value != null) {
            headers.accept(name, value);
        }
    }

    private byte[] binaryBody(Event<?> event) {
        Object data = event.data();
        if (data instanceof byte[] bytes) {
            return bytes;
        }
        if (isJson(event.dataContentType())) {
            try {
                return writers.get(data.getClass()).writeValueAsBytes(data);
            } catch (JacksonException | RuntimeException e) {
                throw encodingFailed(event, e);
            }
        }
        if (data instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        throw nonJsonPayload(event);
    }

    /**
     * Decodes an event from binary content mode. Headers starting with the binding's prefix are attributes; the
     * binding's content type header (matched in any case) is {@code datacontenttype}; other headers are transport
     * headers and ignored. An empty body means the event has no data. See the class description for how the body is
     * decoded.
     *
     * @param headers the message headers as strings; null values count as absent
     * @param body the message body (empty for none)
     * @throws EventDecodingException if the message is not a valid CloudEvent or its data does not match its
     *     registered type; {@link EventDecodingException#reason()} says which
     */
    public Event<?> decodeBinary(Map<String, String> headers, byte[] body, BinaryBinding binding) {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(binding, "binding");
        BinaryDecoder decoder = new BinaryDecoder(binding);
        for (Map.Entry<String, String> header : headers.entrySet()) {
            decoder.put(header.getKey(), header.getValue());
        }
        return decoder.decode(body);
    }

    /**
     * A decoder for one binary-mode message whose header values arrive as UTF-8 bytes, as a transport hands them over,
     * so that the values that repeat from message to message (spec version, source, type, content type) and the time
     * are read without building strings. For backends on the consume path; {@link #decodeBinary(Map, byte[],
     * BinaryBinding)} serves everyone else.
     */
    public BinaryDecoder binaryDecoder(BinaryBinding binding) {
        return new BinaryDecoder(Objects.requireNonNull(binding, "binding"));
    }

    /**
     * Attributes with fields of their own, in the order a binary message's headers are applied; the index of each is
     * its slot in {@link BinaryDecoder}.
     */
    private static final String[] BINARY_ATTRIBUTES = {
        "specversion",
        "id",
        "source",
        "type",
        "subject",
        "time",
        "datacontenttype",
        "tenant",
        "cluster",
        "correlationid",
        "causationid",
        "partitionkey",
        "traceparent"
    };

    private static final int SLOT_SPECVERSION = 0;
    private static final int SLOT_SOURCE = 2;
    private static final int SLOT_TYPE = 3;
    private static final int SLOT_TIME = 5;

    /**
     * Per binding (by ordinal), the slot of every header that carries an attribute of {@link #BINARY_ATTRIBUTES}: one
     * look-up of the whole header name instead of cutting the prefix off and matching what is left.
     */
    private static final List<Map<String, Integer>> BINARY_SLOTS;

    static {
        List<Map<String, Integer>> slots = new ArrayList<>();
        for (BinaryBinding binding : BinaryBinding.values()) {
            Map<String, Integer> byHeader = new HashMap<>();
            for (int i = 0; i < BINARY_ATTRIBUTES.length; i++) {
                byHeader.put(binding.header(BINARY_ATTRIBUTES[i]), i);
            }
            slots.add(Map.copyOf(byHeader));
        }
        BINARY_SLOTS = List.copyOf(slots);
    }

    private static final byte[] SPEC_VERSION_UTF8 = Event.SPEC_VERSION.getBytes(StandardCharsets.UTF_8);

    /**
     * Decodes one binary-mode message given header by header ({@link #header(String, byte[])}), then
     * {@link #decode(byte[])}: the same event, or the same {@link EventDecodingException}, as
     * {@link EventCodec#decodeBinary(Map, byte[], BinaryBinding)} given the headers as UTF-8 strings in a map, so a
     * header that appears more than once counts with its last value. Not thread-safe; one per message.
     */
    public final class BinaryDecoder {
        private final BinaryBinding binding;
        private final Map<String, Integer> slots;
        /** Per slot of {@link #BINARY_ATTRIBUTES}: the last value given, a {@code String} or UTF-8 bytes. */
        private final Object[] values = new Object[BINARY_ATTRIBUTES.length];

        private @Nullable Object contentType;
        /** The first header that would carry the data, which is not allowed. */
        private @Nullable String dataHeader;
        /** Other attribute headers (extensions, or names that are not valid), by attribute name. */
        private @Nullable Map<String, Object> others;

        private BinaryDecoder(BinaryBinding binding) {
            this.binding = binding;
            this.slots = BINARY_SLOTS.get(binding.ordinal());
        }

        /**
         * Takes one header: an attribute header ({@link BinaryBinding#prefix()} + name), the content type header
         * (any case), or a transport header, which is ignored.
         *
         * @param value the value as UTF-8 bytes, not copied and not to be changed until {@link #decode(byte[])};
         *     null counts as absent
         */
        public void header(String key, byte @Nullable [] value) {
            put(key, value);
        }

        /** Whether a spec version header came (with any value), which makes the message a binary-mode CloudEvent. */
        public boolean hasSpecVersion() {
            return values[SLOT_SPECVERSION] != null;
        }

        void put(@Nullable String key, @Nullable Object value) {
            if (key == null || value == null) {
                return;
            }
            Integer slot = slots.get(key);
            if (slot != null) {
                values[slot] = value;
            } else if (key.startsWith(binding.prefix())) {
                String name = key.substring(binding.prefix().length());
                if (name.equals("data") || name.equals("data_base64")) {
                    // Refused when decoding, not here: a caller may still find the message is not binary mode.
                    if (dataHeader == null) {
                        dataHeader = key;
                    }
                    return;
                }
                if (others == null) {
                    others = new HashMap<>();
                }
                others.put(name, value);
            } else if (key.equalsIgnoreCase(binding.contentTypeHeader())) {
                contentType = value;
            }
        }

        /**
         * The event of the headers given so far and {@code body}.
         *
         * @param body the message body (empty for none)
         * @throws EventDecodingException as {@link EventCodec#decodeBinary(Map, byte[], BinaryBinding)} does
         */
        public Event<?> decode(byte[] body) {
            Objects.requireNonNull(body, "body");
            if (dataHeader != null) {
                String name = dataHeader.substring(binding.prefix().length());
                throw invalid(name, "header " + dataHeader + " is not allowed: data travels in the body", null);
            }
            Attributes a = new Attributes();
            for (int i = 0; i < values.length; i++) {
                Object value = values[i];
                if (value != null) {
                    apply(a, i, value);
                }
            }
            if (others != null) {
                for (Map.Entry<String, Object> other : others.entrySet()) {
                    a.set(other.getKey(), text(other.getValue()));
                }
            }
            a.requireMandatory();
            String type = Objects.requireNonNull(a.type);
            @Nullable String declared = contentType == null ? null : repeatedText(contentType, lastContentType);
            if (declared == null) {
                declared = a.dataContentType; // a stray ce_datacontenttype header, if any
            }
            DataBinding registered = bindings.get(type);
            String resolved = declared != null
                    ? declared
                    : registered != null && registered.isJsonBound() ? Event.JSON : OCTET_STREAM;
            Object data;
            if (body.length == 0) {
                data = absentData(type);
            } else if (isJson(resolved) && (registered == null || registered.javaType != byte[].class)) {
                data = bindJsonBytes(type, registered != null ? registered : untyped, body);
            } else {
                data = fromBytes(type, resolved, body);
            }
            return a.build(resolved, data);
        }

        private void apply(Attributes a, int slot, Object value) {
            if (!(value instanceof byte[] utf8)) {
                a.set(BINARY_ATTRIBUTES[slot], (String) value);
                return;
            }
            switch (slot) {
                case SLOT_SPECVERSION -> a.set(
                        "specversion", Arrays.equals(utf8, SPEC_VERSION_UTF8) ? Event.SPEC_VERSION : text(utf8));
                case SLOT_SOURCE -> a.source(utf8);
                case SLOT_TYPE -> a.set("type", repeatedText(utf8, lastType));
                case SLOT_TIME -> a.time(utf8);
                default -> a.set(BINARY_ATTRIBUTES[slot], text(utf8));
            }
        }
    }

    private static String text(Object value) {
        return value instanceof byte[] utf8 ? new String(utf8, StandardCharsets.UTF_8) : (String) value;
    }

    /** A header value as bytes and as text. */
    private record SeenText(byte[] utf8, String text) {}

    /**
     * The last value of one header that repeats from message to message, shared by every decoding thread (one
     * immutable pair, so always consistent): an equal byte array costs far less than a new string.
     */
    private static final class LastText {
        private volatile @Nullable SeenText seen;
    }

    private final LastText lastType = new LastText();
    private final LastText lastContentType = new LastText();

    private static String repeatedText(Object value, LastText last) {
        if (!(value instanceof byte[] utf8)) {
            return (String) value;
        }
        SeenText seen = last.seen;
        if (seen != null && Arrays.equals(seen.utf8, utf8)) {
            return seen.text;
        }
        String text = new String(utf8, StandardCharsets.UTF_8);
        // A copy: the caller's array is only lent for the one message.
        last.seen = new SeenText(utf8.clone(), text);
        return text;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Data

    private Object bindJson(String type, JsonParser p) throws IOException {
        DataBinding binding = bindings.get(type);
        DataBinding used = binding != null ? binding : untyped;
        try {
            return used.reader.readValue(p);
        } catch (StreamReadException e) {
            throw e; // a syntax error: the whole input is malformed
        } catch (JacksonException | RuntimeException e) {
            throw mismatch(type, describe(used, type) + ": " + message(e), e);
        }
    }

    private Object bindJsonBytes(String type, DataBinding used, byte[] json) {
        try (JsonParser p = jsonFactory.createParser(json)) {
            if (p.nextToken() == null) {
                return absentData(type);
            }
            Object value = used.reader.readValue(p);
            if (p.nextToken() != null) {
                throw new EventDecodingException(
                        Reason.MALFORMED, "data", "data of type " + type + " has content after its JSON value", null);
            }
            return value == null ? absentData(type) : value;
        } catch (EventDecodingException e) {
            throw e;
        } catch (StreamReadException e) {
            throw new EventDecodingException(
                    Reason.MALFORMED, "data", "data of type " + type + " is not valid JSON: " + message(e), e);
        } catch (IOException | RuntimeException e) {
            throw mismatch(type, describe(used, type) + ": " + message(e), e);
        }
    }

    /** Bytes from {@code data_base64}: binary stays binary unless a registered type says how to read it. */
    private Object fromStructuredBytes(String type, String contentType, byte[] bytes) {
        DataBinding registered = bindings.get(type);
        if (registered == null) {
            return bytes;
        }
        if (bytes.length == 0) {
            return absentData(type);
        }
        if (isJson(contentType) && registered.javaType != byte[].class) {
            return bindJsonBytes(type, registered, bytes);
        }
        return fromBytes(type, contentType, bytes);
    }

    /** Non-JSON bytes: String or byte[] for types registered as such or unregistered, a mismatch otherwise. */
    private Object fromBytes(String type, String contentType, byte[] bytes) {
        DataBinding registered = bindings.get(type);
        if (registered == null || registered.javaType == byte[].class) {
            return bytes;
        }
        if (registered.javaType == String.class) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        throw mismatch(
                type,
                type + " is registered for " + registered.javaType.getName() + ", which is read from JSON, but"
                        + " datacontenttype is " + contentType,
                null);
    }

    /** Non-JSON text from the structured {@code data} member. */
    private Object fromText(String type, String contentType, String text) {
        DataBinding registered = bindings.get(type);
        if (registered != null && registered.javaType == String.class) {
            return text;
        }
        return fromBytes(type, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    private Object absentData(String type) {
        DataBinding registered = bindings.get(type);
        if (registered == null || registered.javaType == byte[].class) {
            return new byte[0];
        }
        throw mismatch(
                type,
                "event of type " + type + " has no data, but " + type + " is registered for "
                        + registered.javaType.getName(),
                null);
    }

    private static String describe(DataBinding used, String type) {
        return used.javaType == Object.class
                ? "data of type " + type + " is not valid JSON"
                : "data does not match " + used.javaType.getName() + " registered for " + type;
    }

    private static byte[] decodeBase64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw invalid("data_base64", "data_base64 is not valid Base64: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers

    private static List<String> sortedExtensionNames(Event<?> event) {
        Map<String, String> extensions = event.extensions();
        // Event refuses extension names that are attributes of their own, so none can collide here.
        List<String> names = new ArrayList<>(extensions.keySet());
        if (names.size() > 1) {
            Collections.sort(names); // deterministic output, whatever the map's iteration order
        }
        return names;
    }

    private static EventEncodingException nonJsonPayload(Event<?> event) {
        return new EventEncodingException(
                "cannot encode data of " + event.data().getClass().getName() + " for event " + event.id() + " of type "
                        + event.type() + " with non-JSON content type " + event.dataContentType()
                        + ": only byte[] and String payloads can be carried with a non-JSON content type",
                null);
    }

    private static EventEncodingException encodingFailed(Event<?> event, Exception e) {
        return new EventEncodingException(
                "cannot encode data of " + event.data().getClass().getName() + " for event " + event.id() + " of type "
                        + event.type() + ": " + message(e),
                e);
    }

    private static EventDecodingException invalid(
            @Nullable String attribute, String message, @Nullable Throwable cause) {
        return new EventDecodingException(Reason.INVALID_ATTRIBUTE, attribute, message, cause);
    }

    private static EventDecodingException mismatch(String type, String message, @Nullable Throwable cause) {
        return new EventDecodingException(Reason.DATA_MISMATCH, "data", message, cause);
    }

    private static String message(Throwable e) {
        String m = e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage();
        return m != null ? m : e.getClass().getName();
    }

    /** The reader for one payload class; it binds from a parser and leaves the tokens after the value alone. */
    private static final class DataBinding {
        final Class<?> javaType;
        final ObjectReader reader;

        private DataBinding(Class<?> javaType, ObjectReader reader) {
            this.javaType = javaType;
            this.reader = reader;
        }

        static DataBinding of(ObjectMapper mapper, Class<?> javaType) {
            // Trailing tokens are the rest of the envelope here, so a mapper configured to fail on them must not.
            return new DataBinding(
                    javaType, mapper.readerFor(javaType).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
        }

        /** Whether the payload is read from JSON (everything except raw text and bytes). */
        boolean isJsonBound() {
            return javaType != byte[].class && javaType != String.class;
        }
    }

    /** The source decoded last, shared by every decoding thread (one immutable pair, so always consistent). */
    private volatile @Nullable ParsedSource lastSource;

    private record ParsedSource(String text, byte @Nullable [] utf8, URI uri) {}

    /** Attributes collected while decoding one message, validated as they arrive. Not thread-safe. */
    private final class Attributes {
        @Nullable
        String specVersion;

        @Nullable
        String id;

        @Nullable
        URI source;

        @Nullable
        String type;

        @Nullable
        String subject;

        @Nullable
        Instant time;

        @Nullable
        String dataContentType;

        @Nullable
        String tenant;

        @Nullable
        String cluster;

        @Nullable
        String correlationId;

        @Nullable
        String causationId;

        @Nullable
        String partitionKey;

        @Nullable
        TraceParent traceparent;

        @Nullable
        Map<String, String> extensions;

        /** Whether the type and content type are known, so the data can be decoded as it is read. */
        boolean readyToBind() {
            return type != null && dataContentType != null;
        }

        void set(String name, @Nullable String value) {
            if (value == null) {
                return; // null is the same as absent
            }
            switch (name) {
                case "specversion" -> {
                    unique(name, specVersion);
                    if (!Event.SPEC_VERSION.equals(value)) {
                        throw new EventDecodingException(
                                Reason.UNSUPPORTED_SPEC_VERSION,
                                name,
                                "specversion " + value + " is not supported; only " + Event.SPEC_VERSION + " is",
                                null);
                    }
                    specVersion = value;
                }
                case "id" -> id = nonEmpty(name, value, id);
                case "source" -> {
                    unique(name, source);
                    source = parseSource(value);
                }
                case "type" -> type = nonEmpty(name, value, type);
                case "subject" -> subject = unique(name, subject, value);
                case "time" -> {
                    unique(name, time);
                    try {
                        time = Rfc3339.parse(value);
                    } catch (DateTimeException e) {
                        throw invalidTime(value, e);
                    }
                }
                case "datacontenttype" -> dataContentType = nonEmpty(name, value, dataContentType);
                case "tenant" -> tenant = unique(name, tenant, value);
                case "cluster" -> cluster = unique(name, cluster, value);
                case "correlationid" -> correlationId = unique(name, correlationId, value);
                case "causationid" -> causationId = unique(name, causationId, value);
                case "partitionkey" -> partitionKey = unique(name, partitionKey, value);
                case "traceparent" -> {
                    unique(name, traceparent);
                    try {
                        traceparent = TraceParent.parse(value);
                    } catch (IllegalArgumentException e) {
                        throw invalid(name, "traceparent is not a valid W3C trace context: " + e.getMessage(), e);
                    }
                }
                default -> {
                    if (!Event.isValidAttributeName(name)) {
                        throw invalid(
                                name,
                                "'" + name + "' is not a valid CloudEvents attribute name: 1-20 lower-case letters"
                                        + " or digits",
                                null);
                    }
                    if (extensions == null) {
                        extensions = new HashMap<>();
                    }
                    if (extensions.put(name, value) != null) {
                        throw duplicate(name);
                    }
                }
            }
        }

        /** {@code time} from a binary header's UTF-8 bytes, as {@code set("time", text)} would read their text. */
        void time(byte[] utf8) {
            unique("time", time);
            try {
                time = Rfc3339.parse(utf8);
            } catch (DateTimeException e) {
                throw invalidTime(text(utf8), e);
            }
        }

        /** {@code source} from a binary header's UTF-8 bytes, as {@code set("source", text)} would read their text. */
        void source(byte[] utf8) {
            unique("source", source);
            ParsedSource last = lastSource;
            if (last != null && last.utf8 != null && Arrays.equals(last.utf8, utf8)) {
                source = last.uri;
                return;
            }
            String text = text(utf8);
            URI uri = parseSource(text);
            // A copy: the caller's array is only lent for the one message.
            lastSource = new ParsedSource(text, utf8.clone(), uri);
            source = uri;
        }

        private EventDecodingException invalidTime(String value, DateTimeException e) {
            return invalid("time", "time must be an RFC 3339 timestamp, but was '" + value + "'", e);
        }

        void requireMandatory() {
            if (specVersion == null) {
                throw missing("specversion");
            }
            if (id == null) {
                throw missing("id");
            }
            if (source == null) {
                throw missing("source");
            }
            if (type == null) {
                throw missing("type");
            }
        }

        Event<?> build(String contentType, Object data) {
            try {
                return new Event<>(
                        Objects.requireNonNull(id),
                        Objects.requireNonNull(source),
                        Event.SPEC_VERSION,
                        Objects.requireNonNull(type),
                        subject,
                        time != null ? time : clock.instant(),
                        contentType,
                        data,
                        tenant,
                        cluster,
                        correlationId,
                        causationId,
                        partitionKey,
                        traceparent,
                        extensions != null ? extensions : Map.of());
            } catch (IllegalArgumentException e) {
                throw invalid(null, "invalid event: " + e.getMessage(), e);
            }
        }

        private URI parseSource(String value) {
            if (value.isEmpty()) {
                throw invalid("source", "source must not be empty", null);
            }
            // Consumers see the same few sources over and over; an equals check costs far less than parsing.
            ParsedSource last = lastSource;
            if (last != null && last.text.equals(value)) {
                return last.uri;
            }
            try {
                URI uri = new URI(value);
                lastSource = new ParsedSource(value, null, uri);
                return uri;
            } catch (URISyntaxException e) {
                throw invalid("source", "source must be a URI reference, but was '" + value + "'", e);
            }
        }

        private String nonEmpty(String name, String value, @Nullable String previous) {
            unique(name, previous);
            if (value.isEmpty()) {
                throw invalid(name, name + " must not be empty", null);
            }
            return value;
        }

        private String unique(String name, @Nullable Object previous, String value) {
            unique(name, previous);
            return value;
        }

        private void unique(String name, @Nullable Object previous) {
            if (previous != null) {
                throw duplicate(name);
            }
        }

        private EventDecodingException duplicate(String name) {
            return new EventDecodingException(Reason.MALFORMED, name, "attribute " + name + " appears twice", null);
        }

        private EventDecodingException missing(String name) {
            return new EventDecodingException(
                    Reason.MISSING_ATTRIBUTE, name, "required attribute " + name + " is missing", null);
        }
    }

    /**
     * Builds an {@link EventCodec}. Not thread-safe.
     */
    public static final class Builder {
        private final EventTypeRegistry eventTypes;
        private @Nullable ObjectMapper objectMapper;
        private Clock clock = Clock.systemUTC();

        private Builder(EventTypeRegistry eventTypes) {
            this.eventTypes = Objects.requireNonNull(eventTypes, "eventTypes");
        }

        /**
         * The Jackson mapper whose configuration (modules, naming strategy, features) payloads are (de)serialized
         * with. The codec works on a {@linkplain ObjectMapper#copy() copy}, so later changes to {@code objectMapper}
         * have no effect; on that copy it registers {@link JavaTimeModule} and disables
         * {@link SerializationFeature#WRITE_DATES_AS_TIMESTAMPS} and
         * {@link SerializationFeature#WRITE_DURATIONS_AS_TIMESTAMPS}, so {@code Instant} and {@code Duration} fields
         * are ISO-8601 strings, which other CloudEvents consumers can read.
         *
         * <p>Default: a plain {@link ObjectMapper} configured as above that also ignores unknown properties, so a
         * producer may add optional fields to a type without breaking older consumers.
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /** The clock that stamps decoded events that carry no {@code time}. Default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Builds the codec; prepares a reader for every registered type. */
        public EventCodec build() {
            return new EventCodec(this);
        }
    }
}
