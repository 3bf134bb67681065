package dev.scaleplane.events.rabbitmq.tasks.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueConfig;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The channel that carries submissions (ledger tokens and new task messages), in confirm mode, used without the
 * queue's monitor: each publish gets a future that the broker's confirm completes ({@code true} on ack, {@code false}
 * on nack), so that submitters on many threads, and {@code submitAsync} callers, wait for their confirms together
 * instead of one confirm round trip after another under the monitor. {@code Channel.waitForConfirms} would wait for
 * every publish in flight on the channel, so each publish is matched to its own sequence number instead.
 *
 * <p>The futures complete on the client's connection thread: dependents must be cheap or run on an executor.
 *
 * <p>Thread-safe: publishes are serialized on this object's lock (the sequence number and the publish must match);
 * the channel is opened through the queue's monitor (lock order: this lock, then the monitor; never the reverse).
 */
final class SubmitChannel {
    /** One channel generation and the publishes awaiting its confirms: sequence numbers restart on each channel. */
    private static final class Generation {
        final Channel channel;
        final ConcurrentNavigableMap<Long, CompletableFuture<Boolean>> unconfirmed = new ConcurrentSkipListMap<>();

        Generation(Channel channel) {
            this.channel = channel;
        }

        void confirmed(long seq, boolean multiple, boolean ack) {
            Map<Long, CompletableFuture<Boolean>> done = multiple ? unconfirmed.headMap(seq, true) : null;
            if (done == null) {
                CompletableFuture<Boolean> f = unconfirmed.remove(seq);
                if (f != null) {
                    f.complete(ack);
                }
                return;
            }
            // In sequence order, so that submissions are accepted in the order they were made.
            for (Map.Entry<Long, CompletableFuture<Boolean>> e : done.entrySet()) {
                if (unconfirmed.remove(e.getKey(), e.getValue())) {
                    e.getValue().complete(ack);
                }
            }
        }

        void lost(Throwable why) {
            for (Long seq : unconfirmed.keySet()) {
                CompletableFuture<Boolean> f = unconfirmed.remove(seq);
                if (f != null) {
                    f.completeExceptionally(why);
                }
            }
        }
    }

    private final RabbitTaskQueueConfig config;
    private final BrokerLink broker;
    private final QueueMonitor monitor;
    private volatile @Nullable Generation current;

    SubmitChannel(RabbitTaskQueueConfig config, BrokerLink broker, QueueMonitor monitor) {
        this.config = config;
        this.broker = broker;
        this.monitor = monitor;
    }

    /**
     * Publishes to the default exchange; the future completes with whether the broker confirmed ({@code true}) or
     * refused ({@code false}) it, or fails if the channel closed first or no confirm came within the confirm timeout.
     * Never call it with the queue's monitor held.
     */
    CompletableFuture<Boolean> publish(String queue, AMQP.BasicProperties props, byte[] body) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        synchronized (this) {
            Generation g;
            try {
                g = generation();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            long seq = g.channel.getNextPublishSeqNo();
            g.unconfirmed.put(seq, f);
            try {
                g.channel.basicPublish("", queue, props, body);
            } catch (IOException | RuntimeException e) {
                g.unconfirmed.remove(seq);
                return CompletableFuture.failedFuture(
                        broker.sideFailure("publish to " + queue + " on the submit channel", e));
            }
        }
        long timeout = config.confirmTimeout().toMillis();
        return f.orTimeout(timeout, TimeUnit.MILLISECONDS).exceptionallyCompose(e -> {
            if (e instanceof TimeoutException) {
                return CompletableFuture.failedFuture(new ScaleplaneException(
                        "no publisher confirm from the broker for queue " + queue + " within "
                                + config.confirmTimeout()
                                + " (the broker may be overloaded or blocked by a resource alarm)",
                        e));
            }
            return CompletableFuture.failedFuture(e);
        });
    }

    /** The open channel generation; opens a channel (connecting if needed) through the monitor. Lock held. */
    private Generation generation() {
        Generation g = current;
        if (g != null && g.channel.isOpen()) {
            return g;
        }
        Channel ch = monitor.call(() -> {
            try {
                Channel c = broker.newChannel();
                c.confirmSelect();
                return c;
            } catch (IOException e) {
                throw broker.sideFailure("open the submit channel", e);
            }
        });
        Generation next = new Generation(ch);
        ch.addConfirmListener(
                (seq, multiple) -> next.confirmed(seq, multiple, true),
                (seq, multiple) -> next.confirmed(seq, multiple, false));
        ch.addShutdownListener(cause -> next.lost(new ScaleplaneException(
                "RabbitMQ task queue " + config.queue() + ": the submit channel closed before the broker confirmed"
                        + " a submission, which may or may not be in the broker (" + cause.getMessage() + ")",
                cause)));
        current = next;
        return next;
    }

    /** Closes the channel; submissions still unconfirmed fail. Any thread. */
    void close() {
        Generation g = current;
        if (g != null && g.channel.isOpen()) {
            try {
                g.channel.close();
            } catch (IOException | TimeoutException | RuntimeException e) {
                g.lost(e);
            }
        }
    }
}
