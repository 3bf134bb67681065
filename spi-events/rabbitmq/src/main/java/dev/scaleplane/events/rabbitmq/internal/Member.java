package dev.scaleplane.events.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.scaleplane.api.events.DeadLetter;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventDecodingException;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.bus.DeadLetterRecords;
import dev.scaleplane.core.bus.DeduplicationWindow;
import dev.scaleplane.core.bus.EventScope;
import dev.scaleplane.core.codec.BinaryBinding;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription: a consumer with the single-active-consumer flag on every shard queue of its group, one channel
 * per shard, and {@code concurrency} lanes (threads) that run the handler. A delivery goes to the lane of its
 * ordering key, so one key's events are handled one at a time in queue order while other keys run in parallel.
 *
 * <p>The broker makes one member of the group the active consumer of each shard. To share the shards, each member
 * periodically compares the shards it is active on with its fair share ({@code ceil(shards / members)}); when above,
 * it stops starting deliveries of a surplus shard, waits for the calls of that shard in progress, and closes the
 * shard's channel. The broker requeues what was delivered but not started (in order) and hands the shard to the next
 * waiting member; this member then registers again, at the back of the line.
 *
 * <p>Thread-safe.
 */
final class Member implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(Member.class);
    private static final ThreadLocal<@Nullable Member> RUNNING = new ThreadLocal<>();

    private final RabbitEventBus bus;
    private final SubscriptionOptions options;
    private final EventHandler<Object> handler;
    private final GroupState group;
    private final Shard[] shards;
    private final List<Lane> lanes = new ArrayList<>();
    private volatile boolean closing;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    // A consumer on the group's presence queue: its consumer count is the number of members.
    private @Nullable Channel presence;

    Member(RabbitEventBus bus, SubscriptionOptions options, EventHandler<Object> handler, GroupState group)
            throws IOException {
        this.bus = bus;
        this.options = options;
        this.handler = handler;
        this.group = group;
        shards = new Shard[group.shardQueues.length];
        for (int i = 0; i < options.concurrency(); i++) {
            Lane lane = new Lane("scaleplane-rabbitmq-" + options.topic() + "-" + options.group() + "-" + i);
            lanes.add(lane);
        }
        lanes.forEach(l -> l.thread.start());
        try {
            Channel p = bus.consumerConnection().createChannel();
            presence = p;
            p.basicConsume(group.presenceQueue, true, new DefaultConsumer(p));
            for (int i = 0; i < shards.length; i++) {
                shards[i] = new Shard(i, group.shardQueues[i]);
                shards[i].open();
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public String topic() {
        return options.topic();
    }

    @Override
    public String group() {
        return options.group();
    }

    @Override
    public boolean isActive() {
        return !closing;
    }

    @Override
    public void close() {
        if (closing) {
            if (RUNNING.get() != this) {
                closed.join();
            }
            return;
        }
        closing = true;
        for (Shard s : shards) {
            if (s != null) {
                s.stopStarting();
            }
        }
        if (RUNNING.get() == this) {
            // Called from this subscription's own handler: that call is in progress, so finish closing elsewhere.
            Thread t = new Thread(this::finishClose, "scaleplane-rabbitmq-close-" + options.group());
            t.setDaemon(true);
            t.start();
        } else {
            finishClose();
        }
    }

    private void finishClose() {
        long deadline = System.nanoTime() + bus.config().drainTimeout().toNanos();
        for (Shard s : shards) {
            if (s != null) {
                s.awaitIdle(deadline);
                s.closeChannel();
            }
        }
        lanes.forEach(Lane::stop);
        Channel p = presence;
        if (p != null && p.isOpen()) {
            try {
                p.close();
            } catch (IOException | java.util.concurrent.TimeoutException | AlreadyClosedException e) {
                log.debug("closing the presence channel: {}", e.toString());
            }
        }
        bus.memberClosed(this);
        closed.complete(null);
    }

    /** Called periodically by the bus: reports queue depth, gives up shards above the fair share. */
    void rebalance() {
        if (closing) {
            return;
        }
        long depth = 0;
        for (Shard s : shards) {
            AMQP.Queue.DeclareOk ok = bus.inspect(s.queue);
            if (ok == null) {
                return;
            }
            depth += ok.getMessageCount();
        }
        AMQP.Queue.DeclareOk present = bus.inspect(group.presenceQueue);
        if (present == null) {
            return;
        }
        int members = Math.max(1, present.getConsumerCount());
        group.queueDepth.set(depth);
        int fair = (shards.length + members - 1) / members;
        int active = 0;
        for (Shard s : shards) {
            if (s.reopenIfReleased()) {
                continue;
            }
            if (s.active && !s.releasing) {
                active++;
            }
        }
        for (int i = shards.length - 1; i >= 0 && active > fair; i--) {
            Shard s = shards[i];
            if (s.active && !s.releasing) {
                s.release();
                active--;
            }
        }
    }

    /** One shard queue: its channel, consumer and the calls of its deliveries in progress. */
    private final class Shard {
        final int index;
        final String queue;
        // Guarded by this: generation of the channel, whether new deliveries may start, calls in progress.
        private int generation;
        private boolean releasing;
        private int running;
        private @Nullable Channel channel;
        volatile boolean active;

        Shard(int index, String queue) {
            this.index = index;
            this.queue = queue;
        }

        void open() throws IOException {
            Channel ch = bus.consumerConnection().createChannel();
            ch.basicQos(bus.config().prefetch());
            int gen;
            synchronized (this) {
                generation++;
                gen = generation;
                releasing = false;
                active = false;
                channel = ch;
            }
            ch.basicConsume(queue, false, new ShardConsumer(ch, this, gen));
        }

        /** Dispatches a delivery unless the shard is being released. */
        void deliver(Work w) {
            synchronized (this) {
                if (releasing || w.generation != generation) {
                    return; // stays unacknowledged: requeued when the channel closes
                }
            }
            active = true;
            group.inFlight.incrementAndGet();
            lanes.get(Math.floorMod(w.key.hashCode(), lanes.size())).queue.add(w);
        }

        /** Whether a dequeued delivery may start; counts it as running if so. */
        synchronized boolean tryStart(Work w) {
            if (releasing || closing || w.generation != generation) {
                return false;
            }
            running++;
            return true;
        }

        void finished() {
            boolean reopen;
            synchronized (this) {
                running--;
                reopen = releasing && running == 0 && !closing;
                notifyAll();
            }
            if (reopen) {
                bus.scheduler().execute(this::reopenIfReleased);
            }
        }

        synchronized void stopStarting() {
            releasing = true;
        }

        void release() {
            boolean now;
            synchronized (this) {
                releasing = true;
                now = running == 0;
            }
            if (now) {
                reopenIfReleased();
            }
        }

        /** Closes and reopens the channel if this shard is released and idle; returns whether it did. */
        boolean reopenIfReleased() {
            synchronized (this) {
                if (!releasing || running != 0 || closing) {
                    return false;
                }
            }
            closeChannel();
            try {
                open();
            } catch (IOException | RuntimeException e) {
                log.warn("re-registering on {} failed; retrying at the next rebalance: {}", queue, e.toString());
                return true;
            }
            return true;
        }

        /** After a broker-side cancel of the consumer of {@code cancelledGeneration}. */
        void redeclareAndReopen(int cancelledGeneration) {
            synchronized (this) {
                if (closing || generation != cancelledGeneration) {
                    return;
                }
            }
            try {
                bus.declareGroupAgain(group);
                closeChannel();
                open();
            } catch (IOException | RuntimeException e) {
                log.warn(
                        "re-registering on {} failed; releasing it so the next rebalance retries: {}",
                        queue,
                        e.toString());
                release();
            }
        }

        void awaitIdle(long deadline) {
            synchronized (this) {
                while (running > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        log.warn("{}: {} handler call(s) still running after the drain timeout", queue, running);
                        return;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        void closeChannel() {
            Channel ch;
            synchronized (this) {
                ch = channel;
                channel = null;
                generation++;
            }
            if (ch != null) {
                try {
                    if (ch.isOpen()) {
                        ch.close();
                    }
                } catch (IOException | java.util.concurrent.TimeoutException | AlreadyClosedException e) {
                    log.debug("closing the channel of {}: {}", queue, e.toString());
                }
            }
        }
    }

    private final class ShardConsumer extends DefaultConsumer {
        private final Shard shard;
        private final int generation;

        ShardConsumer(Channel channel, Shard shard, int generation) {
            super(channel);
            this.shard = shard;
            this.generation = generation;
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
            shard.deliver(new Work(shard, generation, getChannel(), envelope, props, body, keyOf(props)));
        }

        /**
         * The broker cancelled the consumer: its queue was deleted behind the bus. Declare the group's topology again
         * and register anew, off the connection thread, so the member keeps receiving what is published from now on.
         */
        @Override
        public void handleCancel(String consumerTag) {
            if (closing) {
                return;
            }
            log.warn("the broker cancelled the consumer of {} (queue deleted?); declaring it again", shard.queue);
            bus.scheduler().execute(() -> shard.redeclareAndReopen(generation));
        }
    }

    private static String keyOf(AMQP.BasicProperties props) {
        Map<String, Object> h = props.getHeaders();
        if (h != null) {
            String k = Headers.string(h.get(BinaryBinding.AMQP.header("partitionkey")));
            if (k == null) {
                k = Headers.string(h.get(BinaryBinding.AMQP.header("subject")));
            }
            if (k == null) {
                k = Headers.string(h.get(BinaryBinding.AMQP.header("id")));
            }
            if (k != null) {
                return k;
            }
        }
        return props.getMessageId() != null ? props.getMessageId() : "";
    }

    private record Work(
            Shard shard,
            int generation,
            Channel channel,
            Envelope envelope,
            AMQP.BasicProperties props,
            byte[] body,
            String key) {}

    private final class Lane implements Runnable {
        final BlockingQueue<Work> queue = new LinkedBlockingQueue<>();
        final Thread thread;
        private volatile boolean stopped;

        Lane(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        void stop() {
            stopped = true;
            thread.interrupt();
        }

        @Override
        public void run() {
            while (!stopped) {
                Work w;
                try {
                    w = queue.take();
                } catch (InterruptedException e) {
                    if (stopped) {
                        break;
                    }
                    continue;
                }
                if (!w.shard.tryStart(w)) {
                    group.inFlight.decrementAndGet();
                    continue;
                }
                try {
                    process(w);
                } catch (RuntimeException e) {
                    log.error("processing a delivery of {} failed; it stays unacknowledged", w.shard.queue, e);
                    done(w);
                }
            }
            Work w;
            while ((w = queue.poll()) != null) {
                group.inFlight.decrementAndGet();
            }
        }
    }

    private void done(Work w) {
        group.inFlight.decrementAndGet();
        w.shard.finished();
    }

    private void ack(Work w) {
        try {
            w.channel.basicAck(w.envelope.getDeliveryTag(), false);
        } catch (IOException | AlreadyClosedException e) {
            // The channel is gone, so the broker requeues the message: at-least-once, it comes again.
            log.debug("ack on {} failed: {}", w.shard.queue, e.toString());
        }
        done(w);
    }

    private void requeue(Work w) {
        try {
            w.channel.basicNack(w.envelope.getDeliveryTag(), false, true);
        } catch (IOException | AlreadyClosedException e) {
            log.debug("nack on {} failed: {}", w.shard.queue, e.toString());
        }
        done(w);
    }

    private void process(Work w) {
        Map<String, Object> headers = w.props.getHeaders();
        Event<?> event;
        try {
            event = bus.codec().decodeBinary(Headers.strings(w.props, false), w.body, BinaryBinding.AMQP);
        } catch (EventDecodingException e) {
            DeadLetter.Reason reason = e.reason() == EventDecodingException.Reason.DATA_MISMATCH
                    ? DeadLetter.Reason.INVALID
                    : DeadLetter.Reason.UNDECODABLE;
            deadLetter(w, reason, e, 0, Instant.now(bus.busClock()));
            return;
        } catch (RuntimeException e) {
            deadLetter(w, DeadLetter.Reason.UNDECODABLE, e, 0, Instant.now(bus.busClock()));
            return;
        }
        if (!options.accepts(event.type())) {
            ack(w);
            return;
        }
        DeduplicationWindow dedup = group.dedup;
        String dedupKey = null;
        if (dedup != null) {
            dedupKey = DeduplicationWindow.key(event);
            if (dedup.seen(dedupKey, System.nanoTime())) {
                group.metrics.deduplicated.increment();
                ack(w);
                return;
            }
        }
        int attempt = (int) Headers.number(headers, Headers.ATTEMPTS, 0) + 1;
        Throwable failure = null;
        Event<?> previous = EventScope.enter(event);
        Member previousMember = RUNNING.get();
        RUNNING.set(this);
        try {
            handler.handle(castEvent(event));
        } catch (Exception | LinkageError | AssertionError e) {
            failure = e;
        } finally {
            RUNNING.set(previousMember);
            EventScope.exit(previous);
        }
        Instant now = Instant.now(bus.busClock());
        if (failure == null) {
            if (dedup != null) {
                dedup.record(dedupKey, System.nanoTime());
            }
            group.metrics.delivered.increment();
            Duration latency = Duration.between(event.time(), now);
            if (!latency.isNegative()) {
                group.metrics.latency.record(latency);
            }
            ack(w);
            return;
        }
        if (failure instanceof InterruptedException && closing) {
            requeue(w);
            return;
        }
        Instant first = Headers.instant(headers, Headers.FIRST_FAILURE, now);
        boolean retrying = options.retryPolicy().shouldRetry(failure, attempt);
        group.metrics.handlerFailed(event.id(), event.type(), attempt, failure, retrying);
        if (retrying) {
            Duration delay = options.retryPolicy()
                    .delayBefore(attempt, ThreadLocalRandom.current().nextDouble());
            Map<String, Object> copy = new java.util.LinkedHashMap<>(headers == null ? Map.of() : headers);
            copy.remove(Headers.PUBLISH_SEQ);
            copy.put(Headers.ATTEMPTS, attempt);
            copy.put(Headers.FIRST_FAILURE, first.toEpochMilli());
            copy.put(Headers.LAST_FAILURE, now.toEpochMilli());
            bus.publishRetry(w.shard.queue, delay, w.props, copy, w.body, event).whenComplete((seq, e) -> {
                if (e == null) {
                    ack(w);
                } else {
                    log.warn("scheduling a retry of {} failed; redelivering it now: {}", event.id(), e.toString());
                    requeue(w);
                }
            });
            return;
        }
        DeadLetter.Reason reason = options.retryPolicy().isNonRetryable(failure)
                ? DeadLetter.Reason.NON_RETRYABLE
                : DeadLetter.Reason.HANDLER_FAILED;
        deadLetterAfter(w, reason, failure, attempt, first, now);
    }

    @SuppressWarnings("unchecked")
    private static Event<Object> castEvent(Event<?> event) {
        return (Event<Object>) event;
    }

    private void deadLetter(Work w, DeadLetter.Reason reason, Throwable failure, int attempts, Instant now) {
        deadLetterAfter(w, reason, failure, attempts, now, now);
    }

    private void deadLetterAfter(
            Work w, DeadLetter.Reason reason, Throwable failure, int attempts, Instant first, Instant last) {
        Map<String, Object> headers =
                new java.util.LinkedHashMap<>(w.props.getHeaders() == null ? Map.of() : w.props.getHeaders());
        headers.remove(Headers.PUBLISH_SEQ);
        headers.put(Headers.DEAD_LETTER_ID, UUID.randomUUID().toString());
        headers.put(Headers.TOPIC, options.topic());
        headers.put(Headers.GROUP, options.group());
        headers.put(Headers.REASON, reason.name());
        headers.put(Headers.EXCEPTION_TYPE, failure.getClass().getName());
        headers.put(Headers.EXCEPTION_MESSAGE, DeadLetterRecords.message(failure));
        headers.put(Headers.STACK_TRACE, DeadLetterRecords.stackTrace(failure));
        headers.put(Headers.ATTEMPTS, attempts);
        headers.put(Headers.FIRST_FAILURE, first.toEpochMilli());
        headers.put(Headers.LAST_FAILURE, last.toEpochMilli());
        headers.put(Headers.ORIGIN, w.shard.queue + "#" + w.envelope.getDeliveryTag());
        bus.publishDeadLetter(group, w.props, headers, w.body).whenComplete((seq, e) -> {
            if (e == null) {
                // The message id and type as sent: an undecodable message has no event to ask.
                group.metrics.deadLettered(
                        reason,
                        w.props.getMessageId() != null ? w.props.getMessageId() : "(no message id)",
                        String.valueOf(headers.getOrDefault("cloudEvents:type", "(no type)")),
                        attempts,
                        failure);
                ack(w);
            } else {
                log.warn("dead-lettering a message of {} failed; redelivering it: {}", w.shard.queue, e.toString());
                requeue(w);
            }
        });
    }
}
