package dev.scaleplane.events.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.events.BusClosedException;
import dev.scaleplane.api.events.DeadLetters;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.PublishException;
import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.spi.Capabilities;
import dev.scaleplane.core.bus.AbstractEventBus;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.core.codec.BinaryBinding;
import dev.scaleplane.core.codec.BinaryMessage;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.events.rabbitmq.RabbitBusConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event bus on RabbitMQ. Three connections: one publishes (confirm mode, {@link ConfirmPublisher}), one consumes
 * (a channel per member and shard, see {@link Member}), one declares topology and browses dead-letter queues. All
 * three recover automatically, topology included. See {@link Names} for the topology.
 *
 * <p>Thread-safe.
 */
public final class RabbitEventBus extends AbstractEventBus {
    /** Name of the queue-depth gauge, tags backend, topic, group. */
    public static final String QUEUE_DEPTH = "scaleplane.events.rabbitmq.queue.depth";

    private static final Logger log = LoggerFactory.getLogger(RabbitEventBus.class);
    // A retry queue is re-declared when last declared this long ago; it expires this long after its delay when
    // unused, so a message put in it always expires (and goes back) before the queue itself does.
    private static final long REDECLARE_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final long RETRY_QUEUE_GRACE_MILLIS = TimeUnit.HOURS.toMillis(1);

    private final RabbitBusConfig config;
    private final EventCodec codec;
    private final BusMetrics metrics;
    private final Names names;
    private final Connection publishConnection;
    private final Connection consumerConnection;
    private final Connection adminConnection;
    private final ConfirmPublisher publisher;
    private final ScheduledExecutorService scheduler;
    private final Object adminLock = new Object();
    private @Nullable Channel adminChannel;
    private final Set<String> declaredExchanges = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> declaredRetryQueues = new ConcurrentHashMap<>();
    private final Set<String> declaredDeadLetterQueues = ConcurrentHashMap.newKeySet();
    private final Map<String, GroupState> groups = new ConcurrentHashMap<>();
    private final Map<String, String> destinations = new ConcurrentHashMap<>();
    private final List<Member> members = new CopyOnWriteArrayList<>();
    private final RabbitDeadLetters deadLetters;

    /**
     * Connects and declares the shared topology.
     *
     * @throws ScaleplaneException if the broker cannot be reached
     */
    public RabbitEventBus(
            RabbitBusConfig config,
            ConnectionFactory factory,
            EventCodec codec,
            URI source,
            Clock clock,
            Capabilities capabilities,
            BusMetrics metrics) {
        super("rabbitmq", codec.eventTypes(), source, clock, capabilities);
        this.config = config;
        this.codec = codec;
        this.metrics = metrics;
        this.names = new Names(config.namePrefix(), config.shards());
        Connection pub = null;
        Connection con = null;
        Connection adm = null;
        try {
            pub = factory.newConnection("scaleplane-bus-publish");
            con = factory.newConnection("scaleplane-bus-consume");
            adm = factory.newConnection("scaleplane-bus-admin");
            this.publisher = new ConfirmPublisher(pub, config.maxInFlight());
        } catch (IOException | TimeoutException e) {
            closeQuietly(pub);
            closeQuietly(con);
            closeQuietly(adm);
            throw config.connectFailure(e);
        }
        this.publishConnection = pub;
        this.consumerConnection = con;
        this.adminConnection = adm;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scaleplane-rabbitmq-rebalance");
            t.setDaemon(true);
            return t;
        });
        try {
            admin(ch -> {
                String unrouted = names.unrouted();
                ch.exchangeDeclare(unrouted, BuiltinExchangeType.FANOUT, true);
                ch.queueDeclare(unrouted, true, false, false, Map.of("x-max-length", 0, "x-queue-type", "classic"));
                ch.queueBind(unrouted, unrouted, "");
                return null;
            });
        } catch (IOException e) {
            doClose();
            throw new ScaleplaneException("cannot declare " + names.unrouted() + " on RabbitMQ: " + e, e);
        }
        this.deadLetters = new RabbitDeadLetters(this);
        long every = config.rebalanceInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::rebalance, every, every, TimeUnit.MILLISECONDS);
    }

    RabbitBusConfig config() {
        return config;
    }

    EventCodec codec() {
        return codec;
    }

    Names names() {
        return names;
    }

    Connection consumerConnection() {
        return consumerConnection;
    }

    Connection adminConnection() {
        return adminConnection;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Clock for members (package access to the protected one). */
    Clock busClock() {
        return clock();
    }

    @Override
    protected CompletableFuture<PublishReceipt> doPublish(String topic, Event<?> event) {
        BinaryMessage message;
        try {
            message = codec.encodeBinary(event, BinaryBinding.AMQP);
        } catch (RuntimeException e) {
            metrics.publishFailed(topic).increment();
            return CompletableFuture.failedFuture(
                    new PublishException(topic, event.id(), "the event cannot be encoded: " + e.getMessage(), e));
        }
        String exchange = names.exchange(topic);
        try {
            declareExchange(exchange);
        } catch (IOException | RuntimeException e) {
            metrics.publishFailed(topic).increment();
            if (isClosed()) { // close() shut the admin channel after this publish passed the closed check
                return CompletableFuture.failedFuture(new BusClosedException(topic, event.id()));
            }
            return CompletableFuture.failedFuture(
                    new PublishException(topic, event.id(), "cannot declare exchange " + exchange + ": " + e, e));
        }
        Map<String, Object> headers = new HashMap<>(message.headers().size() * 2);
        String contentType = null;
        for (Map.Entry<String, String> h : message.headers().entrySet()) {
            if (h.getKey().equals(BinaryBinding.AMQP.contentTypeHeader())) {
                contentType = h.getValue();
            } else {
                headers.put(h.getKey(), h.getValue());
            }
        }
        AMQP.BasicProperties.Builder props = new AMQP.BasicProperties.Builder()
                .contentType(contentType)
                .messageId(event.id())
                .deliveryMode(2);
        String routingKey = Names.routingKey(event.type(), event.orderingKey());
        return publisher
                .publish(
                        exchange,
                        routingKey,
                        props,
                        headers,
                        message.body(),
                        config.publishTimeout(),
                        topic,
                        event.id())
                .handle((seq, e) -> {
                    if (e != null) {
                        // A channel error (not a lost connection) may mean the exchange was deleted: declare it
                        // again on the next publish.
                        if (e.getCause() instanceof ShutdownSignalException s && !s.isHardError()) {
                            declaredExchanges.remove(exchange);
                        }
                        metrics.publishFailed(topic).increment();
                        throw e instanceof RuntimeException re
                                ? re
                                : new PublishException(topic, event.id(), e.toString(), e);
                    }
                    metrics.published(topic).increment();
                    return new PublishReceipt(topic, event.id(), exchange + "#" + seq);
                });
    }

    /** Publishes a retry copy to the retry queue of its (rounded-up) delay, routed back to {@code shardQueue}. */
    CompletableFuture<Long> publishRetry(
            String shardQueue,
            Duration delay,
            AMQP.BasicProperties original,
            Map<String, Object> headers,
            byte[] body,
            Event<?> event) {
        long millis = roundUpDelay(delay);
        String retry = names.retry(millis);
        try {
            declareRetryQueue(retry, millis);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return publisher.publish(
                retry, shardQueue, original.builder(), headers, body, config.publishTimeout(), shardQueue, event.id());
    }

    /** Publishes a dead letter to its group's dead-letter queue. */
    CompletableFuture<Long> publishDeadLetter(
            GroupState group, AMQP.BasicProperties original, Map<String, Object> headers, byte[] body) {
        try {
            declareDeadLetterQueue(group.deadLetterQueue);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        String id = original.getMessageId() != null ? original.getMessageId() : "(no message id)";
        return publisher.publish(
                "",
                group.deadLetterQueue,
                original.builder().deliveryMode(2),
                headers,
                body,
                config.publishTimeout(),
                group.topic,
                id);
    }

    /**
     * A delay rounded up to two significant digits of milliseconds (at least 1 ms), so that retries share a bounded
     * set of TTL queues while waiting at least the policy's delay, and at most about 10% longer.
     */
    static long roundUpDelay(Duration delay) {
        long ms = Math.max(1, (delay.toNanos() + 999_999) / 1_000_000);
        long scale = 1;
        while (ms / scale >= 100) {
            scale *= 10;
        }
        return ((ms + scale - 1) / scale) * scale;
    }

    @Override
    protected Subscription doSubscribe(SubscriptionOptions options, EventHandler<Object> handler) {
        String key = options.topic() + "\u0000" + options.group();
        GroupState group = groups.computeIfAbsent(key, k -> new GroupState(options, names, metrics, backendName()));
        destinations.put(key, options.deadLetterDestination());
        try {
            declareGroup(options.topic(), group);
            declareDeadLetterQueue(names.deadLetterQueue(options.deadLetterDestination()));
            Member member = new Member(this, options, handler, group);
            members.add(member);
            return member;
        } catch (IOException e) {
            throw new ScaleplaneException(
                    "cannot subscribe " + options.group() + " to " + options.topic() + " on RabbitMQ: " + e, e);
        }
    }

    void memberClosed(Member member) {
        members.remove(member);
    }

    /** The dead-letter destination of a group: as subscribed in this bus, else the default. */
    String destinationOf(String topic, String group) {
        String d = destinations.get(topic + "\u0000" + group);
        return d != null ? d : topic + "." + group + ".dlq";
    }

    /** Shard queue of {@code key} in a group. */
    String shardQueueOf(String topic, String group, String key) {
        return names.shardQueue(topic, group, names.shardOf(key));
    }

    @Override
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    @Override
    protected void doClose() {
        if (publisher != null) {
            publisher.close(config.drainTimeout());
        }
        for (Member m : List.copyOf(members)) {
            m.close();
        }
        scheduler.shutdownNow();
        closeQuietly(publishConnection);
        closeQuietly(consumerConnection);
        closeQuietly(adminConnection);
    }

    private void rebalance() {
        try {
            for (Member m : members) {
                m.rebalance();
            }
        } catch (RuntimeException e) {
            log.warn("rebalancing failed; trying again at the next interval: {}", e.toString());
        }
    }

    /** Passive declare of a queue: message and consumer counts, or null when it cannot be read right now. */
    AMQP.Queue.@Nullable DeclareOk inspect(String queue) {
        try {
            return admin(ch -> ch.queueDeclarePassive(queue));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void declareExchange(String exchange) throws IOException {
        if (declaredExchanges.contains(exchange)) {
            return;
        }
        admin(ch -> ch.exchangeDeclare(
                exchange, BuiltinExchangeType.TOPIC, true, false, Map.of("alternate-exchange", names.unrouted())));
        declaredExchanges.add(exchange);
    }

    /** Declares a group's exchange, queues and bindings again, e.g. after one was deleted behind the bus. */
    void declareGroupAgain(GroupState group) throws IOException {
        declaredExchanges.remove(names.exchange(group.topic));
        declareGroup(group.topic, group);
    }

    private void declareGroup(String topic, GroupState group) throws IOException {
        declareExchange(names.exchange(topic));
        String exchange = names.exchange(topic);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("x-queue-type", config.queueType() == RabbitBusConfig.QueueType.QUORUM ? "quorum" : "classic");
        args.put("x-single-active-consumer", true);
        int shards = group.shardQueues.length;
        admin(ch -> {
            ch.queueDeclare(
                    group.presenceQueue,
                    true,
                    false,
                    false,
                    Map.of("x-queue-type", "classic", "x-expires", RETRY_QUEUE_GRACE_MILLIS));
            for (int s = 0; s < shards; s++) {
                String queue = group.shardQueues[s];
                ch.queueDeclare(queue, true, false, false, args);
                for (String key : names.bindingKeys(s)) {
                    ch.queueBind(queue, exchange, key);
                }
            }
            return null;
        });
    }

    private void declareDeadLetterQueue(String queue) throws IOException {
        if (declaredDeadLetterQueues.contains(queue)) {
            return;
        }
        admin(ch -> ch.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "classic")));
        declaredDeadLetterQueues.add(queue);
    }

    private void declareRetryQueue(String name, long millis) throws IOException {
        Long at = declaredRetryQueues.get(name);
        long now = System.nanoTime();
        if (at != null && now - at < REDECLARE_NANOS) {
            return;
        }
        admin(ch -> {
            ch.exchangeDeclare(name, BuiltinExchangeType.FANOUT, true);
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("x-queue-type", "classic");
            args.put("x-message-ttl", millis);
            args.put("x-dead-letter-exchange", "");
            args.put("x-expires", millis + RETRY_QUEUE_GRACE_MILLIS);
            ch.queueDeclare(name, true, false, false, args);
            ch.queueBind(name, name, "");
            return null;
        });
        declaredRetryQueues.put(name, now);
    }

    /** Work on the admin channel. */
    interface AdminWork<T> {
        T run(Channel channel) throws IOException;
    }

    /** Runs {@code work} on the shared admin channel, opening a new one when an error closed it. */
    <T> T admin(AdminWork<T> work) throws IOException {
        synchronized (adminLock) {
            Channel ch = adminChannel;
            if (ch == null || !ch.isOpen()) {
                ch = adminConnection.createChannel();
                adminChannel = ch;
            }
            try {
                return work.run(ch);
            } catch (IOException | AlreadyClosedException e) {
                if (!ch.isOpen()) {
                    adminChannel = null;
                }
                throw e;
            }
        }
    }

    private static void closeQuietly(@Nullable Connection c) {
        if (c != null) {
            try {
                c.close(5_000);
            } catch (IOException | AlreadyClosedException e) {
                log.debug("closing a connection: {}", e.toString());
            }
        }
    }
}
