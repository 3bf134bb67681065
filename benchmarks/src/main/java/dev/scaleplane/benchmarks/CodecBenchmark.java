package dev.scaleplane.benchmarks;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.core.codec.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CloudEvents structured-mode JSON encode and decode of one {@link DeploymentRequested} event: Scaleplane's
 * {@link EventCodec} against plain Jackson data binding of a {@link JacksonEnvelope}.
 *
 * <p>Both use one {@link ObjectMapper} configured like the codec's default (JavaTimeModule, ISO-8601 dates, unknown
 * properties ignored); the codec is given that same mapper. Both start from the same {@link Event} and, when decoding,
 * end with an equal {@link Event}, which {@link #setUp()} checks, together with both producing equivalent JSON.
 *
 * <p>What is not equal: plain Jackson knows the payload class at compile time, while the codec looks the class up by
 * the {@code type} attribute and checks the CloudEvents rules (required attributes, spec version, attribute names);
 * that generality is Scaleplane's job, so it is measured, and the Jackson figure is the lower bound of hand-written
 * code, not a like-for-like library.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CodecBenchmark {

    /** {@code scaleplane} (EventCodec) or {@code jackson} (plain data binding). */
    @Param({"scaleplane", "jackson"})
    public String codec;

    private EventCodec eventCodec;
    private ObjectWriter writer;
    private ObjectReader reader;
    private Event<DeploymentRequested> event;
    private byte[] encoded;
    private boolean scaleplane;

    /** The one mapper configuration both sides use. */
    static ObjectMapper sharedMapper() {
        return new ObjectMapper()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .registerModule(new JavaTimeModule())
                .disable(
                        SerializationFeature.WRITE_DATES_AS_TIMESTAMPS,
                        SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
    }

    /** Builds both codecs, encodes the input for decode, and checks that both sides agree. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ObjectMapper mapper = sharedMapper();
        eventCodec = EventCodec.builder(EventTypeRegistry.platformDefaults())
                .objectMapper(mapper)
                .build();
        writer = mapper.writerFor(JacksonEnvelope.class);
        reader = mapper.readerFor(JacksonEnvelope.class);
        event = Payloads.EVENT;
        scaleplane = switch (codec) {
            case "scaleplane" -> true;
            case "jackson" -> false;
            default -> throw new IllegalArgumentException("unknown codec '" + codec + "'; known: scaleplane, jackson");
        };

        byte[] fromScaleplane = eventCodec.encodeStructured(event);
        byte[] fromJackson = writer.writeValueAsBytes(JacksonEnvelope.of(event));
        if (!mapper.readTree(fromScaleplane).equals(mapper.readTree(fromJackson))) {
            throw new IllegalStateException("the two encodings differ, so the comparison would be unfair:\n"
                    + new String(fromScaleplane, StandardCharsets.UTF_8) + "\n"
                    + new String(fromJackson, StandardCharsets.UTF_8));
        }
        encoded = scaleplane ? fromScaleplane : fromJackson;
        if (!event.equals(decode())) {
            throw new IllegalStateException(codec + " did not decode back to the original event: " + decode());
        }
    }

    /** Event to CloudEvents JSON bytes. */
    @Benchmark
    public byte[] encode() throws Exception {
        if (scaleplane) {
            return eventCodec.encodeStructured(event);
        }
        return writer.writeValueAsBytes(JacksonEnvelope.of(event));
    }

    /** CloudEvents JSON bytes to an event. */
    @Benchmark
    public Event<?> decode() throws Exception {
        if (scaleplane) {
            return eventCodec.decodeStructured(encoded);
        }
        JacksonEnvelope envelope = reader.readValue(encoded);
        return envelope.toEvent();
    }
}
