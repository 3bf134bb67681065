package dev.scaleplane.events.kubernetes.internal;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.events.DeadLetters;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.PublishException;
import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.api.events.PublishTimeoutException;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.spi.Capabilities;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.EventBusProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.bus.AbstractEventBus;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.core.bus.DeduplicationWindow;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.logging.RateLimitedLog;
import dev.scaleplane.events.kubernetes.KubernetesBusConfig;
import dev.scaleplane.events.kubernetes.KubernetesEventBusProvider;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code kubernetes} bus: publishes are written, one after another by one writer thread, as events.k8s.io/v1
 * Events in the configured namespace (the encoded CloudEvent in an annotation, the topic as a label hash); each topic
 * with subscribers has one {@link ResumableWatch} whose Events are decoded and handed to an in-process delivery stage,
 * the bundled in-memory bus, which keeps groups, competing members, per-key order, retries, dead letters and
 * de-duplication exactly as it does for itself.
 *
 * <p>Acceptance means the apiserver stored the Event. Between the apiserver and the handlers the event lives only in
 * this process: that is why the bus is not {@code DURABLE}.
 */
public final class KubernetesEventBus extends AbstractEventBus {
    /** Label holding the topic's hash (topics may be longer than a label value). */
    public static final String TOPIC_LABEL = "scaleplane.dev/topic-hash";

    /** Annotation holding the topic. */
    public static final String TOPIC_ANNOTATION = "scaleplane.dev/topic";

    /** Annotation holding the CloudEvent in the JSON event format. */
    public static final String EVENT_ANNOTATION = "scaleplane.dev/cloudevent";

    /** {@code reportingController} of the stored Events. */
    public static final String REPORTING_CONTROLLER = "scaleplane.dev/event-bus";

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesEventBus.class);
    private static final Duration LOCAL_PUBLISH_TIMEOUT = Duration.ofMillis(200);
    private static final RetryPolicy WRITE_RETRIES = RetryPolicy.builder()
            .maxAttempts(Integer.MAX_VALUE) // bounded by the publish timeout instead
            .exponential(Duration.ofMillis(50), 2)
            .maxDelay(Duration.ofSeconds(1))
            .build();
    private static final RetryPolicy RECONNECT = RetryPolicy.builder()
            .maxAttempts(Integer.MAX_VALUE)
            .exponential(Duration.ofMillis(100), 2)
            .maxDelay(Duration.ofSeconds(10))
            .build();

    private final KubernetesBusConfig config;
    private final KubernetesClient client;
    private final boolean ownsClient;
    private final EventCodec codec;
    private final BusMetrics metrics;
    private final EventBus local;
    private final BlockingQueue<Write> writes;
    private final Thread writer;
    private final ScheduledExecutorService scheduler;
    private final RateLimitedLog log = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final Map<String, TopicWatch> watches = new ConcurrentHashMap<>();
    private final String instance;
    private final AtomicLong undecodable = new AtomicLong();
    private volatile boolean stopping;

    /**
     * @param config the settings
     * @param client the designated cluster's client
     * @param ownsClient whether {@link #close()} closes the client
     * @param codec encodes and decodes the stored CloudEvents
     * @param context the platform's types, clock and source
     * @param capabilities what the bus declares
     * @param metrics publish metrics
     * @param registry where the delivery stage's metrics go
     */
    public KubernetesEventBus(
            KubernetesBusConfig config,
            KubernetesClient client,
            boolean ownsClient,
            EventCodec codec,
            ProviderContext context,
            Capabilities capabilities,
            BusMetrics metrics,
            MeterRegistry registry) {
        super(KubernetesEventBusProvider.NAME, context.eventTypes(), context.source(), context.clock(), capabilities);
        this.config = config;
        this.client = client;
        this.ownsClient = ownsClient;
        this.codec = codec;
        this.metrics = metrics;
        this.local = deliveryStage(config, context, registry);
        this.writes = new ArrayBlockingQueue<>(config.writeQueue());
        this.instance = Limits.truncateUtf8(
                "scaleplane-" + ManagementFactory.getRuntimeMXBean().getName(), Limits.MAX_SHORT_FIELD);
        registry.gauge("scaleplane.kubernetes.bus.undecodable", undecodable, AtomicLong::get);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scaleplane-k8s-bus-watch");
            t.setDaemon(true);
            return t;
        });
        this.writer = new Thread(this::writeLoop, "scaleplane-k8s-bus-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** The bundled in-memory bus, found through its provider like any other, as the in-process delivery stage. */
    private static EventBus deliveryStage(KubernetesBusConfig config, ProviderContext context, MeterRegistry registry) {
        EventBusProvider memory = null;
        for (EventBusProvider p : ServiceLoader.load(EventBusProvider.class, AbstractEventBus.class.getClassLoader())) {
            if ("memory".equals(p.name())) {
                memory = p;
            }
        }
        if (memory == null) {
            throw new ScaleplaneException("the kubernetes bus delivers through the bundled in-memory bus, but no"
                    + " EventBusProvider named 'memory' is on the class path (is scaleplane-core complete?)");
        }
        ScaleplaneProperties settings = ScaleplaneProperties.of(Map.of(
                "scaleplane.events.memory.buffer-size", Integer.toString(config.bufferSize()),
                "scaleplane.events.publish-timeout", LOCAL_PUBLISH_TIMEOUT.toMillis() + "ms",
                "scaleplane.events.drain-timeout", config.drainTimeout().toMillis() + "ms"));
        EventTypeRegistry types = context.eventTypes();
        Clock clock = context.clock();
        URI source = context.source();
        return memory.create(new ProviderContext() {
            @Override
            public ConfigProperties config() {
                return settings;
            }

            @Override
            public EventTypeRegistry eventTypes() {
                return types;
            }

            @Override
            public Clock clock() {
                return clock;
            }

            @Override
            public URI source() {
                return source;
            }

            @Override
            public <T> Optional<T> component(Class<T> type) {
                return type == MeterRegistry.class ? Optional.of(type.cast(registry)) : Optional.empty();
            }
        });
    }

    // ------------------------------------------------------------------------------------------------------------
    // Publishing
    // ------------------------------------------------------------------------------------------------------------

    @Override
    protected CompletableFuture<PublishReceipt> doPublish(String topic, Event<?> event) {
        byte[] json;
        try {
            json = codec.encodeStructured(event);
        } catch (RuntimeException e) {
            metrics.publishFailed(topic).increment();
            return CompletableFuture.failedFuture(
                    new PublishException(topic, event.id(), "cannot encode event: " + e.getMessage(), e));
        }
        if (json.length > config.maxEventBytes()) {
            metrics.publishFailed(topic).increment();
            return CompletableFuture.failedFuture(new PublishException(
                    topic,
                    event.id(),
                    "the event is " + json.length + " bytes encoded, more than the kubernetes bus stores ("
                            + config.maxEventBytes() + ", " + KubernetesBusConfig.MAX_EVENT_BYTES + "; the apiserver"
                            + " allows 256 KiB of annotations); use Kafka or RabbitMQ for large events",
                    null));
        }
        Write write = new Write(topic, event, new String(json, StandardCharsets.UTF_8), System.nanoTime());
        try {
            if (!writes.offer(write, config.publishTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                metrics.publishFailed(topic).increment();
                return CompletableFuture.failedFuture(new PublishTimeoutException(
                        topic, event.id(), config.publishTimeout(), "room in the kubernetes bus's write queue"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(
                    new PublishException(topic, event.id(), "interrupted while waiting for the write queue", e));
        }
        return write.future;
    }

    private void writeLoop() {
        while (true) {
            Write w;
            try {
                w = writes.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (w == null) {
                if (stopping) {
                    return;
                }
                continue;
            }
            write(w);
        }
    }

    private void write(Write w) {
        String name = "scaleplane-" + HexFormat.of().formatHex(randomBytes());
        TopicWatch watch = watches.get(w.topic);
        if (watch != null) {
            watch.pending.add(name); // before the create: the watch may see the Event before create() returns
        }
        io.fabric8.kubernetes.api.model.events.v1.Event body = new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(config.namespace())
                .addToLabels(TOPIC_LABEL, topicHash(w.topic))
                .addToAnnotations(TOPIC_ANNOTATION, w.topic)
                .addToAnnotations(EVENT_ANNOTATION, w.json)
                .endMetadata()
                .withEventTime(Limits.microTime(clock().instant()))
                .withReportingController(REPORTING_CONTROLLER)
                .withReportingInstance(instance)
                .withAction("Publish")
                .withReason("Published")
                .withType("Normal")
                .withNote(Limits.truncateUtf8(
                        w.event.type() + " " + w.event.id() + " on topic " + w.topic
                                + (w.event.subject() != null ? " subject=" + w.event.subject() : ""),
                        Limits.MAX_NOTE))
                .withRegarding(new ObjectReferenceBuilder()
                        .withApiVersion("v1")
                        .withKind("Namespace")
                        .withName(config.namespace())
                        .build())
                .build();
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                io.fabric8.kubernetes.api.model.events.v1.Event created;
                try {
                    created = client.events()
                            .v1()
                            .events()
                            .inNamespace(config.namespace())
                            .resource(body)
                            .create();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409 || attempt == 1) {
                        throw e;
                    }
                    created = body; // an earlier attempt was stored, its answer lost
                }
                metrics.published(w.topic).increment();
                String rv =
                        created.getMetadata() != null ? created.getMetadata().getResourceVersion() : null;
                w.future.complete(new PublishReceipt(w.topic, w.event.id(), rv != null ? rv : name));
                return;
            } catch (KubernetesClientException e) {
                long waited = System.nanoTime() - w.enqueuedNanos;
                Duration delay = WRITE_RETRIES.delayBefore(
                        Math.min(attempt, 30), ThreadLocalRandom.current().nextDouble());
                boolean retryable = MirrorEngine.retryable(e);
                if (!retryable
                        || waited + delay.toNanos() > config.publishTimeout().toNanos()
                        || stopping) {
                    if (watch != null) {
                        watch.pending.remove(name);
                    }
                    metrics.publishFailed(w.topic).increment();
                    log.warn(
                            "write",
                            "cannot store an event in namespace {} at {} (HTTP {}: {})",
                            config.namespace(),
                            client.getMasterUrl(),
                            e.getCode(),
                            e.getMessage());
                    w.future.completeExceptionally(new PublishException(
                            w.topic,
                            w.event.id(),
                            "cannot store the event as a Kubernetes Event in namespace " + config.namespace() + " at "
                                    + client.getMasterUrl() + " after " + attempt + " attempt(s): HTTP "
                                    + e.getCode() + " " + e.getMessage() + " (check "
                                    + config.describeTarget() + " and " + KubernetesBusConfig.NAMESPACE
                                    + "; the namespace must exist)",
                            e));
                    return;
                }
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    w.future.completeExceptionally(new PublishException(w.topic, w.event.id(), "interrupted", ie));
                    return;
                }
            }
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[12];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /** The label value of a topic: 40 hex digits of its SHA-256 (a label value holds at most 63 characters). */
    public static String topicHash(String topic) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(topic.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Delivery
    // ------------------------------------------------------------------------------------------------------------

    @Override
    protected Subscription doSubscribe(SubscriptionOptions options, EventHandler<Object> handler) {
        watch(options.topic());
        return local.subscribe(options, handler);
    }

    private void watch(String topic) {
        synchronized (watches) {
            if (watches.containsKey(topic)) {
                return;
            }
            TopicWatch tw = new TopicWatch(topic);
            try {
                tw.watch.start(false);
            } catch (KubernetesClientException e) {
                tw.watch.close();
                throw new ScaleplaneException(
                        "cannot watch Kubernetes Events in namespace " + config.namespace() + " at "
                                + client.getMasterUrl() + " for topic " + topic + ": HTTP " + e.getCode() + " "
                                + e.getMessage() + " (check " + config.describeTarget() + ")",
                        e);
            }
            watches.put(topic, tw);
        }
    }

    /** One topic's watch, its de-duplication by uid and the names this bus wrote that it has not seen yet. */
    private final class TopicWatch {
        final String topic;
        final ResumableWatch watch;
        final DeduplicationWindow seen = new DeduplicationWindow(Duration.ofHours(2), 100_000);
        final Set<String> pending = ConcurrentHashMap.newKeySet();

        TopicWatch(String topic) {
            this.topic = topic;
            this.watch = new ResumableWatch(
                    "Kubernetes Events of topic " + topic + " in namespace " + config.namespace(),
                    client.events()
                            .v1()
                            .events()
                            .inNamespace(config.namespace())
                            .withLabel(TOPIC_LABEL, topicHash(topic)),
                    new ResumableWatch.Listener() {
                        @Override
                        public void observed(io.fabric8.kubernetes.api.model.events.v1.Event event, boolean relisted) {
                            TopicWatch.this.observed(event);
                        }

                        @Override
                        public void baseline(io.fabric8.kubernetes.api.model.events.v1.Event event) {
                            seen.record(key(event), System.nanoTime());
                        }
                    },
                    scheduler,
                    RECONNECT,
                    log);
        }

        private String key(io.fabric8.kubernetes.api.model.events.v1.Event stored) {
            String uid = stored.getMetadata().getUid();
            return uid != null ? uid : stored.getMetadata().getName();
        }

        private void observed(io.fabric8.kubernetes.api.model.events.v1.Event stored) {
            String name = stored.getMetadata().getName();
            try {
                String key = key(stored);
                if (seen.seen(key, System.nanoTime())) {
                    return;
                }
                Map<String, String> annotations = stored.getMetadata().getAnnotations();
                if (annotations == null || !topic.equals(annotations.get(TOPIC_ANNOTATION))) {
                    return; // another topic with the same hash prefix, or not ours
                }
                String json = annotations.get(EVENT_ANNOTATION);
                Event<?> event;
                try {
                    event = codec.decodeStructured(json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8));
                } catch (RuntimeException e) {
                    undecodable.incrementAndGet();
                    log.warn(
                            "undecodable/" + topic,
                            "skipped Kubernetes Event {}/{} on topic {}: its CloudEvent cannot be decoded ({})",
                            config.namespace(),
                            name,
                            topic,
                            e.getMessage());
                    seen.record(key, System.nanoTime());
                    return;
                }
                if (deliver(event)) {
                    seen.record(key, System.nanoTime());
                }
            } finally {
                pending.remove(name);
            }
        }

        /** Hands the event to the delivery stage, waiting while its buffers are full; false if the bus closed. */
        private boolean deliver(Event<?> event) {
            while (true) {
                try {
                    local.publish(topic, event).get();
                    return true;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof PublishTimeoutException)) {
                        log.warn(
                                "deliver/" + topic,
                                "cannot hand event {} of topic {} to its subscribers: {}",
                                event.id(),
                                topic,
                                String.valueOf(e.getCause()));
                        return false;
                    }
                    // full: the watch waits (back-pressure towards the apiserver), the event is not dropped
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                } catch (CompletionException e) {
                    return false;
                }
            }
        }
    }

    @Override
    public DeadLetters deadLetters() {
        return local.deadLetters();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Close
    // ------------------------------------------------------------------------------------------------------------

    @Override
    protected void doClose() {
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        stopping = true;
        // 1. the writer stores what was queued (publishes already accepted into the queue), then ends
        join(writer, deadline);
        failQueued();
        // 2. what this bus stored reaches the delivery stage through the watches
        while (System.nanoTime() - deadline < 0 && watches.values().stream().anyMatch(w -> !w.pending.isEmpty())) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Map<String, Integer> notSeen = new HashMap<>();
        watches.values().forEach(w -> {
            if (!w.pending.isEmpty()) {
                notSeen.put(w.topic, w.pending.size());
            }
        });
        if (!notSeen.isEmpty()) {
            LOG.warn("kubernetes bus closed before its watches saw every event it stored (per topic: {})", notSeen);
        }
        watches.values().forEach(w -> w.watch.close());
        // 3. handlers finish what they have (the in-memory bus's own drain)
        local.close();
        scheduler.shutdownNow();
        if (ownsClient) {
            client.close();
        }
    }

    private void failQueued() {
        Write w;
        while ((w = writes.poll()) != null) {
            metrics.publishFailed(w.topic).increment();
            w.future.completeExceptionally(new PublishException(
                    w.topic, w.event.id(), "the bus closed before the event could be stored (drain timeout)", null));
        }
    }

    private static void join(Thread t, long deadlineNanos) {
        try {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            t.join(Math.max(1, left));
            if (t.isAlive()) {
                t.interrupt();
                t.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "KubernetesEventBus{namespace=" + config.namespace() + ", server=" + client.getMasterUrl() + ", topics="
                + watches.keySet() + '}';
    }

    /** One publish waiting for the writer. */
    private static final class Write {
        final String topic;
        final Event<?> event;
        final String json;
        final long enqueuedNanos;
        final CompletableFuture<PublishReceipt> future = new CompletableFuture<>();

        Write(String topic, Event<?> event, String json, long enqueuedNanos) {
            this.topic = topic;
            this.event = event;
            this.json = json;
            this.enqueuedNanos = enqueuedNanos;
        }
    }
}
