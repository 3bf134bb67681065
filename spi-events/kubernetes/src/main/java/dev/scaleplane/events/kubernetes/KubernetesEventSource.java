package dev.scaleplane.events.kubernetes;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.bus.DeduplicationWindow;
import dev.scaleplane.core.logging.RateLimitedLog;
import dev.scaleplane.events.kubernetes.internal.Limits;
import dev.scaleplane.events.kubernetes.internal.ResumableWatch;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches chosen Kubernetes Events across the fleet and publishes each new observation as a platform event of type
 * {@value KubernetesEventObserved#TYPE_NAME} ({@link KubernetesEventObserved}) on a topic of a bus.
 *
 * <ul>
 *   <li><b>Selection.</b> Per cluster, the Events of one namespace or of all; then by {@code type} (default
 *       {@code Warning} only), by {@code reason} (for example {@code FailedScheduling}, {@code FailedCreate} for quota
 *       denials), and by any predicate on the observation (for example: regarding an object the platform placed).
 *       Type and reason are checked in this process: the fabric8 mock the tests run on supports no field selectors
 *       on Events, and at the low rates of Events listing them all costs little.
 *   <li><b>Envelope.</b> Id {@code <cluster>/<uid>/<seriesCount>}, source {@code /scaleplane/kubernetes/<cluster>},
 *       subject {@code <Kind>/<namespace>/<name>} of the regarding object (else of the Event), the {@code cluster}
 *       extension, time the last observation.
 *   <li><b>Resume.</b> Each cluster's watch resumes from the last resourceVersion after a disconnect and lists again
 *       on 410 Gone ({@code ResumableWatch}); an unreachable cluster is retried with the reconnect policy's backoff
 *       without holding back the others.
 *   <li><b>De-duplication.</b> By (cluster, uid, series count) in the project's {@link DeduplicationWindow}: a series
 *       update (a higher count) is a new observation, a re-list or a repeated watch event is not.
 * </ul>
 *
 * <p>Publishing runs on the watch threads; a publish that fails is counted
 * ({@code scaleplane.kubernetes.source.failures}) and logged, rate-limited, and the observation is not remembered, so
 * a later re-list offers it again. Other metrics: {@code scaleplane.kubernetes.source.published},
 * {@code scaleplane.kubernetes.source.duplicates} (tag {@code cluster}).
 *
 * <p>Thread-safe. {@link #close()} stops every watch; it closes neither the bus nor the clients.
 */
public final class KubernetesEventSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesEventSource.class);

    private final EventBus bus;
    private final String topic;
    private final Set<String> types;
    private final Set<String> reasons;
    private final Predicate<KubernetesEventObserved> filter;
    private final DeduplicationWindow seen;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final MeterRegistry registry;
    private final Clock clock;
    private final RateLimitedLog log = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final ScheduledExecutorService scheduler;
    private final Map<String, ResumableWatch> watches = new LinkedHashMap<>();

    private KubernetesEventSource(Builder b) {
        this.bus = b.bus;
        this.topic = b.topic;
        this.types = Set.copyOf(b.types);
        this.reasons = Set.copyOf(b.reasons);
        this.filter = b.filter;
        this.seen = new DeduplicationWindow(b.dedupWindow, b.dedupMaxEntries);
        this.registry = b.registry;
        this.clock = b.clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scaleplane-k8s-event-source");
            t.setDaemon(true);
            return t;
        });
        Set<String> clusters = b.clusters.isEmpty() ? b.clients.clusters() : b.clusters;
        for (String cluster : clusters) {
            KubernetesClient client = b.clients
                    .client(cluster)
                    .orElseThrow(() -> new IllegalArgumentException("clusters: '" + cluster
                            + "' is not one of the FleetClients' clusters " + b.clients.clusters()));
            var events = client.events().v1().events();
            ResumableWatch watch = new ResumableWatch(
                    "Kubernetes Events in cluster " + cluster
                            + (b.namespace != null ? " namespace " + b.namespace : ""),
                    b.namespace != null ? events.inNamespace(b.namespace) : events.inAnyNamespace(),
                    new ResumableWatch.Listener() {
                        @Override
                        public void observed(io.fabric8.kubernetes.api.model.events.v1.Event event, boolean relisted) {
                            KubernetesEventSource.this.observed(cluster, event);
                        }

                        @Override
                        public void baseline(io.fabric8.kubernetes.api.model.events.v1.Event event) {
                            KubernetesEventObserved o = toObservation(cluster, event);
                            if (o != null) {
                                seen.record(key(cluster, o), System.nanoTime());
                            }
                        }
                    },
                    scheduler,
                    b.reconnect,
                    log);
            watches.put(cluster, watch);
        }
        for (ResumableWatch watch : watches.values()) {
            watch.startInBackground(b.includeExisting);
        }
    }

    /**
     * A builder publishing to {@code topic} of {@code bus}, watching the clusters of {@code clients}.
     *
     * @throws IllegalArgumentException if the topic name is invalid
     */
    public static Builder builder(FleetClients clients, EventBus bus, String topic) {
        return new Builder(clients, bus, topic);
    }

    /** Whether the watch of {@code cluster} is open. */
    public boolean isWatching(String cluster) {
        return watch(cluster).isWatching();
    }

    /** How many times {@code cluster}'s Events were listed again after a 410 Gone. */
    public long relists(String cluster) {
        return watch(cluster).relists();
    }

    /** How many times {@code cluster}'s watch was started again after a disconnect fabric8 gave up on. */
    public long restarts(String cluster) {
        return watch(cluster).restarts();
    }

    private ResumableWatch watch(String cluster) {
        ResumableWatch w = watches.get(cluster);
        if (w == null) {
            throw new IllegalArgumentException(
                    "cluster '" + cluster + "' is not watched; watched: " + watches.keySet());
        }
        return w;
    }

    private void observed(String cluster, io.fabric8.kubernetes.api.model.events.v1.Event event) {
        KubernetesEventObserved o = toObservation(cluster, event);
        if (o == null || !selected(o)) {
            return;
        }
        URI source = source(cluster);
        String id = id(cluster, o);
        String key = key(cluster, o);
        // in flight: published but not yet accepted, so not yet in the window; a copy arriving meanwhile (a watch's
        // ADDED after a list) must not be published twice
        if (seen.seen(key, System.nanoTime()) || !inFlight.add(key)) {
            registry.counter("scaleplane.kubernetes.source.duplicates", "cluster", cluster)
                    .increment();
            return;
        }
        String subject = !o.regardingKind().isEmpty() && !o.regardingName().isEmpty()
                ? o.regardingKind() + "/" + (o.regardingNamespace().isEmpty() ? "" : o.regardingNamespace() + "/")
                        + o.regardingName()
                : "Event/" + o.namespace() + "/" + o.name();
        Event<KubernetesEventObserved> envelope = Event.builder(KubernetesEventObserved.TYPE, o)
                .id(id)
                .source(source)
                .subject(subject)
                .cluster(cluster)
                .time(o.observedAt() != null ? o.observedAt() : clock.instant())
                .build();
        try {
            bus.publish(topic, envelope).whenComplete((receipt, failure) -> {
                if (failure == null) {
                    seen.record(key, System.nanoTime());
                    inFlight.remove(key);
                    registry.counter("scaleplane.kubernetes.source.published", "cluster", cluster)
                            .increment();
                } else {
                    inFlight.remove(key);
                    publishFailed(cluster, id, failure);
                }
            });
        } catch (RuntimeException e) {
            inFlight.remove(key);
            publishFailed(cluster, id, e);
        }
    }

    private static URI source(String cluster) {
        return URI.create("/scaleplane/kubernetes/" + cluster);
    }

    private static String id(String cluster, KubernetesEventObserved o) {
        return cluster + "/" + o.uid() + "/" + o.seriesCount();
    }

    private static String key(String cluster, KubernetesEventObserved o) {
        return DeduplicationWindow.key(source(cluster), id(cluster, o));
    }

    private void publishFailed(String cluster, String id, Throwable failure) {
        registry.counter("scaleplane.kubernetes.source.failures", "cluster", cluster)
                .increment();
        log.warn(
                "publish/" + cluster,
                "publishing Kubernetes Event {} to topic {} failed: {}",
                id,
                topic,
                failure.toString());
    }

    private boolean selected(KubernetesEventObserved o) {
        if (!types.isEmpty() && !types.contains(o.type())) {
            return false;
        }
        if (!reasons.isEmpty() && !reasons.contains(o.reason())) {
            return false;
        }
        try {
            return filter.test(o);
        } catch (RuntimeException e) {
            log.warn("filter", "the source's filter failed on Event {}/{}", o.namespace(), o.name(), e);
            return false;
        }
    }

    /** The observation of {@code event} in {@code cluster}, or {@code null} if it lacks a name or uid. */
    static @Nullable KubernetesEventObserved toObservation(
            String cluster, io.fabric8.kubernetes.api.model.events.v1.Event event) {
        ObjectMeta meta = event.getMetadata();
        if (meta == null || meta.getName() == null || meta.getUid() == null) {
            return null;
        }
        ObjectReference regarding = event.getRegarding();
        int count = event.getSeries() != null && event.getSeries().getCount() != null
                ? Math.max(1, event.getSeries().getCount())
                : 1;
        Instant at =
                event.getSeries() != null ? Limits.instant(event.getSeries().getLastObservedTime()) : null;
        if (at == null) {
            at = Limits.instant(event.getEventTime());
        }
        if (at == null && meta.getCreationTimestamp() != null) {
            at = Limits.instant(new io.fabric8.kubernetes.api.model.MicroTime(meta.getCreationTimestamp()));
        }
        return new KubernetesEventObserved(
                cluster,
                text(meta.getNamespace()),
                meta.getName(),
                meta.getUid(),
                event.getType() != null ? event.getType() : "Normal",
                text(event.getReason()),
                text(event.getAction()),
                text(event.getNote()),
                regarding != null ? text(regarding.getKind()) : "",
                regarding != null ? text(regarding.getNamespace()) : "",
                regarding != null ? text(regarding.getName()) : "",
                text(event.getReportingController()),
                count,
                at);
    }

    private static String text(@Nullable String s) {
        return s != null ? s : "";
    }

    /** Stops every watch. Idempotent. */
    @Override
    public void close() {
        for (ResumableWatch watch : watches.values()) {
            watch.close();
        }
        scheduler.shutdownNow();
    }

    @Override
    public String toString() {
        return "KubernetesEventSource{topic=" + topic + ", watches=" + watches.values() + '}';
    }

    /** Builds a {@link KubernetesEventSource}; setters validate their argument. Not thread-safe. */
    public static final class Builder {
        private final FleetClients clients;
        private final EventBus bus;
        private final String topic;
        private final Set<String> clusters = new LinkedHashSet<>();
        private @Nullable String namespace;
        private Set<String> types = Set.of("Warning");
        private Set<String> reasons = Set.of();
        private Predicate<KubernetesEventObserved> filter = o -> true;
        private boolean includeExisting;
        private Duration dedupWindow = Duration.ofHours(2);
        private int dedupMaxEntries = 100_000;
        private RetryPolicy reconnect = RetryPolicy.builder()
                .maxAttempts(Integer.MAX_VALUE)
                .exponential(Duration.ofMillis(500), 2)
                .maxDelay(Duration.ofSeconds(30))
                .build();
        private MeterRegistry registry = new SimpleMeterRegistry();
        private Clock clock = Clock.systemUTC();

        private Builder(FleetClients clients, EventBus bus, String topic) {
            this.clients = Objects.requireNonNull(clients, "clients");
            this.bus = Objects.requireNonNull(bus, "bus");
            this.topic = SubscriptionOptions.checkName(topic, "topic");
        }

        /** Watches only these clusters. Default: every cluster of the clients. */
        public Builder clusters(String... names) {
            clusters.clear();
            for (String n : names) {
                clusters.add(Objects.requireNonNull(n, "cluster"));
            }
            return this;
        }

        /** Watches one namespace instead of all. */
        public Builder namespace(String namespace) {
            Objects.requireNonNull(namespace, "namespace");
            if (namespace.isBlank()) {
                throw new IllegalArgumentException("namespace must not be empty");
            }
            this.namespace = namespace;
            return this;
        }

        /** Event types ({@code Normal}, {@code Warning}) to publish; none means every type. Default Warning. */
        public Builder types(String... eventTypes) {
            this.types = Set.copyOf(List.of(eventTypes));
            return this;
        }

        /** Reasons to publish, e.g. {@code FailedScheduling}; none (the default) means every reason. */
        public Builder reasons(String... eventReasons) {
            this.reasons = Set.copyOf(List.of(eventReasons));
            return this;
        }

        /** Publishes only observations that pass {@code filter} as well (e.g. regarding placed objects). */
        public Builder filter(Predicate<KubernetesEventObserved> filter) {
            this.filter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /** Whether Events that exist when a watch starts are published too. Default false: only new ones. */
        public Builder includeExisting(boolean include) {
            this.includeExisting = include;
            return this;
        }

        /**
         * How long and how many observations are remembered for de-duplication. Default 2 h (Events live about an
         * hour) and 100,000.
         *
         * @throws IllegalArgumentException if the window is not positive or {@code maxEntries < 1}
         */
        public Builder deduplicate(Duration window, int maxEntries) {
            new DeduplicationWindow(window, maxEntries); // validates, with the window's own messages
            this.dedupWindow = window;
            this.dedupMaxEntries = maxEntries;
            return this;
        }

        /** Delays between attempts to start a watch again; attempts never run out. Default 0.5 s doubling to 30 s. */
        public Builder reconnect(RetryPolicy policy) {
            this.reconnect = Objects.requireNonNull(policy, "reconnect");
            return this;
        }

        /** Where the metrics go. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** The clock for Events that carry no time. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the source and starts its watches in the background.
         *
         * @throws IllegalArgumentException if a chosen cluster is not one of the clients' clusters
         */
        public KubernetesEventSource build() {
            return new KubernetesEventSource(this);
        }
    }
}
