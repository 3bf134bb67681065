package dev.scaleplane.benchmarks.kafka;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.core.codec.BinaryBinding;
import dev.scaleplane.core.codec.BinaryMessage;
import dev.scaleplane.core.codec.EventCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
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
 * The decoding that {@link KafkaConsumeBenchmark} measures inside a whole consume, without the broker: the headers
 * (keys and UTF-8 values, as a consumed record hands them over) and 1 KiB body of the consume benchmark's record to
 * an {@link Event}.
 *
 * <ul>
 *   <li>{@code scaleplane}: what the bus does per record, header bytes into {@link EventCodec#binaryDecoder};
 *   <li>{@code scaleplane-strings}: every header to a string in a map, then {@link EventCodec#decodeBinary} (what
 *       the bus did before the byte decoder, and what a backend that holds strings does);
 *   <li>{@code hand-written}: every header to a string in a map, as {@code raw-cloudevents} of the consume benchmark
 *       reads them, then the event built straight from the map with {@code URI.create} and {@code Instant.parse}:
 *       the lower bound of a hand-written consumer, which checks none of the CloudEvents rules.
 * </ul>
 *
 * {@link #setUp()} checks that all three decode to the same event.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class KafkaDecodeBenchmark {

    /** {@code scaleplane}, {@code scaleplane-strings} or {@code hand-written}; see the class description. */
    @Param({"scaleplane", "scaleplane-strings", "hand-written"})
    public String impl;

    private static final int BYTES = 0;
    private static final int STRINGS = 1;
    private static final int HAND_WRITTEN = 2;

    private int side;
    private EventCodec codec;
    private String[] keys;
    private byte[][] values;
    private byte[] body;

    /** Encodes the consume benchmark's record once and checks that every side decodes it back. */
    @Setup(Level.Trial)
    public void setUp() {
        codec = EventCodec.of(EventTypeRegistry.platformDefaults());
        Event<byte[]> event = KafkaBenchSupport.event(7, KafkaBenchSupport.value(0));
        BinaryMessage message = codec.encodeBinary(event, BinaryBinding.KAFKA);
        keys = message.headers().keySet().toArray(new String[0]);
        values = new byte[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            values[i] = message.headers().get(keys[i]).getBytes(StandardCharsets.UTF_8);
        }
        body = message.body();
        side = switch (impl) {
            case "scaleplane" -> BYTES;
            case "scaleplane-strings" -> STRINGS;
            case "hand-written" -> HAND_WRITTEN;
            default -> throw new IllegalArgumentException(
                    "unknown impl '" + impl + "'; known: scaleplane, scaleplane-strings, hand-written");
        };
        Event<?> decoded = decode();
        if (!event.equals(decoded)) {
            throw new IllegalStateException(impl + " did not decode back to the original event: " + decoded);
        }
    }

    /** One record's headers and body to an event. */
    @Benchmark
    public Event<?> decode() {
        return switch (side) {
            case BYTES -> bytes();
            case STRINGS -> codec.decodeBinary(strings(), body, BinaryBinding.KAFKA);
            default -> handWritten(strings());
        };
    }

    private Event<?> bytes() {
        EventCodec.BinaryDecoder decoder = codec.binaryDecoder(BinaryBinding.KAFKA);
        for (int i = 0; i < keys.length; i++) {
            decoder.header(keys[i], values[i]);
        }
        return decoder.decode(body);
    }

    private Map<String, String> strings() {
        Map<String, String> headers = new HashMap<>(16);
        for (int i = 0; i < keys.length; i++) {
            headers.put(keys[i], new String(values[i], StandardCharsets.UTF_8));
        }
        return headers;
    }

    private Event<byte[]> handWritten(Map<String, String> h) {
        return new Event<>(
                h.get("ce_id"),
                URI.create(h.get("ce_source")),
                h.get("ce_specversion"),
                h.get("ce_type"),
                h.get("ce_subject"),
                Instant.parse(h.get("ce_time")),
                h.get("content-type"),
                body,
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of());
    }
}
