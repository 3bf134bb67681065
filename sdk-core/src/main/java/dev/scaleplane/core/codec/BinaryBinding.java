package dev.scaleplane.core.codec;

/**
 * A CloudEvents protocol binding in binary content mode: how attributes are named as message headers and which header
 * carries {@code datacontenttype}.
 *
 * <p>In binary mode every attribute except {@code data} and {@code datacontenttype} travels as a header named
 * {@link #prefix()} + attribute name, {@code datacontenttype} travels in {@link #contentTypeHeader()}, and the data is
 * the message body.
 */
public enum BinaryBinding {

    /**
     * Kafka Protocol Binding for CloudEvents 1.0, section 3.2 (binary content mode): attributes are headers prefixed
     * {@code ce_} (3.2.3.1), {@code datacontenttype} is the {@code content-type} header (3.2.1), header keys and
     * values are UTF-8 strings (3.2.3), and the data is the record value (3.2.2).
     *
     * <p>The record key is not part of this mapping: the binding (3.1) leaves it to a "key mapper"; backends use
     * {@link dev.scaleplane.api.events.Event#orderingKey()}, which is {@code partitionkey} when set, as the spec's
     * opt-in mapper recommends.
     */
    KAFKA("ce_", "content-type"),

    /**
     * AMQP Protocol Binding for CloudEvents 1.0, section 3.1 (binary content mode): attributes are
     * application-properties prefixed {@code cloudEvents:} (3.1.3.1), {@code datacontenttype} is the AMQP
     * {@code content-type} message property (3.1.1), and the data is the application-data section (3.1.2).
     *
     * <p>The header named {@code content-type} here stands for that message property: the backend moves it between
     * the map and the property. Values are carried in their canonical string form, which 3.1.3.2 allows on outgoing
     * messages; a backend that receives native AMQP values (a timestamp for {@code time}) converts them to canonical
     * strings (RFC 3339 for timestamps) before calling {@link EventCodec#decodeBinary}.
     */
    AMQP("cloudEvents:", "content-type");

    private final String prefix;
    private final String contentTypeHeader;
    // Header names of the attributes every encoder writes, built once instead of per message.
    final String specVersionHeader;
    final String idHeader;
    final String sourceHeader;
    final String typeHeader;
    final String subjectHeader;
    final String timeHeader;
    final String tenantHeader;
    final String clusterHeader;
    final String correlationIdHeader;
    final String causationIdHeader;
    final String partitionKeyHeader;
    final String traceParentHeader;

    BinaryBinding(String prefix, String contentTypeHeader) {
        this.prefix = prefix;
        this.contentTypeHeader = contentTypeHeader;
        this.specVersionHeader = prefix + "specversion";
        this.idHeader = prefix + "id";
        this.sourceHeader = prefix + "source";
        this.typeHeader = prefix + "type";
        this.subjectHeader = prefix + "subject";
        this.timeHeader = prefix + "time";
        this.tenantHeader = prefix + "tenant";
        this.clusterHeader = prefix + "cluster";
        this.correlationIdHeader = prefix + "correlationid";
        this.causationIdHeader = prefix + "causationid";
        this.partitionKeyHeader = prefix + "partitionkey";
        this.traceParentHeader = prefix + "traceparent";
    }

    /** The prefix of attribute headers, e.g. {@code ce_} for Kafka. */
    public String prefix() {
        return prefix;
    }

    /** The header that carries {@code datacontenttype}, {@code content-type} for both bindings. */
    public String contentTypeHeader() {
        return contentTypeHeader;
    }

    /** The header name of attribute {@code attribute}, e.g. {@code ce_id}. */
    public String header(String attribute) {
        return prefix + attribute;
    }
}
