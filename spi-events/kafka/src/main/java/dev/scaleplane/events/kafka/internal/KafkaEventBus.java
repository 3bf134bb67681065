package dev.scaleplane.events.kafka.internal;

import dev.scaleplane.api.events.BusClosedException;
import dev.scaleplane.api.events.DeadLetters;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.PublishException;
import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.api.events.PublishTimeoutException;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.spi.Capabilities;
import dev.scaleplane.core.bus.AbstractEventBus;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.events.kafka.KafkaBusConfig;
import io.micrometer.core.instrument.Gauge;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event bus on Kafka. One idempotent producer ({@code acks=all}) is shared by publishers, retries and dead
 * letters; each subscription is a {@link Member} with its own consumer in the Kafka consumer group named after the
 * subscription group.
 *
 * <p>Publish back-pressure: at most {@link KafkaBusConfig#maxInFlight()} publishes wait for the broker's
 * acknowledgement; one more waits up to the publish timeout for a slot, then fails with
 * {@link PublishTimeoutException}. Thread-safe.
 */
public final class KafkaEventBus extends AbstractEventBus {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventBus.class);

    /** Gauge of the consumer lag per partition, tags {@code backend, topic, group, partition}. */
    public static final String CONSUMER_LAG = "scaleplane.events.kafka.consumer.lag";

    final KafkaBusConfig config;
    final Wire wire;
    final Topics topics;
    final BusMetrics metrics;
    final KafkaProducer<byte[], byte[]> producer;
    final Admin admin;
    final BrokerCheck brokers;

    private final InFlightWindow inFlight;
    private final KafkaDeadLetters deadLetters;
    private final List<Member> members = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> lags = new ConcurrentHashMap<>();
    private final Map<String, GroupMeters> groupMeters = new ConcurrentHashMap<>();
    /** Custom dead-letter destinations by {@code topic + '\0' + group}, for listing. */
    final Map<String, String> destinations = new ConcurrentHashMap<>();

    /**
     * Creates the clients and starts a check that a broker answers. Without {@code fail-fast} nothing waits for a
     * broker until the first publish or subscribe, and unreachable brokers are reported by one WARN.
     *
     * @param capabilities what the provider declares
     * @throws dev.scaleplane.api.BackendUnreachableException with {@code fail-fast}, when no broker answers within
     *     the connect timeout
     */
    public KafkaEventBus(
            KafkaBusConfig config,
            EventTypeRegistry types,
            URI source,
            Clock clock,
            EventCodec codec,
            BusMetrics metrics,
            Capabilities capabilities) {
        super("kafka", types, source, clock, capabilities);
        this.config = config;
        this.wire = new Wire(codec, config.wireFormat());
        this.metrics = metrics;
        this.inFlight = new InFlightWindow(config.maxInFlight());
        this.brokers = new BrokerCheck(
                config.bootstrapServers(),
                KafkaBusConfig.BOOTSTRAP_SERVERS,
                KafkaBusConfig.PREFIX,
                config.connectTimeout(),
                "the event bus");
        this.admin = Admin.create(config.adminProperties());
        brokers.start(admin);
        if (config.failFast()) {
            try {
                brokers.requireReachable();
            } catch (RuntimeException e) {
                admin.close(Duration.ZERO);
                throw e;
            }
        }
        this.topics = new Topics(admin, config);
        this.producer = new KafkaProducer<>(
                config.producerProperties("producer"), new ByteArraySerializer(), new ByteArraySerializer());
        this.deadLetters = new KafkaDeadLetters(this);
        LOG.info("Kafka event bus started: {}", config);
    }

    @Override
    protected CompletableFuture<PublishReceipt> doPublish(String topic, Event<?> event) {
        Duration timeout = config.publishTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!inFlight.acquire(timeout.toNanos())) {
                metrics.publishFailed(topic).increment();
                return CompletableFuture.failedFuture(new PublishTimeoutException(
                        topic, event.id(), timeout, "the Kafka producer's in-flight window (max-in-flight)"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(topic, event, "interrupted while waiting for room", e);
        }
        CompletableFuture<PublishReceipt> result = new CompletableFuture<>();
        try {
            CompletableFuture<Void> ready = topics.ensureEventTopic(topic);
            if (!ready.isDone()) {
                ready.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            ready.join();
            ProducerRecord<byte[], byte[]> record = wire.record(topic, event);
            // The callback runs on the producer's single I/O thread, which bounds throughput: keep it short.
            BusMetrics.Count published = metrics.published(topic);
            // The id, not the event: the callback then touches no object of the publishing thread but the future.
            String id = event.id();
            producer.send(record, (meta, failure) -> {
                inFlight.release();
                if (failure == null) {
                    brokers.reached();
                    published.increment();
                    result.complete(new PublishReceipt(topic, id, position(meta)));
                } else {
                    metrics.publishFailed(topic).increment();
                    result.completeExceptionally(
                            new PublishException(topic, id, "the broker did not accept it: " + failure, failure));
                }
            });
        } catch (java.util.concurrent.TimeoutException e) {
            inFlight.release();
            // Topic creation waits for a broker, not for consumers: no answer is the brokers' fault.
            return noAnswer(topic, event, "creating topic " + topic + " got no answer within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            inFlight.release();
            return failed(topic, event, "interrupted while creating the topic", e);
        } catch (RuntimeException | java.util.concurrent.ExecutionException e) {
            inFlight.release();
            Throwable cause = e instanceof java.util.concurrent.ExecutionException
                            || e instanceof java.util.concurrent.CompletionException
                    ? e.getCause()
                    : e;
            if (cause instanceof org.apache.kafka.clients.producer.BufferExhaustedException) {
                metrics.publishFailed(topic).increment();
                result.completeExceptionally(
                        new PublishTimeoutException(topic, event.id(), timeout, "the Kafka producer's buffer"));
            } else if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                // The other timeout of send(): the topic's metadata never came, so no broker answered.
                return noAnswer(
                        topic,
                        event,
                        "fetching the metadata of topic " + topic + " got no answer within " + timeout,
                        cause);
            } else if (cause instanceof IllegalStateException && isClosed()) {
                // close() closed the producer after this publish passed the closed check: the typed answer.
                metrics.publishFailed(topic).increment();
                return CompletableFuture.failedFuture(new BusClosedException(topic, event.id()));
            } else {
                return failed(topic, event, String.valueOf(cause), cause);
            }
        }
        return result;
    }

    /** A publish that got no answer from the brokers: the cause names them and the setting; logged rate-limited. */
    private CompletableFuture<PublishReceipt> noAnswer(String topic, Event<?> event, String doing, Throwable e) {
        dev.scaleplane.api.BackendUnreachableException unreachable = brokers.noAnswer(doing, e);
        brokers.report("publish to topic " + topic + " failed", unreachable);
        return failed(topic, event, unreachable.getMessage(), unreachable);
    }

    private CompletableFuture<PublishReceipt> failed(String topic, Event<?> event, String why, @Nullable Throwable e) {
        metrics.publishFailed(topic).increment();
        return CompletableFuture.failedFuture(new PublishException(topic, event.id(), why, e));
    }

    /** {@code partition-N@offset-} for the first partitions, which nearly every topic stays within. */
    private static final String[] POSITION_PREFIXES = new String[256];

    static {
        for (int i = 0; i < POSITION_PREFIXES.length; i++) {
            POSITION_PREFIXES[i] = "partition-" + i + "@offset-";
        }
    }

    /**
     * The receipt's position, {@code partition-N@offset-M}. Built on the producer's I/O thread for every record, so
     * the partition part comes from {@link #POSITION_PREFIXES} and only the offset's digits are written per record.
     */
    static String position(RecordMetadata meta) {
        int partition = meta.partition();
        String prefix = partition >= 0 && partition < POSITION_PREFIXES.length
                ? POSITION_PREFIXES[partition]
                : "partition-" + partition + "@offset-";
        return prefix + meta.offset();
    }

    @Override
    protected Subscription doSubscribe(SubscriptionOptions options, EventHandler<Object> handler) {
        String dlq = options.deadLetterDestination();
        destinations.put(options.topic() + '\0' + options.group(), dlq);
        try {
            Topics.await(
                    topics.ensureGroupTopics(options.topic(), options.group(), dlq),
                    "the topics of group " + options.group() + " on " + options.topic(),
                    Duration.ofSeconds(30));
        } catch (dev.scaleplane.api.ScaleplaneException e) {
            if (brokers.everReached()) {
                throw e;
            }
            throw brokers.noAnswer(
                    "subscribing group " + options.group() + " to " + options.topic() + ": " + e.getMessage(), e);
        }
        List<String> consumed = new java.util.ArrayList<>(topics.retryTopics(options.topic(), options.group()));
        consumed.add(options.topic());
        topics.awaitVisible(consumed, Duration.ofSeconds(30));
        GroupMeters meters = groupMeters.computeIfAbsent(
                options.topic() + '\0' + options.group(), k -> new GroupMeters(options.topic(), options.group()));
        Member member = new Member(this, options, handler, meters);
        members.add(member);
        meters.members.add(member);
        try {
            member.start();
        } catch (RuntimeException e) {
            members.remove(member);
            meters.members.remove(member);
            member.close();
            throw e;
        }
        return member;
    }

    /** The lag gauge value of one partition for one group; the gauge is registered on first use. */
    AtomicLong lag(String group, TopicPartition tp) {
        return lags.computeIfAbsent(group + '\0' + tp, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(CONSUMER_LAG, value, AtomicLong::get)
                    .description("Records in the partition not yet consumed by the group")
                    .tags(
                            "backend",
                            "kafka",
                            "topic",
                            tp.topic(),
                            "group",
                            group,
                            "partition",
                            String.valueOf(tp.partition()))
                    .strongReference(true)
                    .register(metrics.registry());
            return value;
        });
    }

    java.time.Clock busClock() {
        return clock();
    }

    void removed(Member member) {
        members.remove(member);
    }

    @Override
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    /** The destinations (default and custom) that may hold dead letters of a group. */
    Set<String> deadLetterTopics(String topic, String group) {
        String custom = destinations.get(topic + '\0' + group);
        String byDefault = SubscriptionOptions.of(topic, group).deadLetterDestination();
        return custom == null || custom.equals(byDefault) ? Set.of(byDefault) : Set.of(byDefault, custom);
    }

    @Override
    protected void doClose() {
        for (Member member : List.copyOf(members)) {
            member.close();
        }
        try {
            if (brokers.everReached()) {
                producer.flush();
            }
        } catch (RuntimeException e) {
            LOG.warn("flushing the Kafka producer on close failed: {}", e.toString());
        }
        // Brokers that never answered can take nothing: closing then waits for nothing.
        producer.close(brokers.closeTimeout(config.drainTimeout()));
        deadLetters.close();
        admin.close(brokers.closeTimeout(Duration.ofSeconds(5)));
        groupMeters.values().forEach(m -> m.meters.remove());
    }

    /** The meters of one group on one topic, shared by the members of this bus. */
    final class GroupMeters {
        final BusMetrics.Group meters;
        final List<Member> members = new CopyOnWriteArrayList<>();

        GroupMeters(String topic, String group) {
            meters = metrics.group(topic, group, () -> {
                long sum = 0;
                for (Member m : members) {
                    sum += m.pendingCount();
                }
                return sum;
            });
        }
    }
}
