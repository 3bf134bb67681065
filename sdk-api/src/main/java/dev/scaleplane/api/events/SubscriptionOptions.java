package dev.scaleplane.api.events;

import dev.scaleplane.api.RetryPolicy;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Options of one subscription: topic, group, type filter, concurrency, retries, dead letters and de-duplication.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder(String, String)}; {@link #of(String, String)} takes every
 * default.
 */
public final class SubscriptionOptions {

    /** Default concurrency: one handler call at a time per subscription. */
    public static final int DEFAULT_CONCURRENCY = 1;

    /** Upper bound of {@link Builder#concurrency(int)}. */
    public static final int MAX_CONCURRENCY = 1024;

    private final String topic;
    private final String group;
    private final Set<String> types;
    private final int concurrency;
    private final RetryPolicy retryPolicy;
    private final @Nullable String deadLetterDestination;
    private final @Nullable Duration deduplicationWindow;
    private final int deduplicationMaxEntries;
    private final StartPosition startPosition;

    private SubscriptionOptions(Builder b) {
        topic = b.topic;
        group = b.group;
        types = Set.copyOf(b.types);
        concurrency = b.concurrency;
        retryPolicy = b.retryPolicy;
        deadLetterDestination = b.deadLetterDestination;
        deduplicationWindow = b.deduplicationWindow;
        deduplicationMaxEntries = b.deduplicationMaxEntries;
        startPosition = b.startPosition;
    }

    /** Options with every default for {@code topic} and {@code group}. */
    public static SubscriptionOptions of(String topic, String group) {
        return builder(topic, group).build();
    }

    /**
     * A builder for a subscription of {@code group} to {@code topic}.
     *
     * @throws IllegalArgumentException if a name is not 1-200 characters from letters, digits, {@code . _ -}
     */
    public static Builder builder(String topic, String group) {
        return new Builder(checkName(topic, "topic"), checkName(group, "group"));
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Validates a topic or group name.
     *
     * @throws IllegalArgumentException if the name is not 1-200 characters from letters, digits, {@code . _ -}
     */
    public static String checkName(String name, String what) {
        Objects.requireNonNull(name, what);
        if (!isValidName(name)) {
            throw new IllegalArgumentException(
                    what + " must be 1-200 characters from letters, digits, '.', '_' and '-', but was '" + name + "'");
        }
        return name;
    }

    // A loop, not the regex: publish validates its topic on every call.
    private static boolean isValidName(String name) {
        int n = name.length();
        if (n == 0 || n > 200) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** The topic. */
    public String topic() {
        return topic;
    }

    /** The subscription group; members of one group compete, groups each get every event. */
    public String group() {
        return group;
    }

    /** Type names to handle; empty means every type. */
    public Set<String> types() {
        return types;
    }

    /** Whether an event of {@code type} passes the type filter. */
    public boolean accepts(String type) {
        return types.isEmpty() || types.contains(type);
    }

    /** How many handler calls of this subscription may run at once (on different ordering keys). */
    public int concurrency() {
        return concurrency;
    }

    /** The retry policy for failing handler calls. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** The dead-letter destination: as set, or {@code <topic>.<group>.dlq}. */
    public String deadLetterDestination() {
        return deadLetterDestination != null ? deadLetterDestination : topic + "." + group + ".dlq";
    }

    /** Whether duplicates (same event id and source) are filtered out. */
    public boolean deduplicates() {
        return deduplicationWindow != null;
    }

    /** How long an event id is remembered for de-duplication, or {@code null} when off. */
    public @Nullable Duration deduplicationWindow() {
        return deduplicationWindow;
    }

    /** How many event ids are remembered at most for de-duplication (memory bound); 0 when off. */
    public int deduplicationMaxEntries() {
        return deduplicationMaxEntries;
    }

    /** Where a new group starts. */
    public StartPosition startPosition() {
        return startPosition;
    }

    @Override
    public String toString() {
        return "SubscriptionOptions{topic=" + topic + ", group=" + group + ", types=" + types + ", concurrency="
                + concurrency + ", retryPolicy=" + retryPolicy + ", deadLetterDestination="
                + deadLetterDestination() + ", deduplicationWindow=" + deduplicationWindow
                + ", deduplicationMaxEntries=" + deduplicationMaxEntries + ", startPosition=" + startPosition + '}';
    }

    /** Builds {@link SubscriptionOptions}; setters validate their argument. Not thread-safe. */
    public static final class Builder {
        private final String topic;
        private final String group;
        private final Set<String> types = new LinkedHashSet<>();
        private int concurrency = DEFAULT_CONCURRENCY;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private @Nullable String deadLetterDestination;
        private @Nullable Duration deduplicationWindow;
        private int deduplicationMaxEntries;
        private StartPosition startPosition = StartPosition.LATEST;

        private Builder(String topic, String group) {
            this.topic = topic;
            this.group = group;
        }

        private Builder(SubscriptionOptions o) {
            topic = o.topic;
            group = o.group;
            types.addAll(o.types);
            concurrency = o.concurrency;
            retryPolicy = o.retryPolicy;
            deadLetterDestination = o.deadLetterDestination;
            deduplicationWindow = o.deduplicationWindow;
            deduplicationMaxEntries = o.deduplicationMaxEntries;
            startPosition = o.startPosition;
        }

        /** Adds type names to the filter; with none, every type is handled. */
        public Builder types(String... typeNames) {
            for (String t : typeNames) {
                Objects.requireNonNull(t, "type");
                if (t.isEmpty()) {
                    throw new IllegalArgumentException("type must not be empty");
                }
                types.add(t);
            }
            return this;
        }

        /** Adds registered types to the filter. */
        public Builder types(EventType<?>... eventTypes) {
            for (EventType<?> t : eventTypes) {
                types.add(Objects.requireNonNull(t, "type").name());
            }
            return this;
        }

        /**
         * Handler calls that may run at once, on different ordering keys. Default {@value
         * SubscriptionOptions#DEFAULT_CONCURRENCY}.
         */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
                throw new IllegalArgumentException(
                        "concurrency must be in [1, " + MAX_CONCURRENCY + "], but was " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** The retry policy. Default {@link RetryPolicy#defaults()}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** Names the dead-letter destination. Default {@code <topic>.<group>.dlq}. */
        public Builder deadLetterDestination(String destination) {
            this.deadLetterDestination = checkName(destination, "deadLetterDestination");
            return this;
        }

        /**
         * Turns on idempotent consumption: an event whose id and source were already handled successfully by this
         * group within {@code window} is acknowledged without calling the handler again. At most
         * {@code maxEntries} ids are remembered (the oldest are forgotten first), which bounds memory.
         *
         * <p>An event handled successfully at time {@code t} is filtered out for arrivals before {@code t + window}
         * and handed over again from {@code t + window} on; filtering a duplicate does not extend that, so an event
         * redelivered without end reaches the handler once per window. A failed attempt is not remembered, so its
         * retry is handed over. The same id from another source is another event.
         */
        public Builder deduplicate(Duration window, int maxEntries) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("deduplication window must be > 0, but was " + window);
            }
            if (maxEntries < 1) {
                throw new IllegalArgumentException("deduplication maxEntries must be >= 1, but was " + maxEntries);
            }
            this.deduplicationWindow = window;
            this.deduplicationMaxEntries = maxEntries;
            return this;
        }

        /** Where a new group starts. Default {@link StartPosition#LATEST}. */
        public Builder startPosition(StartPosition startPosition) {
            this.startPosition = Objects.requireNonNull(startPosition, "startPosition");
            return this;
        }

        /** Builds the options. */
        public SubscriptionOptions build() {
            return new SubscriptionOptions(this);
        }
    }
}
