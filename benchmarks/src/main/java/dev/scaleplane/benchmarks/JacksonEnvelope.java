package dev.scaleplane.benchmarks;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The hand-written alternative to Scaleplane's codec: a CloudEvents structured JSON envelope as a plain Jackson
 * record, with the payload's class fixed at compile time. Component names are the CloudEvents attribute names, so
 * Jackson writes the same JSON members the Scaleplane codec writes; unset optional attributes are omitted, as the
 * JSON event format asks and as Scaleplane does.
 *
 * <p>The conversions to and from {@link Event} are part of what the codec benchmark measures, since Scaleplane's
 * codec also starts from and ends with an {@code Event}. Other extension attributes are not modelled: the benchmark
 * payload has none, so neither side writes any.
 *
 * @param specversion CloudEvents spec version
 * @param id event id
 * @param source source URI reference
 * @param type type name
 * @param subject subject
 * @param time occurrence time
 * @param datacontenttype media type of data
 * @param tenant extension
 * @param cluster extension
 * @param correlationid extension
 * @param causationid extension
 * @param partitionkey extension
 * @param traceparent extension, W3C header form
 * @param data the payload
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JacksonEnvelope(
        String specversion,
        String id,
        String source,
        String type,
        @Nullable String subject,
        Instant time,
        String datacontenttype,
        @Nullable String tenant,
        @Nullable String cluster,
        @Nullable String correlationid,
        @Nullable String causationid,
        @Nullable String partitionkey,
        @Nullable String traceparent,
        DeploymentRequested data) {

    /** The envelope of an event whose payload is a {@link DeploymentRequested}. */
    static JacksonEnvelope of(Event<DeploymentRequested> e) {
        TraceParent tp = e.traceparent();
        return new JacksonEnvelope(
                e.specVersion(),
                e.id(),
                e.source().toString(),
                e.type(),
                e.subject(),
                e.time(),
                e.dataContentType(),
                e.tenant(),
                e.cluster(),
                e.correlationId(),
                e.causationId(),
                e.partitionKey(),
                tp == null ? null : tp.toString(),
                e.data());
    }

    /** Back to an {@link Event}, validated by its constructor as Scaleplane's decoder's result is. */
    Event<DeploymentRequested> toEvent() {
        return new Event<>(
                id,
                URI.create(source),
                specversion,
                type,
                subject,
                time,
                datacontenttype,
                data,
                tenant,
                cluster,
                correlationid,
                causationid,
                partitionkey,
                traceparent == null ? null : TraceParent.parse(traceparent),
                Map.of());
    }
}
