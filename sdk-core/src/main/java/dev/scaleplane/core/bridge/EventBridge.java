package dev.scaleplane.core.bridge;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.bus.DeduplicationWindow;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Forwards the events of one topic of a bus to a topic of another bus, for example from the in-memory bus to RabbitMQ
 * or from RabbitMQ to Kafka. Depends only on the public {@link EventBus} API, so any two backends can be bridged, in
 * either direction.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>At-least-once.</b> The bridge is a subscription group on the source bus ({@link Builder#group(String)},
 *       default {@value #DEFAULT_GROUP}); its handler returns, and the source acknowledges the event, only after the
 *       target bus accepted the event ({@code publish} completed). A failing or unreachable target makes the handler
 *       throw, so the source retries per the bridge's retry policy (by default practically forever, backing off up
 *       to 30 s) and, if that policy gives up, dead-letters the event on the source bus, where it can be redriven.
 *   <li><b>Unchanged events.</b> The event is published to the target as received: same id, source, type, subject,
 *       time, data content type, data, and every extension (tenant, cluster, correlation and causation ids, partition
 *       key, trace context, user extensions). Ordering keys are kept, so per-key order carries over for ordered
 *       backends when the bridge runs with concurrency 1 per key (the source's lanes already ensure this).
 *   <li><b>De-duplication.</b> The bridge remembers the (source, id) pairs the target has accepted, within a window
 *       ({@link Builder#deduplicate(Duration, int)}; same key, edge and expiry rules as every bus, see
 *       {@link DeduplicationWindow}): a redelivery by the source (after a lost acknowledgement, a
 *       rebalance, a restart within the window) is acknowledged without publishing it again. What the bridge cannot
 *       see, a publish whose outcome is unknown (a timeout after which the target had in fact accepted), can still
 *       reach the target twice; subscribers on the far side that must not see it twice subscribe with
 *       {@link SubscriptionOptions.Builder#deduplicate(Duration, int)}, which filters by the same (source, id).
 * </ul>
 *
 * <p>Two bridges in opposite directions on the same topic pair would echo each event back once; bridge distinct topics
 * per direction instead.
 *
 * <p>Thread-safe. {@link #close()} ends the subscription (finishing the forward in progress); it closes neither bus.
 */
public final class EventBridge implements AutoCloseable {
    /** Default subscription group of a bridge on the source bus. */
    public static final String DEFAULT_GROUP = "scaleplane-bridge";

    private final EventBus target;
    private final String targetTopic;
    private final Duration publishTimeout;
    private final DeduplicationWindow seen;
    private final Subscription subscription;
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder failedForwards = new LongAdder();

    private EventBridge(Builder b) {
        this.target = b.target;
        this.targetTopic = b.targetTopic != null ? b.targetTopic : b.topic;
        this.publishTimeout = b.publishTimeout;
        this.seen = new DeduplicationWindow(b.dedupWindow, b.dedupMaxEntries);
        SubscriptionOptions.Builder options = SubscriptionOptions.builder(b.topic, b.group)
                .concurrency(b.concurrency)
                .retryPolicy(b.retryPolicy);
        this.subscription = b.source.subscribe(options.build(), this::forward);
    }

    /**
     * A builder for a bridge from {@code topic} of {@code source} to the same topic (or {@link Builder#targetTopic})
     * of {@code target}.
     *
     * @throws IllegalArgumentException if the topic name is invalid or both buses are the same instance with the same
     *     target topic (which would forward each event to itself)
     */
    public static Builder builder(EventBus source, String topic, EventBus target) {
        return new Builder(source, topic, target);
    }

    private void forward(Event<Object> event) throws Exception {
        String key = DeduplicationWindow.key(event);
        if (seen.seen(key, System.nanoTime())) {
            skipped.increment();
            return;
        }
        try {
            target.publish(targetTopic, event).get(publishTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            failedForwards.increment();
            Throwable cause = e.getCause();
            throw cause instanceof Exception ex ? ex : e;
        } catch (TimeoutException e) {
            failedForwards.increment();
            throw new TimeoutException("the target bus did not accept event " + event.id() + " on topic " + targetTopic
                    + " within " + publishTimeout);
        }
        seen.record(key, System.nanoTime());
        forwarded.increment();
    }

    /** Events the target accepted. */
    public long forwarded() {
        return forwarded.sum();
    }

    /** Redelivered events acknowledged without forwarding them again, because the target had accepted them. */
    public long skippedDuplicates() {
        return skipped.sum();
    }

    /** Forward attempts that failed (and were left to the source's retries). */
    public long failedForwards() {
        return failedForwards.sum();
    }

    /** Whether the bridge is forwarding. */
    public boolean isActive() {
        return subscription.isActive();
    }

    /** Ends the bridge's subscription on the source bus, after the forward in progress. Idempotent. */
    @Override
    public void close() {
        subscription.close();
    }

    /** Builds and starts an {@link EventBridge}. Not thread-safe. */
    public static final class Builder {
        private final EventBus source;
        private final String topic;
        private final EventBus target;
        private String targetTopic;
        private String group = DEFAULT_GROUP;
        private int concurrency = 1;
        private RetryPolicy retryPolicy = RetryPolicy.builder()
                .maxAttempts(Integer.MAX_VALUE)
                .exponential(Duration.ofMillis(100), 2)
                .maxDelay(Duration.ofSeconds(30))
                .build();
        private Duration publishTimeout = Duration.ofSeconds(30);
        private Duration dedupWindow = Duration.ofMinutes(10);
        private int dedupMaxEntries = 100_000;

        private Builder(EventBus source, String topic, EventBus target) {
            this.source = Objects.requireNonNull(source, "source");
            this.topic = SubscriptionOptions.checkName(topic, "topic");
            this.target = Objects.requireNonNull(target, "target");
            this.targetTopic = topic;
        }

        /** The topic on the target bus. Default: the source topic. */
        public Builder targetTopic(String targetTopic) {
            this.targetTopic = SubscriptionOptions.checkName(targetTopic, "targetTopic");
            return this;
        }

        /** The bridge's subscription group on the source bus. Default {@value EventBridge#DEFAULT_GROUP}. */
        public Builder group(String group) {
            this.group = SubscriptionOptions.checkName(group, "group");
            return this;
        }

        /** Forwards in parallel (on different ordering keys). Default 1. */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > SubscriptionOptions.MAX_CONCURRENCY) {
                throw new IllegalArgumentException("concurrency must be in [1, " + SubscriptionOptions.MAX_CONCURRENCY
                        + "], but was " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** How the source retries a failed forward. Default: practically forever, exponential from 100 ms to 30 s. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** How long one forward waits for the target to accept. Default 30 s. */
        public Builder publishTimeout(Duration publishTimeout) {
            Objects.requireNonNull(publishTimeout, "publishTimeout");
            if (publishTimeout.isNegative() || publishTimeout.isZero()) {
                throw new IllegalArgumentException("publishTimeout must be > 0, but was " + publishTimeout);
            }
            this.publishTimeout = publishTimeout;
            return this;
        }

        /** How long, and how many, accepted (source, id) pairs are remembered. Default 10 minutes, 100,000. */
        public Builder deduplicate(Duration window, int maxEntries) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("window must be > 0, but was " + window);
            }
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries must be >= 1, but was " + maxEntries);
            }
            this.dedupWindow = window;
            this.dedupMaxEntries = maxEntries;
            return this;
        }

        /**
         * Subscribes on the source and starts forwarding.
         *
         * @throws IllegalArgumentException if source and target are the same bus and topic
         * @throws dev.scaleplane.api.events.BusClosedException if the source bus is closed
         */
        public EventBridge start() {
            if (source == target && topic.equals(targetTopic)) {
                throw new IllegalArgumentException("a bridge from topic " + topic
                        + " to itself on the same bus would forward every event forever");
            }
            return new EventBridge(this);
        }
    }
}
