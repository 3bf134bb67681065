package dev.scaleplane.api.store;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A filter over the whole store for audit trails: every criterion set must match (AND); a type filter with several
 * names matches any of them. Results come in global position order, one page at a time: pass
 * {@link AuditPage#nextPosition()} back as {@link Builder#afterPosition(long)} for the next page.
 *
 * <p>Time criteria apply to the event's {@link dev.scaleplane.api.events.Event#time() time} (when it happened), from
 * inclusive, to exclusive. Deleted streams' events are included: the audit trail keeps what happened.
 *
 * <p>Immutable and thread-safe.
 */
public final class AuditQuery {
    /** Default page size. */
    public static final int DEFAULT_LIMIT = 100;

    private final @Nullable String stream;
    private final Set<String> types;
    private final @Nullable String tenant;
    private final @Nullable String cluster;
    private final @Nullable String correlationId;
    private final @Nullable Instant from;
    private final @Nullable Instant to;
    private final long afterPosition;
    private final int limit;

    private AuditQuery(Builder b) {
        stream = b.stream;
        types = Set.copyOf(b.types);
        tenant = b.tenant;
        cluster = b.cluster;
        correlationId = b.correlationId;
        from = b.from;
        to = b.to;
        afterPosition = b.afterPosition;
        limit = b.limit;
    }

    /** A builder matching everything, first page of {@value #DEFAULT_LIMIT}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Only this stream. */
    public Optional<String> stream() {
        return Optional.ofNullable(stream);
    }

    /** Only these event types; empty means all. */
    public Set<String> types() {
        return types;
    }

    /** Only this tenant. */
    public Optional<String> tenant() {
        return Optional.ofNullable(tenant);
    }

    /** Only this cluster. */
    public Optional<String> cluster() {
        return Optional.ofNullable(cluster);
    }

    /** Only this correlation id. */
    public Optional<String> correlationId() {
        return Optional.ofNullable(correlationId);
    }

    /** Only events that happened at or after this instant. */
    public Optional<Instant> from() {
        return Optional.ofNullable(from);
    }

    /** Only events that happened before this instant. */
    public Optional<Instant> to() {
        return Optional.ofNullable(to);
    }

    /** Only events with a global position above this one; -1 for the first page. */
    public long afterPosition() {
        return afterPosition;
    }

    /** Page size. */
    public int limit() {
        return limit;
    }

    @Override
    public String toString() {
        return "AuditQuery{stream=" + stream + ", types=" + types + ", tenant=" + tenant + ", cluster=" + cluster
                + ", correlationId=" + correlationId + ", from=" + from + ", to=" + to + ", afterPosition="
                + afterPosition + ", limit=" + limit + '}';
    }

    /** Builds an {@link AuditQuery}. Not thread-safe. */
    public static final class Builder {
        private @Nullable String stream;
        private final Set<String> types = new LinkedHashSet<>();
        private @Nullable String tenant;
        private @Nullable String cluster;
        private @Nullable String correlationId;
        private @Nullable Instant from;
        private @Nullable Instant to;
        private long afterPosition = -1;
        private int limit = DEFAULT_LIMIT;

        private Builder() {}

        /** Only this stream. */
        public Builder stream(String stream) {
            this.stream = Objects.requireNonNull(stream, "stream");
            return this;
        }

        /** Adds event type names to match. */
        public Builder types(String... typeNames) {
            for (String t : typeNames) {
                types.add(Objects.requireNonNull(t, "type"));
            }
            return this;
        }

        /** Only this tenant. */
        public Builder tenant(String tenant) {
            this.tenant = Objects.requireNonNull(tenant, "tenant");
            return this;
        }

        /** Only this cluster. */
        public Builder cluster(String cluster) {
            this.cluster = Objects.requireNonNull(cluster, "cluster");
            return this;
        }

        /** Only this correlation id. */
        public Builder correlationId(String correlationId) {
            this.correlationId = Objects.requireNonNull(correlationId, "correlationId");
            return this;
        }

        /** Events that happened in {@code [from, to)}; either may be null for an open end. */
        public Builder timeRange(@Nullable Instant from, @Nullable Instant to) {
            if (from != null && to != null && !from.isBefore(to)) {
                throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
            }
            this.from = from;
            this.to = to;
            return this;
        }

        /** Continues after this position (the previous page's {@link AuditPage#nextPosition()}). */
        public Builder afterPosition(long position) {
            if (position < -1) {
                throw new IllegalArgumentException("afterPosition must be >= -1, but was " + position);
            }
            this.afterPosition = position;
            return this;
        }

        /** Page size, 1 to 10,000. Default {@value AuditQuery#DEFAULT_LIMIT}. */
        public Builder limit(int limit) {
            if (limit < 1 || limit > 10_000) {
                throw new IllegalArgumentException("limit must be in [1, 10000], but was " + limit);
            }
            this.limit = limit;
            return this;
        }

        /** Builds the query. */
        public AuditQuery build() {
            return new AuditQuery(this);
        }
    }
}
