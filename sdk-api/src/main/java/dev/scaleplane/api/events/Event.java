package dev.scaleplane.api.events;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * An event envelope: the CloudEvents 1.0 context attributes, Scaleplane's extension attributes and the typed payload.
 *
 * <p>Attribute names follow the CloudEvents spec; on the wire they keep their CloudEvents names ({@code id},
 * {@code source}, {@code specversion}, {@code type}, {@code subject}, {@code time}, {@code datacontenttype},
 * {@code tenant}, {@code cluster}, {@code correlationid}, {@code causationid}, {@code partitionkey},
 * {@code traceparent}). Other extension attributes received from foreign producers are kept in {@link #extensions()}
 * so that forwarding an event loses nothing.
 *
 * <p>Instances are immutable and thread-safe when the payload is (the platform catalog's records are). Build one with
 * {@link #builder(EventType, Object)} or let {@link EventBus#publish(String, Object)} fill in the envelope.
 *
 * @param id unique per source; duplicates with the same id and source are the same event (idempotent consumers
 *     rely on this)
 * @param source URI reference identifying the producer, e.g. {@code /scaleplane/deployer}
 * @param specVersion always {@value #SPEC_VERSION}
 * @param type the versioned type name, e.g. {@code dev.scaleplane.deployment.requested.v1}
 * @param subject what the event is about within the source, e.g. the deployment id; the default partition key
 * @param time when the occurrence happened
 * @param dataContentType media type of the encoded data, {@value #JSON} for typed payloads
 * @param data the payload
 * @param tenant extension {@code tenant}: the tenant the event belongs to
 * @param cluster extension {@code cluster}: the cluster the event concerns
 * @param correlationId extension {@code correlationid}: groups every event of one business flow
 * @param causationId extension {@code causationid}: the id of the event that caused this one
 * @param partitionKey extension {@code partitionkey}: overrides the ordering key (see {@link #orderingKey()})
 * @param traceparent extension {@code traceparent}: W3C trace context carried from publisher to handler
 * @param extensions other extension attributes, names lower-case alphanumeric
 * @param <T> payload type
 */
public record Event<T>(
        String id,
        URI source,
        String specVersion,
        String type,
        @Nullable String subject,
        Instant time,
        String dataContentType,
        T data,
        @Nullable String tenant,
        @Nullable String cluster,
        @Nullable String correlationId,
        @Nullable String causationId,
        @Nullable String partitionKey,
        @Nullable TraceParent traceparent,
        Map<String, String> extensions) {

    /** The only CloudEvents spec version this SDK produces and accepts. */
    public static final String SPEC_VERSION = "1.0";

    /** Attribute names that have fields of their own and so cannot be used as extension names. */
    private static final java.util.Set<String> RESERVED = java.util.Set.of(
            "id",
            "source",
            "specversion",
            "type",
            "subject",
            "time",
            "datacontenttype",
            "data",
            "tenant",
            "cluster",
            "correlationid",
            "causationid",
            "partitionkey",
            "traceparent");

    /** Media type of JSON-encoded payloads. */
    public static final String JSON = "application/json";

    /**
     * Validates the envelope.
     *
     * @throws NullPointerException if a required attribute is null
     * @throws IllegalArgumentException if an attribute is empty, the spec version is not {@value #SPEC_VERSION}, or an
     *     extension name is not a valid CloudEvents attribute name or names an attribute that has its own field
     */
    public Event {
        requireNonEmpty(id, "id");
        Objects.requireNonNull(source, "source");
        if (source.toString().isEmpty()) {
            throw new IllegalArgumentException("source must not be empty");
        }
        if (!SPEC_VERSION.equals(specVersion)) {
            throw new IllegalArgumentException("specVersion must be " + SPEC_VERSION + ", but was " + specVersion);
        }
        requireNonEmpty(type, "type");
        Objects.requireNonNull(time, "time");
        requireNonEmpty(dataContentType, "dataContentType");
        Objects.requireNonNull(data, "data");
        extensions = Map.copyOf(extensions);
        for (String name : extensions.keySet()) {
            if (!isValidAttributeName(name)) {
                throw new IllegalArgumentException(
                        "extension name must be 1-20 lower-case letters or digits, but was '" + name + "'");
            }
            if (RESERVED.contains(name)) {
                throw new IllegalArgumentException(
                        "extension name '" + name + "' is a context attribute of its own; set it through its field");
            }
        }
    }

    /**
     * The key that orders this event among others: events with the same key are handled in publish order within a
     * subscription group. It is {@link #partitionKey()} when set, else {@link #subject()}, else {@link #id()}.
     */
    public String orderingKey() {
        if (partitionKey != null) {
            return partitionKey;
        }
        return subject != null ? subject : id;
    }

    /** A builder pre-filled with this event's attributes, to derive a changed copy. */
    public Builder<T> toBuilder() {
        return new Builder<>(this);
    }

    /**
     * A builder for an event of the given registered type. The id defaults to a fresh random UUID, the time to now,
     * the content type to {@value #JSON}; {@code source} must be set.
     */
    public static <T> Builder<T> builder(EventType<T> type, T data) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        if (!type.javaType().isInstance(data)) {
            throw new IllegalArgumentException(
                    "data of type " + data.getClass().getName() + " does not match event type " + type.name() + " ("
                            + type.javaType().getName() + ")");
        }
        return new Builder<>(type.name(), data);
    }

    /**
     * A builder for an event whose type name is given directly, for payloads that are not registered (for example
     * raw bytes or generic JSON trees from foreign producers).
     */
    public static <T> Builder<T> builder(String type, T data) {
        return new Builder<>(requireNonEmpty(type, "type"), Objects.requireNonNull(data, "data"));
    }

    /**
     * Whether {@code name} is a valid CloudEvents attribute name: 1 to 20 characters from {@code a-z} and
     * {@code 0-9}.
     */
    public static boolean isValidAttributeName(String name) {
        int n = name.length();
        if (n == 0 || n > 20) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code name} is an attribute with a field of its own (or {@code data}), and so can never be an extension
     * name.
     */
    public static boolean isReservedAttributeName(String name) {
        return RESERVED.contains(name);
    }

    /**
     * A random (version 4) UUID string. Uses {@link ThreadLocalRandom}, not {@link java.security.SecureRandom}:
     * event ids must be unique, not unguessable, and SecureRandom would serialize every publishing thread.
     */
    public static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lsb = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    private static String requireNonEmpty(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    /**
     * Builds an {@link Event}. Not thread-safe; {@link #build()} may be called repeatedly and validates each time.
     *
     * @param <T> payload type
     */
    public static final class Builder<T> {
        private String id;
        private @Nullable URI source;
        private String type;
        private @Nullable String subject;
        private @Nullable Instant time;
        private String dataContentType = JSON;
        private T data;
        private @Nullable String tenant;
        private @Nullable String cluster;
        private @Nullable String correlationId;
        private @Nullable String causationId;
        private @Nullable String partitionKey;
        private @Nullable TraceParent traceparent;
        private Map<String, String> extensions = Map.of();

        private Builder(String type, T data) {
            this.id = newId();
            this.type = type;
            this.data = data;
        }

        private Builder(Event<T> e) {
            id = e.id;
            source = e.source;
            type = e.type;
            subject = e.subject;
            time = e.time;
            dataContentType = e.dataContentType;
            data = e.data;
            tenant = e.tenant;
            cluster = e.cluster;
            correlationId = e.correlationId;
            causationId = e.causationId;
            partitionKey = e.partitionKey;
            traceparent = e.traceparent;
            extensions = e.extensions;
        }

        /** Sets the id; by default a fresh random UUID. */
        public Builder<T> id(String id) {
            this.id = requireNonEmpty(id, "id");
            return this;
        }

        /** Sets the source URI reference (required). */
        public Builder<T> source(URI source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Sets the source from a string, which must be a valid URI reference. */
        public Builder<T> source(String source) {
            return source(URI.create(requireNonEmpty(source, "source")));
        }

        /** Sets the subject; also the default ordering key. */
        public Builder<T> subject(@Nullable String subject) {
            this.subject = subject;
            return this;
        }

        /** Sets the occurrence time; by default the time {@link #build()} is called. */
        public Builder<T> time(Instant time) {
            this.time = Objects.requireNonNull(time, "time");
            return this;
        }

        /** Sets the data content type; by default {@value Event#JSON}. */
        public Builder<T> dataContentType(String dataContentType) {
            this.dataContentType = requireNonEmpty(dataContentType, "dataContentType");
            return this;
        }

        /** Sets the tenant extension. */
        public Builder<T> tenant(@Nullable String tenant) {
            this.tenant = tenant;
            return this;
        }

        /** Sets the cluster extension. */
        public Builder<T> cluster(@Nullable String cluster) {
            this.cluster = cluster;
            return this;
        }

        /** Sets the correlation id extension. */
        public Builder<T> correlationId(@Nullable String correlationId) {
            this.correlationId = correlationId;
            return this;
        }

        /** Sets the causation id extension. */
        public Builder<T> causationId(@Nullable String causationId) {
            this.causationId = causationId;
            return this;
        }

        /** Sets the partition key extension, which overrides the subject as ordering key. */
        public Builder<T> partitionKey(@Nullable String partitionKey) {
            this.partitionKey = partitionKey;
            return this;
        }

        /** Sets the W3C trace context. */
        public Builder<T> traceparent(@Nullable TraceParent traceparent) {
            this.traceparent = traceparent;
            return this;
        }

        /** Replaces the other extension attributes. */
        public Builder<T> extensions(Map<String, String> extensions) {
            this.extensions = Map.copyOf(extensions);
            return this;
        }

        /**
         * Builds the event.
         *
         * @throws IllegalStateException if no source was set
         * @throws IllegalArgumentException if an attribute is invalid (see {@link Event})
         */
        public Event<T> build() {
            if (source == null) {
                throw new IllegalStateException("source is required: call source(...) on the event builder");
            }
            return new Event<>(
                    id,
                    source,
                    SPEC_VERSION,
                    type,
                    subject,
                    time != null ? time : Instant.now(),
                    dataContentType,
                    data,
                    tenant,
                    cluster,
                    correlationId,
                    causationId,
                    partitionKey,
                    traceparent,
                    extensions);
        }
    }
}
