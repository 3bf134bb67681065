package dev.scaleplane.api.orchestration;

import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.TraceParent;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to run: a task's type and payload, and how the queue should treat it. Submitted with
 * {@link TaskQueue#submit(TaskRequest)}.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder(String, Object)}; {@link #of(String, Object)} takes every
 * default.
 */
public final class TaskRequest {

    private final String type;
    private final Object payload;
    private final TaskPriority priority;
    private final @Nullable String key;
    private final @Nullable Instant notBefore;
    private final @Nullable Instant deadline;
    private final int maxAttempts;
    private final @Nullable String idempotencyKey;
    private final @Nullable String tenant;
    private final @Nullable String correlationId;
    private final @Nullable TraceParent traceparent;

    private TaskRequest(Builder b) {
        type = b.type;
        payload = b.payload;
        priority = b.priority;
        key = b.key;
        notBefore = b.notBefore;
        deadline = b.deadline;
        maxAttempts = b.maxAttempts;
        idempotencyKey = b.idempotencyKey;
        tenant = b.tenant;
        correlationId = b.correlationId;
        traceparent = b.traceparent;
    }

    /** A request with every default. */
    public static TaskRequest of(String type, Object payload) {
        return builder(type, payload).build();
    }

    /**
     * A builder for a task of {@code type} carrying {@code payload}.
     *
     * @param type the task type, 1-200 characters from letters, digits, {@code . _ -}; workers lease by type
     * @param payload the task's input; backends that leave the JVM encode it with the platform codec
     * @throws IllegalArgumentException if the type is not a valid name
     */
    public static Builder builder(String type, Object payload) {
        return new Builder(SubscriptionOptions.checkName(type, "type"), Objects.requireNonNull(payload, "payload"));
    }

    /** A builder starting from this request. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The task type. */
    public String type() {
        return type;
    }

    /** The task's input. */
    public Object payload() {
        return payload;
    }

    /** The priority; default {@link TaskPriority#NORMAL}. */
    public TaskPriority priority() {
        return priority;
    }

    /** The key: tasks with one key are leased to at most one worker at a time; {@code null} for none. */
    public @Nullable String key() {
        return key;
    }

    /** The task is not leased before this time; {@code null} for as soon as possible. */
    public @Nullable Instant notBefore() {
        return notBefore;
    }

    /** After this time the task is not started again and ends {@link TaskState#FAILED}; {@code null} for none. */
    public @Nullable Instant deadline() {
        return deadline;
    }

    /** Attempts allowed, the first included; 0 means the queue's retry policy for the type decides. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Submissions with the same idempotency key inside the queue's window are one task; {@code null} for none. */
    public @Nullable String idempotencyKey() {
        return idempotencyKey;
    }

    /** The tenant the task runs for, or {@code null}. */
    public @Nullable String tenant() {
        return tenant;
    }

    /** Correlates the task with the request or event that caused it, or {@code null}. */
    public @Nullable String correlationId() {
        return correlationId;
    }

    /** The W3C trace context the worker should continue, or {@code null}. */
    public @Nullable TraceParent traceparent() {
        return traceparent;
    }

    @Override
    public String toString() {
        return "TaskRequest{type=" + type + ", priority=" + priority + ", key=" + key + ", notBefore=" + notBefore
                + ", deadline=" + deadline + ", maxAttempts=" + maxAttempts + ", idempotencyKey=" + idempotencyKey
                + ", tenant=" + tenant + ", correlationId=" + correlationId + '}';
    }

    /** Builds a {@link TaskRequest}; setters validate their argument. Not thread-safe. */
    public static final class Builder {
        private final String type;
        private final Object payload;
        private TaskPriority priority = TaskPriority.NORMAL;
        private @Nullable String key;
        private @Nullable Instant notBefore;
        private @Nullable Instant deadline;
        private int maxAttempts;
        private @Nullable String idempotencyKey;
        private @Nullable String tenant;
        private @Nullable String correlationId;
        private @Nullable TraceParent traceparent;

        private Builder(String type, Object payload) {
            this.type = type;
            this.payload = payload;
        }

        private Builder(TaskRequest r) {
            type = r.type;
            payload = r.payload;
            priority = r.priority;
            key = r.key;
            notBefore = r.notBefore;
            deadline = r.deadline;
            maxAttempts = r.maxAttempts;
            idempotencyKey = r.idempotencyKey;
            tenant = r.tenant;
            correlationId = r.correlationId;
            traceparent = r.traceparent;
        }

        /** Priority. Default {@link TaskPriority#NORMAL}. */
        public Builder priority(TaskPriority priority) {
            this.priority = Objects.requireNonNull(priority, "priority");
            return this;
        }

        /** Mutual-exclusion key, or {@code null} for none. */
        public Builder key(@Nullable String key) {
            this.key = nonBlank(key, "key");
            return this;
        }

        /** Earliest lease time, or {@code null} for now. */
        public Builder notBefore(@Nullable Instant notBefore) {
            this.notBefore = notBefore;
            return this;
        }

        /** Deadline, or {@code null} for none. */
        public Builder deadline(@Nullable Instant deadline) {
            this.deadline = deadline;
            return this;
        }

        /** Attempts allowed, the first included; 0 (the default) leaves it to the queue's retry policy. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 0) {
                throw new IllegalArgumentException("maxAttempts must be >= 0, but was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Idempotency key, or {@code null} for none. */
        public Builder idempotencyKey(@Nullable String idempotencyKey) {
            this.idempotencyKey = nonBlank(idempotencyKey, "idempotencyKey");
            return this;
        }

        /** Tenant, or {@code null}. */
        public Builder tenant(@Nullable String tenant) {
            this.tenant = nonBlank(tenant, "tenant");
            return this;
        }

        /** Correlation id, or {@code null}. */
        public Builder correlationId(@Nullable String correlationId) {
            this.correlationId = nonBlank(correlationId, "correlationId");
            return this;
        }

        /** Trace context, or {@code null}. */
        public Builder traceparent(@Nullable TraceParent traceparent) {
            this.traceparent = traceparent;
            return this;
        }

        /**
         * Builds the request.
         *
         * @throws IllegalStateException if the deadline is before the not-before time
         */
        public TaskRequest build() {
            if (deadline != null && notBefore != null && deadline.isBefore(notBefore)) {
                throw new IllegalStateException(
                        "deadline (" + deadline + ") must not be before notBefore (" + notBefore + ")");
            }
            return new TaskRequest(this);
        }

        private static @Nullable String nonBlank(@Nullable String value, String what) {
            if (value != null && value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank, but was '" + value + "'");
            }
            return value;
        }
    }
}
