package dev.scaleplane.api.orchestration;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.SubscriptionOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Options of one task queue: bound, retries, aging, idempotency window and retention.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()}; {@link #defaults()} takes every default.
 */
public final class TaskQueueOptions {

    /** Default {@link #capacity()}. */
    public static final int DEFAULT_CAPACITY = 100_000;

    /** Default {@link #deadLetterCapacity()}. */
    public static final int DEFAULT_DEAD_LETTER_CAPACITY = 100_000;

    private static final TaskQueueOptions DEFAULTS = builder().build();

    private final int capacity;
    private final RetryPolicy retryPolicy;
    private final Map<String, RetryPolicy> retryPolicies;
    private final Duration agingInterval;
    private final Duration idempotencyWindow;
    private final Duration retention;
    private final int deadLetterCapacity;

    private TaskQueueOptions(Builder b) {
        capacity = b.capacity;
        retryPolicy = b.retryPolicy;
        retryPolicies = Map.copyOf(b.retryPolicies);
        agingInterval = b.agingInterval;
        idempotencyWindow = b.idempotencyWindow;
        retention = b.retention;
        deadLetterCapacity = b.deadLetterCapacity;
    }

    /** Every default. */
    public static TaskQueueOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Unfinished tasks (queued or leased) the queue holds before submit fails. */
    public int capacity() {
        return capacity;
    }

    /** The retry policy of task types without an override. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** Retry policies by task type, overriding {@link #retryPolicy()}. */
    public Map<String, RetryPolicy> retryPolicies() {
        return retryPolicies;
    }

    /** The retry policy that applies to tasks of {@code type}. */
    public RetryPolicy retryPolicyFor(String type) {
        return retryPolicies.getOrDefault(type, retryPolicy);
    }

    /** How long a ready task waits before its effective priority rises one level (see {@link TaskPriority}). */
    public Duration agingInterval() {
        return agingInterval;
    }

    /** How long after a submission its idempotency key returns the same task. */
    public Duration idempotencyWindow() {
        return idempotencyWindow;
    }

    /** How long a finished task's state stays available to {@link TaskQueue#state(String)}. */
    public Duration retention() {
        return retention;
    }

    /** Dead letters kept; beyond it the oldest are dropped. */
    public int deadLetterCapacity() {
        return deadLetterCapacity;
    }

    @Override
    public String toString() {
        return "TaskQueueOptions{capacity=" + capacity + ", retryPolicy=" + retryPolicy + ", retryPolicies="
                + retryPolicies + ", agingInterval=" + agingInterval + ", idempotencyWindow=" + idempotencyWindow
                + ", retention=" + retention + ", deadLetterCapacity=" + deadLetterCapacity + '}';
    }

    /** Builds {@link TaskQueueOptions}; setters validate their argument. Not thread-safe. */
    public static final class Builder {
        private int capacity = DEFAULT_CAPACITY;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private final Map<String, RetryPolicy> retryPolicies = new LinkedHashMap<>();
        private Duration agingInterval = Duration.ofSeconds(10);
        private Duration idempotencyWindow = Duration.ofHours(1);
        private Duration retention = Duration.ofHours(1);
        private int deadLetterCapacity = DEFAULT_DEAD_LETTER_CAPACITY;

        private Builder() {}

        private Builder(TaskQueueOptions o) {
            capacity = o.capacity;
            retryPolicy = o.retryPolicy;
            retryPolicies.putAll(o.retryPolicies);
            agingInterval = o.agingInterval;
            idempotencyWindow = o.idempotencyWindow;
            retention = o.retention;
            deadLetterCapacity = o.deadLetterCapacity;
        }

        /** Unfinished tasks before submit fails. Default {@value TaskQueueOptions#DEFAULT_CAPACITY}. */
        public Builder capacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be >= 1, but was " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /** Retry policy of types without an override. Default {@link RetryPolicy#defaults()}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** Retry policy of tasks of {@code type}. */
        public Builder retryPolicy(String type, RetryPolicy retryPolicy) {
            retryPolicies.put(
                    SubscriptionOptions.checkName(type, "type"), Objects.requireNonNull(retryPolicy, "retryPolicy"));
            return this;
        }

        /** Wait per priority level gained. Default 10 s. */
        public Builder agingInterval(Duration agingInterval) {
            this.agingInterval = positive(agingInterval, "agingInterval");
            return this;
        }

        /** Idempotency window. Default 1 h. */
        public Builder idempotencyWindow(Duration idempotencyWindow) {
            this.idempotencyWindow = positive(idempotencyWindow, "idempotencyWindow");
            return this;
        }

        /** How long finished tasks are remembered. Default 1 h. */
        public Builder retention(Duration retention) {
            this.retention = positive(retention, "retention");
            return this;
        }

        /** Dead letters kept. Default {@value TaskQueueOptions#DEFAULT_DEAD_LETTER_CAPACITY}. */
        public Builder deadLetterCapacity(int deadLetterCapacity) {
            if (deadLetterCapacity < 1) {
                throw new IllegalArgumentException("deadLetterCapacity must be >= 1, but was " + deadLetterCapacity);
            }
            this.deadLetterCapacity = deadLetterCapacity;
            return this;
        }

        /** Builds the options. */
        public TaskQueueOptions build() {
            return new TaskQueueOptions(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be > 0, but was " + d);
            }
            return d;
        }
    }
}
