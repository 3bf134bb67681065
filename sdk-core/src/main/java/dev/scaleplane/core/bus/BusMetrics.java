package dev.scaleplane.core.bus;

import dev.scaleplane.api.events.DeadLetter;
import dev.scaleplane.core.logging.RateLimitedLog;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meters every event bus backend publishes, with one naming scheme. Tags: {@code backend}, {@code topic} and,
 * for consumer-side meters, {@code group}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>{@value #PUBLISHED}</td><td>counter</td><td>events accepted by publish</td></tr>
 *   <tr><td>{@value #PUBLISH_FAILED}</td><td>counter</td><td>publishes that failed (timeout, closed, broker)</td></tr>
 *   <tr><td>{@value #DELIVERED}</td><td>counter</td><td>events a handler handled successfully</td></tr>
 *   <tr><td>{@value #FAILED}</td><td>counter</td><td>handler attempts that threw</td></tr>
 *   <tr><td>{@value #RETRIED}</td><td>counter</td><td>retries scheduled after a failed attempt</td></tr>
 *   <tr><td>{@value #DEAD_LETTERED}</td><td>counter</td><td>events sent to the dead-letter destination, tag
 *       {@code reason}</td></tr>
 *   <tr><td>{@value #DEDUPLICATED}</td><td>counter</td><td>duplicates acknowledged without calling the
 *       handler</td></tr>
 *   <tr><td>{@value #IN_FLIGHT}</td><td>gauge</td><td>events accepted for the group and not yet acknowledged</td></tr>
 *   <tr><td>{@value #LATENCY}</td><td>timer</td><td>publish to successful handling, p50/p95/p99</td></tr>
 * </table>
 *
 * <p>Counters are Micrometer {@link FunctionCounter}s over a {@link LongAdder} ({@link Count}): Micrometer's own
 * {@code Counter} adds doubles with a compare-and-swap loop, which measurably slowed publishers that share a topic.
 * Registries export both kinds identically; in Java, find them with {@code registry.find(name).functionCounters()}.
 *
 * <p>Thread-safe. Meters are created once per topic or group and cached; the hot path only increments.
 */
public final class BusMetrics {
    /** Events accepted by publish. */
    public static final String PUBLISHED = "scaleplane.events.published";
    /** Publishes that failed. */
    public static final String PUBLISH_FAILED = "scaleplane.events.publish.failed";
    /** Events handled successfully. */
    public static final String DELIVERED = "scaleplane.events.delivered";
    /** Handler attempts that threw. */
    public static final String FAILED = "scaleplane.events.failed";
    /** Retries scheduled. */
    public static final String RETRIED = "scaleplane.events.retried";
    /** Events dead-lettered. */
    public static final String DEAD_LETTERED = "scaleplane.events.dead_lettered";
    /** Duplicates skipped. */
    public static final String DEDUPLICATED = "scaleplane.events.deduplicated";
    /** Accepted, not yet acknowledged. */
    public static final String IN_FLIGHT = "scaleplane.events.in_flight";
    /** Publish-to-handled latency. */
    public static final String LATENCY = "scaleplane.events.latency";

    private final MeterRegistry registry;
    private final String backend;
    private final Map<String, Count> published = new ConcurrentHashMap<>();
    private final Map<String, Count> publishFailed = new ConcurrentHashMap<>();

    /** Creates the metrics of one bus. */
    public BusMetrics(MeterRegistry registry, String backend) {
        this.registry = registry;
        this.backend = backend;
    }

    /** The registry meters are registered in. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The published counter of a topic. */
    public Count published(String topic) {
        Count count = published.get(topic); // plain get first: the hot path almost always hits
        if (count != null) {
            return count;
        }
        return published.computeIfAbsent(
                topic, t -> new Count(PUBLISHED, "Events accepted by publish", "backend", backend, "topic", t));
    }

    /** The publish-failed counter of a topic. */
    public Count publishFailed(String topic) {
        return publishFailed.computeIfAbsent(
                topic,
                t -> new Count(PUBLISH_FAILED, "Publishes that were not accepted", "backend", backend, "topic", t));
    }

    /**
     * Creates (or finds) the meters of one subscription group.
     *
     * @param inFlight reads the group's in-flight count; held weakly by Micrometer's gauge, so keep it referenced
     */
    public Group group(String topic, String group, Supplier<Number> inFlight) {
        return new Group(topic, group, inFlight);
    }

    /** The shortest time between two lines about failed attempts of one subscription. */
    static final long FAILURE_LOG_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger("dev.scaleplane.events");

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getName() + (message == null ? "" : ": " + message);
    }

    /** The meters of one subscription group, and its failure log. Thread-safe. */
    public final class Group {
        private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofSeconds(FAILURE_LOG_SECONDS));
        private final RateLimitedLog deadLetters = new RateLimitedLog(LOG, Duration.ofSeconds(1));

        /** Events handled successfully. */
        public final Count delivered;
        /** Handler attempts that threw. */
        public final Count failed;
        /** Retries scheduled. */
        public final Count retried;
        /** Duplicates skipped. */
        public final Count deduplicated;
        /** Publish to handled. */
        public final Timer latency;

        private final Map<DeadLetter.Reason, Count> deadLettered = new EnumMap<>(DeadLetter.Reason.class);
        private final Gauge inFlightGauge;
        private final String topic;
        private final String group;

        private Group(String topic, String group, Supplier<Number> inFlight) {
            this.topic = topic;
            this.group = group;
            String[] tags = {"backend", backend, "topic", topic, "group", group};
            delivered = new Count(DELIVERED, "Events handled successfully", tags);
            failed = new Count(FAILED, "Handler attempts that threw", tags);
            retried = new Count(RETRIED, "Retries scheduled after a failed attempt", tags);
            deduplicated = new Count(DEDUPLICATED, "Duplicates acknowledged without calling the handler", tags);
            latency = Timer.builder(LATENCY)
                    .description("Time from publish to successful handling")
                    .tags(tags)
                    .publishPercentiles(0.5, 0.95, 0.99)
                    .distributionStatisticExpiry(Duration.ofMinutes(1))
                    .register(registry);
            for (DeadLetter.Reason reason : DeadLetter.Reason.values()) {
                String[] withReason = java.util.Arrays.copyOf(tags, tags.length + 2);
                withReason[tags.length] = "reason";
                withReason[tags.length + 1] = reason.name();
                deadLettered.put(
                        reason, new Count(DEAD_LETTERED, "Events sent to the dead-letter destination", withReason));
            }
            inFlightGauge = Gauge.builder(IN_FLIGHT, inFlight)
                    .tags(tags)
                    .strongReference(true)
                    .register(registry);
        }

        /** The dead-lettered counter for one reason. */
        public Count deadLettered(DeadLetter.Reason reason) {
            return deadLettered.get(reason);
        }

        /**
         * Records a handler attempt that threw: counts it ({@link #failed}, and {@link #retried} when another attempt
         * follows) and logs a WARN naming the subscription, the event's id and type, the attempt and the failure (its
         * class and message, never the payload), at most one line per subscription every {@value
         * #FAILURE_LOG_SECONDS} s with the number held back. Every backend calls it, so every bus logs alike.
         *
         * @param retrying whether another attempt follows; a final failure is then reported by {@link #deadLettered(
         *     DeadLetter.Reason, String, String, int, Throwable)}
         */
        public void handlerFailed(String eventId, String eventType, int attempt, Throwable failure, boolean retrying) {
            failed.increment();
            if (retrying) {
                retried.increment();
            }
            failures.warn(
                    "failed",
                    "{} bus: the handler of group '{}' on topic '{}' failed on event {} ({}), attempt {}{}: {}",
                    backend,
                    group,
                    topic,
                    eventId,
                    eventType,
                    attempt,
                    retrying ? ", retrying" : "",
                    describe(failure));
        }

        /**
         * Records a dead-lettered event: counts it by reason and logs an ERROR with the reason, the event's id and type,
         * the attempts and the last failure with its stack trace (never the payload), at most one line per
         * subscription and reason every second with the number held back.
         *
         * @param failure the last failure, or null when none caused it (e.g. an event that could not be decoded)
         */
        public void deadLettered(
                DeadLetter.Reason reason, String eventId, String eventType, int attempts, @Nullable Throwable failure) {
            deadLettered.get(reason).increment();
            if (failure != null) {
                deadLetters.error(
                        reason.name(),
                        "{} bus: event {} ({}) of group '{}' on topic '{}' was dead-lettered ({}) after {} attempt(s):"
                                + " {}",
                        backend,
                        eventId,
                        eventType,
                        group,
                        topic,
                        reason,
                        attempts,
                        describe(failure),
                        failure);
            } else {
                deadLetters.error(
                        reason.name(),
                        "{} bus: event {} ({}) of group '{}' on topic '{}' was dead-lettered ({}) after {} attempt(s)",
                        backend,
                        eventId,
                        eventType,
                        group,
                        topic,
                        reason,
                        attempts);
            }
        }

        /** Removes this group's meters, e.g. when the group ends. */
        public void remove() {
            delivered.remove();
            failed.remove();
            retried.remove();
            deduplicated.remove();
            registry.remove(latency);
            registry.remove(inFlightGauge);
            deadLettered.values().forEach(Count::remove);
        }
    }

    /** A monotonic count registered as a {@link FunctionCounter}. Thread-safe; {@link #increment()} is lock-free. */
    public final class Count {
        private final LongAdder adder = new LongAdder();
        private final FunctionCounter meter;

        private Count(String name, String description, String... tags) {
            meter = FunctionCounter.builder(name, adder, LongAdder::doubleValue)
                    .description(description)
                    .tags(tags)
                    .register(registry);
        }

        /** Adds one. */
        public void increment() {
            adder.increment();
        }

        /** Adds {@code n}, for a caller that counts a run of events locally and reports it at once. */
        public void add(long n) {
            adder.add(n);
        }

        /** The current count. */
        public long count() {
            return adder.sum();
        }

        void remove() {
            registry.remove(meter);
        }
    }
}
