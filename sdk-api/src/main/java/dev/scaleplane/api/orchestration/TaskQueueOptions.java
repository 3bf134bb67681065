package dev.scaleplane.api.orchestration;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.UnsupportedCapabilityException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Options of one task queue: bound, retries, aging, idempotency window, retention, and the per-type limits (rate
 * limits and per-key concurrency).
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()}; {@link #defaults()} takes every default.
 */
public final class TaskQueueOptions {

    /** Default {@link #capacity()}. */
    public static final int DEFAULT_CAPACITY = 100_000;

    /** Default {@link #retentionCapacity()}. */
    public static final int DEFAULT_RETENTION_CAPACITY = 100_000;

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
    private final int retentionCapacity;
    private final int keyConcurrency;
    private final Map<String, Integer> keyConcurrencies;
    private final Map<String, TaskRateLimit> rateLimits;

    private TaskQueueOptions(Builder b) {
        capacity = b.capacity;
        retryPolicy = b.retryPolicy;
        retryPolicies = Map.copyOf(b.retryPolicies);
        agingInterval = b.agingInterval;
        idempotencyWindow = b.idempotencyWindow;
        retention = b.retention;
        deadLetterCapacity = b.deadLetterCapacity;
        retentionCapacity = b.retentionCapacity;
        keyConcurrency = b.keyConcurrency;
        keyConcurrencies = Map.copyOf(b.keyConcurrencies);
        rateLimits = Map.copyOf(b.rateLimits);
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

    /**
     * Finished tasks remembered at most, whatever their age: beyond it the oldest are forgotten before their
     * {@link #retention()}, so a queue's memory stays bounded at any throughput. Dead letters are kept apart, bounded by
     * {@link #deadLetterCapacity()}.
     */
    public int retentionCapacity() {
        return retentionCapacity;
    }

    /** Dead letters kept; beyond it the oldest are dropped. */
    public int deadLetterCapacity() {
        return deadLetterCapacity;
    }

    /**
     * How many tasks with one {@linkplain TaskRequest#key() key} may be under lease at once, for types without an
     * override. Default 1: a mutex, which also keeps tasks of one key in order.
     */
    public int keyConcurrency() {
        return keyConcurrency;
    }

    /** Key concurrency by task type, overriding {@link #keyConcurrency()}. */
    public Map<String, Integer> keyConcurrencies() {
        return keyConcurrencies;
    }

    /**
     * How many tasks with the key of a task of {@code type} may be under lease at once. A key shared by tasks of
     * several types is limited by the type of the task being leased: the count covers every type.
     */
    public int keyConcurrencyFor(String type) {
        return keyConcurrencies.getOrDefault(type, keyConcurrency);
    }

    /** Rate limits by task type; types without one are not limited. */
    public Map<String, TaskRateLimit> rateLimits() {
        return rateLimits;
    }

    /** The rate limit of tasks of {@code type}, if any. */
    public Optional<TaskRateLimit> rateLimitFor(String type) {
        return Optional.ofNullable(rateLimits.get(type));
    }

    /**
     * Refuses options that a backend cannot honour: rate limits without {@link TaskQueueCapability#RATE_LIMITS}, a key
     * concurrency above 1 (default or per type) without {@link TaskQueueCapability#KEY_CONCURRENCY}. Every other
     * option is one each backend applies. Providers call it before they open anything, and the platform when it is
     * built, so an option is never dropped silently.
     *
     * @param backend the provider name, for the message
     * @param capabilities what the backend declares
     * @throws UnsupportedCapabilityException naming the first option that needs a missing capability
     */
    public void requireSupportedBy(String backend, Set<TaskQueueCapability> capabilities) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(capabilities, "capabilities");
        if (!capabilities.contains(TaskQueueCapability.RATE_LIMITS) && !rateLimits.isEmpty()) {
            throw new UnsupportedCapabilityException(
                    TaskQueueCapability.RATE_LIMITS,
                    backend,
                    "TaskQueueOptions.rateLimits" + new TreeSet<>(rateLimits.keySet()));
        }
        if (!capabilities.contains(TaskQueueCapability.KEY_CONCURRENCY)) {
            if (keyConcurrency > 1) {
                throw new UnsupportedCapabilityException(
                        TaskQueueCapability.KEY_CONCURRENCY,
                        backend,
                        "TaskQueueOptions.keyConcurrency=" + keyConcurrency);
            }
            for (Map.Entry<String, Integer> e : new TreeMap<>(keyConcurrencies).entrySet()) {
                if (e.getValue() > 1) {
                    throw new UnsupportedCapabilityException(
                            TaskQueueCapability.KEY_CONCURRENCY,
                            backend,
                            "TaskQueueOptions.keyConcurrency(" + e.getKey() + ")=" + e.getValue());
                }
            }
        }
    }

    @Override
    public String toString() {
        return "TaskQueueOptions{capacity=" + capacity + ", retryPolicy=" + retryPolicy + ", retryPolicies="
                + retryPolicies + ", agingInterval=" + agingInterval + ", idempotencyWindow=" + idempotencyWindow
                + ", retention=" + retention + ", retentionCapacity=" + retentionCapacity + ", deadLetterCapacity="
                + deadLetterCapacity + ", keyConcurrency="
                + keyConcurrency + ", keyConcurrencies=" + keyConcurrencies + ", rateLimits=" + rateLimits + '}';
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
        private int retentionCapacity = DEFAULT_RETENTION_CAPACITY;
        private int keyConcurrency = 1;
        private final Map<String, Integer> keyConcurrencies = new LinkedHashMap<>();
        private final Map<String, TaskRateLimit> rateLimits = new LinkedHashMap<>();

        private Builder() {}

        private Builder(TaskQueueOptions o) {
            capacity = o.capacity;
            retryPolicy = o.retryPolicy;
            retryPolicies.putAll(o.retryPolicies);
            agingInterval = o.agingInterval;
            idempotencyWindow = o.idempotencyWindow;
            retention = o.retention;
            deadLetterCapacity = o.deadLetterCapacity;
            retentionCapacity = o.retentionCapacity;
            keyConcurrency = o.keyConcurrency;
            keyConcurrencies.putAll(o.keyConcurrencies);
            rateLimits.putAll(o.rateLimits);
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

        /** Finished tasks remembered at most. Default {@value TaskQueueOptions#DEFAULT_RETENTION_CAPACITY}. */
        public Builder retentionCapacity(int retentionCapacity) {
            this.retentionCapacity = atLeastOne(retentionCapacity, "retentionCapacity");
            return this;
        }

        /** Leases per key at once for types without an override; see {@link TaskQueueOptions#keyConcurrency()}. */
        public Builder keyConcurrency(int keyConcurrency) {
            this.keyConcurrency = atLeastOne(keyConcurrency, "keyConcurrency");
            return this;
        }

        /** Leases per key at once for tasks of {@code type}. */
        public Builder keyConcurrency(String type, int keyConcurrency) {
            keyConcurrencies.put(
                    SubscriptionOptions.checkName(type, "type"), atLeastOne(keyConcurrency, "keyConcurrency"));
            return this;
        }

        /** Limits how fast tasks of {@code type} are leased; see {@link TaskRateLimit}. */
        public Builder rateLimit(String type, TaskRateLimit limit) {
            rateLimits.put(SubscriptionOptions.checkName(type, "type"), Objects.requireNonNull(limit, "limit"));
            return this;
        }

        private static int atLeastOne(int value, String what) {
            if (value < 1) {
                throw new IllegalArgumentException(what + " must be >= 1, but was " + value);
            }
            return value;
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
