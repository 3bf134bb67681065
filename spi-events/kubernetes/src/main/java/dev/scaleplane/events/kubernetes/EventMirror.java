package dev.scaleplane.events.kubernetes;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.orchestration.TaskRateLimit;
import dev.scaleplane.events.kubernetes.internal.Limits;
import dev.scaleplane.events.kubernetes.internal.MirrorEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes chosen platform events as events.k8s.io/v1 Events on the objects they concern, in the clusters they concern,
 * so that {@code kubectl describe} and {@code kubectl events} show what the platform did.
 *
 * <h2>What is written</h2>
 *
 * <ul>
 *   <li><b>Where.</b> The cluster is the event's {@code cluster} extension. The object ({@code regarding}) is, by
 *       default ({@link #defaultTarget(Event)}): the extensions {@code regardingkind}, {@code regardingname} and
 *       optionally {@code regardingnamespace} and {@code regardingapiversion}; else a subject of the form
 *       {@code Kind/namespace/name} or {@code Kind/name}. {@link Builder#target(Function)} replaces that rule (for
 *       example: a deployment event concerns the Deployment named after its application). Events with no target or
 *       an unknown cluster are dropped and counted ({@code reason=unroutable}, {@code unknown-cluster}).
 *   <li><b>Fields.</b> {@code reportingController} and {@code reportingInstance} from the builder; {@code reason}
 *       and {@code action} from the event type ({@link #reason(String)}, {@link #action(String)}); {@code type}
 *       {@code Warning} for failure-like types ({@link #isWarningType(String)}), else {@code Normal}; a {@code note}
 *       summary (type, id, subject, payload) cut to 1 kB of UTF-8 at a character boundary; short fields cut to 128
 *       bytes. The CloudEvent id, type and source are in the annotations {@value MirrorEngine#ID_ANNOTATION},
 *       {@value MirrorEngine#TYPE_ANNOTATION} and {@value MirrorEngine#SOURCE_ANNOTATION} (the latest one for a
 *       series).
 *   <li><b>Series.</b> Repeats are aggregated as client-go's event recorder does: events with the same cluster,
 *       regarding object, type, reason, action, reporting controller and instance within {@link
 *       Builder#seriesWindow(Duration)} of the previous one update the first Event's {@code series.count} and
 *       {@code series.lastObservedTime} (a JSON merge patch) instead of creating a new one.
 *   <li><b>Rate limit.</b> Writes to each cluster go through a token bucket ({@link Builder#rateLimit}, the
 *       counterpart of client-go's spam filter). A write over the limit is dropped and counted
 *       ({@code reason=rate-limited}); a repeat still counts in its series, so the next write carries the true count.
 *   <li><b>Failures.</b> A failed write is retried per {@link Builder#retryPolicy(RetryPolicy)} (only errors that a
 *       repeat can cure: no answer, 408, 409 for a series patch, 429, 5xx), then counted as failed and logged,
 *       rate-limited.
 *   <li><b>Never blocks.</b> {@link #offer(Event)} only enqueues into a bounded queue and returns; when the queue is
 *       full the event is dropped, counted ({@code reason=queue-full}) and logged, rate-limited. One worker thread
 *       writes; an unreachable apiserver slows only that thread.
 * </ul>
 *
 * <h2>Metrics</h2>
 *
 * {@code scaleplane.kubernetes.mirror.writes} (tags {@code cluster}, {@code result=created|series}),
 * {@code scaleplane.kubernetes.mirror.retries} and {@code scaleplane.kubernetes.mirror.failures} (tag
 * {@code cluster}), {@code scaleplane.kubernetes.mirror.dropped} (tag {@code reason}) and the gauge
 * {@code scaleplane.kubernetes.mirror.queued}.
 *
 * <p>Thread-safe. {@link #close()} stops intake, lets the worker finish what is queued for up to the drain timeout
 * and does not close the cluster clients.
 */
public final class EventMirror implements AutoCloseable {

    /** Default {@code reportingController}. */
    public static final String DEFAULT_REPORTING_CONTROLLER = "scaleplane.dev/platform";

    /** Default queue capacity: events waiting to be written. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;

    /** Default series window, as client-go's: 6 minutes. */
    public static final Duration DEFAULT_SERIES_WINDOW = Duration.ofMinutes(6);

    /** Default number of open series remembered (client-go's LRU size). */
    public static final int DEFAULT_SERIES_CACHE = 4096;

    /** Default subscription group of {@link #attach(EventBus, String)}. */
    public static final String DEFAULT_GROUP = "scaleplane-kubernetes-mirror";

    private static final Pattern SUBJECT = Pattern.compile("([A-Z][A-Za-z0-9]*)/(?:([a-z0-9.-]+)/)?([a-z0-9.:-]+)");

    private final MirrorEngine engine;

    private EventMirror(Builder b) {
        this.engine = new MirrorEngine(new MirrorEngine.Settings(
                b.clients,
                b.selector,
                b.target,
                b.reportingController,
                b.reportingInstance,
                b.queueCapacity,
                b.rateLimit,
                b.retryPolicy,
                b.seriesWindow,
                b.seriesCache,
                b.drainTimeout,
                b.registry,
                b.clock));
    }

    /** A builder writing to the clusters of {@code clients}. */
    public static Builder builder(FleetClients clients) {
        return new Builder(clients);
    }

    /**
     * Queues {@code event} for mirroring if the selector chooses it. Never blocks and never throws for a full queue
     * or an unreachable cluster: those are counted and logged.
     *
     * @return whether the event was queued (false: not selected, mirror closed, or queue full)
     */
    public boolean offer(Event<?> event) {
        return engine.offer(Objects.requireNonNull(event, "event"));
    }

    /**
     * Subscribes the mirror to {@code topic} of {@code bus} in group {@value #DEFAULT_GROUP}: every event the
     * selector chooses is offered. The handler never fails and never waits for the apiserver, so the mirror never
     * holds back the bus. Close the returned subscription (or the bus) to stop.
     */
    public Subscription attach(EventBus bus, String topic) {
        return attach(bus, SubscriptionOptions.of(topic, DEFAULT_GROUP));
    }

    /** As {@link #attach(EventBus, String)}, with the given options (group, concurrency). */
    public Subscription attach(EventBus bus, SubscriptionOptions options) {
        return bus.subscribe(options, event -> engine.offer(event));
    }

    /** Events waiting to be written. */
    public int queued() {
        return engine.queued();
    }

    /** Stops intake, writes what is queued (up to the drain timeout), stops the worker. Idempotent. */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return engine.toString();
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Mapping rules (public so users can build on them)
    // ----------------------------------------------------------------------------------------------------------------

    /**
     * The default target rule (see the class comment): the {@code regarding*} extensions, else a subject
     * {@code Kind/namespace/name} or {@code Kind/name}, in the event's {@code cluster}. Empty when the event has no
     * cluster or names no object.
     */
    public static Optional<MirrorTarget> defaultTarget(Event<?> event) {
        String cluster = event.cluster();
        if (cluster == null) {
            return Optional.empty();
        }
        Map<String, String> ext = event.extensions();
        String kind = ext.get("regardingkind");
        String name = ext.get("regardingname");
        if (kind != null && name != null) {
            return Optional.of(new MirrorTarget(
                    cluster, ext.getOrDefault("regardingapiversion", ""), kind, ext.get("regardingnamespace"), name));
        }
        String subject = event.subject();
        if (subject != null) {
            Matcher m = SUBJECT.matcher(subject);
            if (m.matches()) {
                return Optional.of(new MirrorTarget(cluster, "", m.group(1), m.group(2), m.group(3)));
            }
        }
        return Optional.empty();
    }

    /**
     * The {@code reason} for an event type: its words after {@code dev.scaleplane.} and before the version, in
     * UpperCamelCase, cut to 128 bytes. {@code dev.scaleplane.deployment.rolled-back.v1} gives
     * {@code DeploymentRolledBack}; {@code com.example.build.done} gives {@code ComExampleBuildDone}.
     */
    public static String reason(String eventType) {
        return Limits.truncateUtf8(camel(words(eventType)), Limits.MAX_SHORT_FIELD);
    }

    /**
     * The {@code action} for an event type: its first word (the subject area) in UpperCamelCase, cut to 128 bytes.
     * {@code dev.scaleplane.deployment.completed.v1} gives {@code Deployment}.
     */
    public static String action(String eventType) {
        List<String> words = words(eventType);
        return Limits.truncateUtf8(camel(words.isEmpty() ? List.of("event") : words.subList(0, 1)), 128);
    }

    /**
     * Whether an event type is mirrored as a {@code Warning}: its last word (before the version) is one of
     * {@code failed}, {@code exceeded}, {@code violation}, {@code violated}, {@code depleted}, {@code rolled-back}, {@code
     * denied}.
     */
    public static boolean isWarningType(String eventType) {
        List<String> words = words(eventType);
        if (words.isEmpty()) {
            return false;
        }
        String last = words.get(words.size() - 1).toLowerCase(Locale.ROOT).replace("-", "");
        return switch (last) {
            case "failed", "exceeded", "violation", "violated", "depleted", "rolledback", "denied" -> true;
            default -> false;
        };
    }

    private static List<String> words(String eventType) {
        String t = eventType;
        if (t.startsWith("dev.scaleplane.")) {
            t = t.substring("dev.scaleplane.".length());
        }
        t = t.replaceFirst("\\.v[0-9]+$", "");
        List<String> words = new ArrayList<>();
        for (String w : t.split("[.]")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }

    private static String camel(List<String> words) {
        StringBuilder out = new StringBuilder();
        for (String w : words) {
            for (String part : w.split("[-_]")) {
                if (!part.isEmpty()) {
                    out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
                }
            }
        }
        return out.length() == 0 ? "Event" : out.toString();
    }

    private static String defaultInstance() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return Limits.truncateUtf8("scaleplane-" + host, Limits.MAX_SHORT_FIELD);
    }

    /** Builds an {@link EventMirror}; setters validate their argument. Not thread-safe. */
    public static final class Builder {
        private final FleetClients clients;
        private Predicate<Event<?>> selector = e -> true;
        private Function<Event<?>, Optional<MirrorTarget>> target = EventMirror::defaultTarget;
        private String reportingController = DEFAULT_REPORTING_CONTROLLER;
        private String reportingInstance = defaultInstance();
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private TaskRateLimit rateLimit = TaskRateLimit.of(25, Duration.ofSeconds(5));
        private RetryPolicy retryPolicy = RetryPolicy.builder()
                .maxAttempts(5)
                .exponential(Duration.ofMillis(200), 2)
                .maxDelay(Duration.ofSeconds(5))
                .build();
        private Duration seriesWindow = DEFAULT_SERIES_WINDOW;
        private int seriesCache = DEFAULT_SERIES_CACHE;
        private Duration drainTimeout = Duration.ofSeconds(10);
        private MeterRegistry registry = new SimpleMeterRegistry();
        private Clock clock = Clock.systemUTC();

        private Builder(FleetClients clients) {
            this.clients = Objects.requireNonNull(clients, "clients");
        }

        /**
         * Mirrors only events of these types. A pattern ending in {@code *} is a prefix
         * ({@code dev.scaleplane.deployment.*} is every deployment event); others are exact type names. Calling it
         * again replaces the selection. Default: every event.
         *
         * @throws IllegalArgumentException if no pattern is given or one is empty
         */
        public Builder types(String... patterns) {
            if (patterns.length == 0) {
                throw new IllegalArgumentException(
                        "types needs at least one pattern, e.g. dev.scaleplane.deployment.*");
            }
            List<Predicate<String>> matchers = new ArrayList<>();
            for (String p : patterns) {
                Objects.requireNonNull(p, "pattern");
                if (p.isEmpty() || p.equals("*")) {
                    if (p.isEmpty()) {
                        throw new IllegalArgumentException("a type pattern must not be empty");
                    }
                    matchers.add(t -> true);
                } else if (p.endsWith("*")) {
                    String prefix = p.substring(0, p.length() - 1);
                    matchers.add(t -> t.startsWith(prefix));
                } else {
                    matchers.add(p::equals);
                }
            }
            this.selector = e -> matchers.stream().anyMatch(m -> m.test(e.type()));
            return this;
        }

        /** Mirrors only events that pass {@code selector} (replaces {@link #types}). */
        public Builder select(Predicate<Event<?>> selector) {
            this.selector = Objects.requireNonNull(selector, "selector");
            return this;
        }

        /** Where an event is written; default {@link EventMirror#defaultTarget(Event)}. */
        public Builder target(Function<Event<?>, Optional<MirrorTarget>> target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /**
         * The {@code reportingController}, e.g. {@code example.com/deployer}. Default {@value
         * EventMirror#DEFAULT_REPORTING_CONTROLLER}.
         *
         * @throws IllegalArgumentException if empty or longer than 128 bytes
         */
        public Builder reportingController(String controller) {
            this.reportingController = shortField(controller, "reportingController");
            return this;
        }

        /**
         * The {@code reportingInstance}, e.g. the pod name. Default {@code scaleplane-<hostname>}.
         *
         * @throws IllegalArgumentException if empty or longer than 128 bytes
         */
        public Builder reportingInstance(String instance) {
            this.reportingInstance = shortField(instance, "reportingInstance");
            return this;
        }

        /**
         * Events waiting to be written at most; more are dropped. Default {@value
         * EventMirror#DEFAULT_QUEUE_CAPACITY}.
         *
         * @throws IllegalArgumentException if not in [1, 1000000]
         */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1 || capacity > 1_000_000) {
                throw new IllegalArgumentException("queueCapacity must be in [1, 1000000], but was " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /** Writes per cluster: a token bucket. Default 25 per 5 s (bursts of 25, then 5 a second). */
        public Builder rateLimit(TaskRateLimit limit) {
            this.rateLimit = Objects.requireNonNull(limit, "rateLimit");
            return this;
        }

        /** Retries of a failed write. Default 5 attempts, exponential from 200 ms, at most 5 s apart. */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
            return this;
        }

        /**
         * How long after its last occurrence a repeat still joins a series. Default 6 minutes.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder seriesWindow(Duration window) {
            Objects.requireNonNull(window, "seriesWindow");
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("seriesWindow must be > 0, but was " + window);
            }
            this.seriesWindow = window;
            return this;
        }

        /**
         * Open series remembered at most (least recently used forgotten first). Default {@value
         * EventMirror#DEFAULT_SERIES_CACHE}.
         *
         * @throws IllegalArgumentException if {@code < 1}
         */
        public Builder seriesCache(int entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("seriesCache must be >= 1, but was " + entries);
            }
            this.seriesCache = entries;
            return this;
        }

        /**
         * How long {@link EventMirror#close()} lets the worker write what is queued. Default 10 s.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder drainTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "drainTimeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout must be >= 0, but was " + timeout);
            }
            this.drainTimeout = timeout;
            return this;
        }

        /** Where the metrics go. Default a private {@link SimpleMeterRegistry}. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** The clock of event times, series windows and the rate limit. Default the UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Builds and starts the mirror. */
        public EventMirror build() {
            return new EventMirror(this);
        }

        private static String shortField(String value, String field) {
            Objects.requireNonNull(value, field);
            if (value.isBlank() || Limits.utf8Length(value) > Limits.MAX_SHORT_FIELD) {
                throw new IllegalArgumentException(field + " must be 1-" + Limits.MAX_SHORT_FIELD
                        + " bytes of UTF-8, but was '" + value + "' (" + Limits.utf8Length(value) + " bytes)");
            }
            return value;
        }
    }
}
