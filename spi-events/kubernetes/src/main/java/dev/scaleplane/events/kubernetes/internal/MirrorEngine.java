package dev.scaleplane.events.kubernetes.internal;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.orchestration.TaskRateLimit;
import dev.scaleplane.core.logging.RateLimitedLog;
import dev.scaleplane.core.orchestration.support.TokenBucket;
import dev.scaleplane.events.kubernetes.EventMirror;
import dev.scaleplane.events.kubernetes.FleetClients;
import dev.scaleplane.events.kubernetes.MirrorTarget;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker behind {@link EventMirror}: a bounded queue, one writer thread, series aggregation, a token bucket per
 * cluster and retries on a scheduler. The series cache and buckets are confined to the writer thread.
 */
public final class MirrorEngine implements AutoCloseable {
    /** Annotation holding the (latest) CloudEvent id. */
    public static final String ID_ANNOTATION = "scaleplane.dev/cloudevent-id";

    /** Annotation holding the CloudEvent type. */
    public static final String TYPE_ANNOTATION = "scaleplane.dev/cloudevent-type";

    /** Annotation holding the CloudEvent source. */
    public static final String SOURCE_ANNOTATION = "scaleplane.dev/cloudevent-source";

    private static final Logger LOG = LoggerFactory.getLogger(EventMirror.class);

    /** What the mirror was built with. */
    public record Settings(
            FleetClients clients,
            Predicate<Event<?>> selector,
            Function<Event<?>, Optional<MirrorTarget>> target,
            String reportingController,
            String reportingInstance,
            int queueCapacity,
            TaskRateLimit rateLimit,
            RetryPolicy retryPolicy,
            Duration seriesWindow,
            int seriesCache,
            Duration drainTimeout,
            MeterRegistry registry,
            Clock clock) {}

    private final Settings settings;
    private final BlockingQueue<Work> queue;
    private final Thread worker;
    private final ScheduledExecutorService retries;
    private final RateLimitedLog log;
    private final MeterRegistry registry;
    private final AtomicLong nameSequence = new AtomicLong();
    private volatile boolean closed;
    // confined to the worker thread
    private final Map<String, TokenBucket> buckets = new HashMap<>();
    private final LinkedHashMap<String, Series> series;

    public MirrorEngine(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.registry = settings.registry();
        this.log = new RateLimitedLog(LOG, Duration.ofSeconds(30));
        int maxSeries = settings.seriesCache();
        this.series = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Series> eldest) {
                return size() > maxSeries;
            }
        };
        registry.gauge("scaleplane.kubernetes.mirror.queued", queue, BlockingQueue::size);
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scaleplane-k8s-mirror-retry");
            t.setDaemon(true);
            return t;
        });
        this.worker = new Thread(this::run, "scaleplane-k8s-mirror");
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues a selected event; see {@link EventMirror#offer(Event)}. */
    public boolean offer(Event<?> event) {
        if (closed) {
            return false;
        }
        boolean selected;
        try {
            selected = settings.selector().test(event);
        } catch (RuntimeException e) {
            log.warn("selector", "the mirror's selector failed on event {} of type {}", event.id(), event.type(), e);
            return false;
        }
        if (!selected) {
            return false;
        }
        return enqueue(new Work(event, null, 1));
    }

    /** Events waiting to be written. */
    public int queued() {
        return queue.size();
    }

    private boolean enqueue(Work work) {
        if (queue.offer(work)) {
            return true;
        }
        dropped("queue-full");
        log.warn(
                "queue-full",
                "the Kubernetes Events mirror queue is full ({} events); dropped event {} of type {}",
                settings.queueCapacity(),
                work.event.id(),
                work.event.type());
        return false;
    }

    private void run() {
        long drainDeadline = Long.MAX_VALUE;
        while (true) {
            if (closed && drainDeadline == Long.MAX_VALUE) {
                drainDeadline = System.nanoTime() + settings.drainTimeout().toNanos();
            }
            if (closed && (queue.isEmpty() || System.nanoTime() - drainDeadline >= 0)) {
                int left = queue.size();
                if (left > 0) {
                    queue.clear();
                    registry.counter("scaleplane.kubernetes.mirror.dropped", "reason", "closed")
                            .increment(left);
                    LOG.warn("Kubernetes Events mirror closed with {} events not written (drain timeout)", left);
                }
                return;
            }
            Work work;
            try {
                work = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (work == null) {
                continue;
            }
            try {
                if (work.write == null) {
                    process(work.event);
                } else {
                    execute(work.write, work.event, work.attempt);
                }
            } catch (RuntimeException e) {
                log.warn("unexpected", "the Kubernetes Events mirror failed on event {}", work.event.id(), e);
            }
        }
    }

    private void process(Event<?> event) {
        Optional<MirrorTarget> resolved;
        try {
            resolved = settings.target().apply(event);
        } catch (RuntimeException e) {
            log.warn("target", "the mirror's target rule failed on event {} of type {}", event.id(), event.type(), e);
            resolved = Optional.empty();
        }
        if (resolved.isEmpty()) {
            dropped("unroutable");
            log.warn(
                    "unroutable/" + event.type(),
                    "event {} of type {} names no cluster or object to mirror on (set the cluster extension and a"
                            + " subject Kind/namespace/name or the regardingkind/regardingname extensions)",
                    event.id(),
                    event.type());
            return;
        }
        MirrorTarget target = resolved.get();
        if (settings.clients().client(target.cluster()).isEmpty()) {
            dropped("unknown-cluster");
            log.warn(
                    "unknown-cluster/" + target.cluster(),
                    "event {} concerns cluster '{}', which the mirror's FleetClients do not know; known: {}",
                    event.id(),
                    target.cluster(),
                    settings.clients().clusters());
            return;
        }
        String type = EventMirror.isWarningType(event.type()) ? "Warning" : "Normal";
        String reason = EventMirror.reason(event.type());
        String action = EventMirror.action(event.type());
        String namespace = target.namespace() != null ? target.namespace() : "default";
        String key = String.join(
                "\u0000",
                target.cluster(),
                target.apiVersion(),
                target.kind(),
                namespace,
                target.name(),
                type,
                reason,
                action,
                settings.reportingController(),
                settings.reportingInstance());
        Instant now = settings.clock().instant();
        Series open = series.get(key);
        Write write;
        if (open != null && Duration.between(open.lastObserved, now).compareTo(settings.seriesWindow()) < 0) {
            open.count++;
            open.lastObserved = now;
            open.latestId = event.id();
            write = Write.patch(target.cluster(), key, open.namespace, open.name);
        } else {
            if (open != null) {
                series.remove(key); // the window passed: a new Event starts a new series
            }
            String name = eventName(target.name(), now);
            io.fabric8.kubernetes.api.model.events.v1.Event body = new EventBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .addToAnnotations(ID_ANNOTATION, event.id())
                    .addToAnnotations(TYPE_ANNOTATION, event.type())
                    .addToAnnotations(SOURCE_ANNOTATION, event.source().toString())
                    .endMetadata()
                    .withEventTime(Limits.microTime(now))
                    .withReportingController(settings.reportingController())
                    .withReportingInstance(settings.reportingInstance())
                    .withAction(action)
                    .withReason(reason)
                    .withType(type)
                    .withNote(note(event))
                    .withRegarding(new ObjectReferenceBuilder()
                            .withApiVersion(target.apiVersion().isEmpty() ? null : target.apiVersion())
                            .withKind(target.kind())
                            .withNamespace(target.namespace())
                            .withName(target.name())
                            .build())
                    .build();
            write = Write.create(target.cluster(), key, body, now);
        }
        TokenBucket bucket = buckets.computeIfAbsent(target.cluster(), c -> new TokenBucket(settings.rateLimit(), now));
        if (!bucket.tryTake(now)) {
            dropped("rate-limited");
            log.warn(
                    "rate-limited/" + target.cluster(),
                    "mirror writes to cluster {} are over the rate limit ({} per {}); dropped event {}"
                            + " (repeats still count in their series)",
                    target.cluster(),
                    settings.rateLimit().permits(),
                    settings.rateLimit().period(),
                    event.id());
            return;
        }
        execute(write, event, 1);
    }

    private void execute(Write write, Event<?> event, int attempt) {
        Optional<KubernetesClient> client = settings.clients().client(write.cluster);
        if (client.isEmpty()) {
            dropped("unknown-cluster");
            return;
        }
        try {
            if (write.body != null) {
                try {
                    client.get()
                            .events()
                            .v1()
                            .events()
                            .inNamespace(write.namespace)
                            .resource(write.body)
                            .create();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                    // AlreadyExists: an earlier attempt was written but its answer was lost.
                }
                Series created = new Series(write.namespace, write.name, write.createdAt);
                created.latestId = event.id();
                series.put(write.seriesKey, created);
                counter("scaleplane.kubernetes.mirror.writes", write.cluster, "result", "created")
                        .increment();
            } else {
                Series open = series.get(write.seriesKey);
                if (open == null) {
                    return; // forgotten meanwhile (cache full or window passed): the next repeat starts anew
                }
                String patch = "{\"series\":{\"count\":" + open.count + ",\"lastObservedTime\":\""
                        + Limits.microTime(open.lastObserved).getTime() + "\"},\"metadata\":{\"annotations\":{\""
                        + ID_ANNOTATION + "\":" + jsonString(open.latestId) + "}}}";
                client.get()
                        .events()
                        .v1()
                        .events()
                        .inNamespace(open.namespace)
                        .withName(open.name)
                        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
                counter("scaleplane.kubernetes.mirror.writes", write.cluster, "result", "series")
                        .increment();
            }
        } catch (KubernetesClientException e) {
            if (write.body == null && e.getCode() == 404) {
                // The Event expired (the apiserver keeps them about an hour): start a new one.
                series.remove(write.seriesKey);
                process(event);
                return;
            }
            if (retryable(e) && settings.retryPolicy().shouldRetry(e, attempt) && !closed) {
                counter("scaleplane.kubernetes.mirror.retries", write.cluster).increment();
                Duration delay = settings.retryPolicy()
                        .delayBefore(attempt, ThreadLocalRandom.current().nextDouble());
                log.warn(
                        "retry/" + write.cluster,
                        "writing a Kubernetes Event to cluster {} failed (HTTP {}: {}); attempt {} of {}, retrying in"
                                + " {} ms",
                        write.cluster,
                        e.getCode(),
                        e.getMessage(),
                        attempt,
                        settings.retryPolicy().maxAttempts(),
                        delay.toMillis());
                retries.schedule(
                        () -> {
                            if (!closed) {
                                enqueue(new Work(event, write, attempt + 1));
                            }
                        },
                        delay.toNanos(),
                        TimeUnit.NANOSECONDS);
                return;
            }
            counter("scaleplane.kubernetes.mirror.failures", write.cluster).increment();
            log.warn(
                    "failed/" + write.cluster,
                    "writing a Kubernetes Event for event {} to cluster {} failed after {} attempt(s): HTTP {}: {}",
                    event.id(),
                    write.cluster,
                    attempt,
                    e.getCode(),
                    e.getMessage());
        }
    }

    /** Failures a repeat can cure: no answer, timeouts, conflicts, throttling and server errors. */
    static boolean retryable(KubernetesClientException e) {
        int code = e.getCode();
        return code == 0 || code == 408 || code == 409 || code == 429 || code >= 500;
    }

    private String note(Event<?> event) {
        StringBuilder note =
                new StringBuilder().append(event.type()).append(' ').append(event.id());
        if (event.subject() != null) {
            note.append(" subject=").append(event.subject());
        }
        note.append(": ").append(event.data());
        return Limits.truncateUtf8(note.toString(), Limits.MAX_NOTE);
    }

    /** {@code <object name>.<hex>} as client-go names Events, cut so that it stays a valid name (253 characters). */
    private String eventName(String objectName, Instant now) {
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        String suffix = "." + Long.toHexString(nanos) + Long.toHexString(nameSequence.incrementAndGet() & 0xfff);
        String base = objectName.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        int max = 253 - suffix.length();
        return (base.length() > max ? base.substring(0, max) : base) + suffix;
    }

    private static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private void dropped(String reason) {
        registry.counter("scaleplane.kubernetes.mirror.dropped", "reason", reason)
                .increment();
    }

    private Counter counter(String name, String cluster, String... tags) {
        String[] all = new String[tags.length + 2];
        all[0] = "cluster";
        all[1] = cluster;
        System.arraycopy(tags, 0, all, 2, tags.length);
        return registry.counter(name, all);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        retries.shutdownNow();
        try {
            worker.join(settings.drainTimeout().toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "EventMirror{clusters=" + settings.clients().clusters() + ", queued=" + queue.size() + ", closed="
                + closed + '}';
    }

    /** A queued item: a platform event to process, or a write to retry. */
    private record Work(Event<?> event, @Nullable Write write, int attempt) {}

    /** One write: a create of a new Event or a series patch of an open one. */
    private static final class Write {
        final String cluster;
        final String seriesKey;
        final String namespace;
        final String name;
        final io.fabric8.kubernetes.api.model.events.v1.@Nullable Event body;
        final Instant createdAt;

        private Write(
                String cluster,
                String seriesKey,
                String namespace,
                String name,
                io.fabric8.kubernetes.api.model.events.v1.@Nullable Event body,
                Instant createdAt) {
            this.cluster = cluster;
            this.seriesKey = seriesKey;
            this.namespace = namespace;
            this.name = name;
            this.body = body;
            this.createdAt = createdAt;
        }

        static Write create(
                String cluster, String key, io.fabric8.kubernetes.api.model.events.v1.Event body, Instant now) {
            return new Write(
                    cluster,
                    key,
                    body.getMetadata().getNamespace(),
                    body.getMetadata().getName(),
                    body,
                    now);
        }

        static Write patch(String cluster, String key, String namespace, String name) {
            return new Write(cluster, key, namespace, name, null, Instant.EPOCH);
        }
    }

    /** An open series: the Event written first, how often it happened and when last. */
    private static final class Series {
        final String namespace;
        final String name;
        int count = 1;
        Instant lastObserved;
        String latestId = "";

        Series(String namespace, String name, Instant first) {
            this.namespace = namespace;
            this.name = name;
            this.lastObserved = first;
        }
    }
}
