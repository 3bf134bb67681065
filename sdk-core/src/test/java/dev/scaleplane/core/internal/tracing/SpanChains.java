package dev.scaleplane.core.internal.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.events.TraceParent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds and checks the spans of one event flow among those an in-memory exporter collected; shared by the bus
 * modules' tracing tests, so that every backend is held to the same chain.
 */
public final class SpanChains {
    private SpanChains() {}

    /** The {@code messaging.system} attribute key. */
    public static final AttributeKey<String> SYSTEM = OtelTracing.SYSTEM;
    /** The {@code messaging.destination.name} attribute key. */
    public static final AttributeKey<String> DESTINATION = OtelTracing.DESTINATION;
    /** The {@code messaging.operation.type} attribute key. */
    public static final AttributeKey<String> OPERATION_TYPE = OtelTracing.OPERATION_TYPE;
    /** The {@code messaging.message.id} attribute key. */
    public static final AttributeKey<String> MESSAGE_ID = OtelTracing.MESSAGE_ID;
    /** The {@code messaging.consumer.group.name} attribute key. */
    public static final AttributeKey<String> CONSUMER_GROUP = OtelTracing.CONSUMER_GROUP;

    /** The span named {@code name}, if exactly one was collected; fails if several were. */
    public static Optional<SpanData> only(List<SpanData> spans, String name) {
        List<SpanData> named =
                spans.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as("spans named '%s'", name).hasSizeLessThanOrEqualTo(1);
        return named.stream().findFirst();
    }

    /**
     * Asserts that {@code spans} hold, for topics {@code t1, t2, ...}, the chain
     * {@code send t1 → process t1 → send t2 → process t2 ...}: each span the child of the one before, all in one trace
     * whose root is the first send, with the messaging attributes of {@code system}.
     *
     * @return the spans of the chain, in order
     */
    public static List<SpanData> assertChain(List<SpanData> spans, String system, String... topics) {
        List<SpanData> chain = new ArrayList<>();
        for (String topic : topics) {
            SpanData send = only(spans, "send " + topic).orElseThrow(() -> missing(spans, "send " + topic));
            SpanData process = only(spans, "process " + topic).orElseThrow(() -> missing(spans, "process " + topic));
            assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(send.getAttributes().get(OPERATION_TYPE)).isEqualTo("send");
            assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(process.getAttributes().get(OPERATION_TYPE)).isEqualTo("process");
            for (SpanData s : List.of(send, process)) {
                assertThat(s.getAttributes().get(SYSTEM)).isEqualTo(system);
                assertThat(s.getAttributes().get(DESTINATION)).isEqualTo(topic);
            }
            assertThat(process.getAttributes().get(MESSAGE_ID))
                    .isNotNull()
                    .isEqualTo(send.getAttributes().get(MESSAGE_ID));
            assertThat(process.getAttributes().get(CONSUMER_GROUP)).isNotBlank();
            chain.add(send);
            chain.add(process);
        }
        assertThat(chain.get(0).getParentSpanContext().isValid())
                .as("the first send starts the trace")
                .isFalse();
        for (int i = 1; i < chain.size(); i++) {
            SpanData child = chain.get(i);
            SpanData parent = chain.get(i - 1);
            assertThat(child.getTraceId()).as("trace of %s", child.getName()).isEqualTo(parent.getTraceId());
            assertThat(child.getParentSpanId())
                    .as("parent of %s is %s", child.getName(), parent.getName())
                    .isEqualTo(parent.getSpanId());
        }
        return chain;
    }

    /** The traceparent that names {@code span}, as the bus writes it on the event the span sent. */
    public static TraceParent traceparentOf(SpanData span) {
        return new TraceParent(
                span.getTraceId(),
                span.getSpanId(),
                span.getSpanContext().getTraceFlags().asByte());
    }

    private static AssertionError missing(List<SpanData> spans, String name) {
        return new AssertionError("no span named '" + name + "' among "
                + spans.stream().map(SpanData::getName).toList());
    }
}
