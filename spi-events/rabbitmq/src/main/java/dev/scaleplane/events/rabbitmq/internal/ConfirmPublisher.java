package dev.scaleplane.events.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.scaleplane.api.events.BusClosedException;
import dev.scaleplane.api.events.PublishException;
import dev.scaleplane.api.events.PublishTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Publishes on one channel in confirm mode with a bounded window of unconfirmed messages. Each publish gets a future
 * that completes with its sequence number on the broker's ack, and fails on a nack, a return (unroutable message
 * published with the mandatory flag) or a lost channel. While the connection is down, publishes wait (within their
 * timeout) for automatic recovery.
 *
 * <p>Futures complete on the client's connection thread: callbacks must not block. Thread-safe.
 */
public final class ConfirmPublisher {
    private final Connection connection;
    private volatile Channel channel;
    private final Semaphore window;
    private final int windowSize;
    private final ConcurrentSkipListMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
    private final Object publishLock = new Object();
    private final Object recovered = new Object();
    private volatile boolean closed;

    private static final class Pending {
        final CompletableFuture<Long> future = new CompletableFuture<>();
        final String topic;
        final String eventId;
        volatile @Nullable String returned;

        Pending(String topic, String eventId) {
            this.topic = topic;
            this.eventId = eventId;
        }
    }

    /** Opens the channel on {@code connection} and turns on confirms. */
    public ConfirmPublisher(Connection connection, int windowSize) throws IOException {
        this.connection = connection;
        this.windowSize = windowSize;
        this.window = new Semaphore(windowSize);
        this.channel = open();
        if (connection instanceof Recoverable r) {
            r.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recoverable) {
                    synchronized (recovered) {
                        recovered.notifyAll();
                    }
                }

                @Override
                public void handleRecoveryStarted(Recoverable recoverable) {}
            });
        }
    }

    private Channel open() throws IOException {
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        ch.addConfirmListener(this::acked, this::nacked);
        ch.addReturnListener(r -> {
            long seq = Headers.number(r.getProperties().getHeaders(), Headers.PUBLISH_SEQ, -1);
            Pending p = pending.get(seq);
            if (p != null) {
                p.returned = r.getReplyCode() + " " + r.getReplyText() + " (exchange '" + r.getExchange()
                        + "', routing key '" + r.getRoutingKey() + "')";
            }
        });
        ch.addShutdownListener(this::lost);
        return ch;
    }

    /**
     * Publishes a message. Blocks the caller for up to {@code timeout} while the window is full or the connection is
     * down.
     *
     * @param headers mutable headers; the sequence header is added
     * @return a future completing with the sequence number on the confirm
     */
    public CompletableFuture<Long> publish(
            String exchange,
            String routingKey,
            AMQP.BasicProperties.Builder props,
            Map<String, Object> headers,
            byte[] body,
            Duration timeout,
            String topic,
            String eventId) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!window.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return CompletableFuture.failedFuture(new PublishTimeoutException(
                        topic, eventId, timeout, "room among the " + windowSize + " unconfirmed publishes"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new PublishException(topic, eventId, "interrupted", e));
        }
        Pending p = new Pending(topic, eventId);
        while (true) {
            if (closed) {
                // The bus's close began after this publish passed its closed check: the typed answer for that race.
                window.release();
                return CompletableFuture.failedFuture(new BusClosedException(topic, eventId));
            }
            Channel ch = channel;
            if (!ch.isOpen()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    window.release();
                    return CompletableFuture.failedFuture(new PublishTimeoutException(
                            topic, eventId, timeout, "the connection to RabbitMQ to come back"));
                }
                synchronized (recovered) {
                    try {
                        recovered.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        window.release();
                        return CompletableFuture.failedFuture(new PublishException(topic, eventId, "interrupted", e));
                    }
                }
                continue;
            }
            long seq = -1;
            try {
                synchronized (publishLock) {
                    seq = ch.getNextPublishSeqNo();
                    headers.put(Headers.PUBLISH_SEQ, seq);
                    pending.put(seq, p);
                    ch.basicPublish(
                            exchange, routingKey, true, props.headers(headers).build(), body);
                }
                return p.future;
            } catch (AlreadyClosedException | IOException e) {
                // The channel went down between the check and the write. Unless the shutdown listener already failed
                // this publish (and released its permit), wait for recovery like any publish during an outage.
                boolean stillOurs = seq < 0 || pending.remove(seq, p);
                if (!stillOurs) {
                    return p.future;
                }
                if (System.nanoTime() - deadline < 0) {
                    continue;
                }
                window.release();
                return CompletableFuture.failedFuture(new PublishException(
                        topic, eventId, "the connection to RabbitMQ was lost while publishing", e));
            }
        }
    }

    /** Messages published and not yet confirmed. */
    public int unconfirmed() {
        return pending.size();
    }

    /** Waits up to {@code timeout} for every outstanding confirm, then closes the channel (failing what is left). */
    public void close(Duration timeout) {
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        Channel ch = channel;
        while (!pending.isEmpty() && System.nanoTime() - deadline < 0 && ch.isOpen()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            if (ch.isOpen()) {
                ch.close();
            }
        } catch (IOException | java.util.concurrent.TimeoutException | AlreadyClosedException e) {
            // closing anyway: the remaining futures are failed below
        }
        failAll("the bus closed before the broker confirmed", null);
    }

    private void acked(long seq, boolean multiple) {
        complete(seq, multiple, null);
    }

    private void nacked(long seq, boolean multiple) {
        complete(seq, multiple, "the broker refused the message (basic.nack)");
    }

    private void complete(long seq, boolean multiple, @Nullable String failure) {
        if (multiple) {
            ConcurrentNavigableMap<Long, Pending> head = pending.headMap(seq, true);
            for (Map.Entry<Long, Pending> e : head.entrySet()) {
                if (pending.remove(e.getKey(), e.getValue())) {
                    finish(e.getKey(), e.getValue(), failure);
                }
            }
        } else {
            Pending p = pending.remove(seq);
            if (p != null) {
                finish(seq, p, failure);
            }
        }
    }

    private void finish(long seq, Pending p, @Nullable String failure) {
        window.release();
        String returned = p.returned;
        if (returned != null) {
            p.future.completeExceptionally(new PublishException(
                    p.topic, p.eventId, "the message was unroutable and returned by the broker: " + returned, null));
        } else if (failure != null) {
            p.future.completeExceptionally(new PublishException(p.topic, p.eventId, failure, null));
        } else {
            p.future.complete(seq);
        }
    }

    private void lost(ShutdownSignalException cause) {
        if (cause.isHardError() || cause.isInitiatedByApplication()) {
            failAll(
                    "the connection to RabbitMQ was lost before the broker confirmed; the event may or may not have"
                            + " been accepted",
                    cause);
            return;
        }
        // A channel error (for example a publish to an exchange deleted behind the bus's back) closes only this
        // channel, and automatic recovery reopens channels only after a lost connection: open a new one here, on
        // another thread, because this listener runs on the connection's reader thread, which opening needs.
        failAll("the broker closed the publishing channel: " + cause.getMessage(), cause);
        if (!closed) {
            Thread t = new Thread(this::reopen, "scaleplane-rabbitmq-reopen-publisher");
            t.setDaemon(true);
            t.start();
        }
    }

    private void reopen() {
        while (!closed && connection.isOpen()) {
            try {
                channel = open();
                synchronized (recovered) {
                    recovered.notifyAll();
                }
                return;
            } catch (IOException | RuntimeException e) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void failAll(String message, @Nullable Throwable cause) {
        Map.Entry<Long, Pending> e;
        while ((e = pending.pollFirstEntry()) != null) {
            window.release();
            Pending p = e.getValue();
            p.future.completeExceptionally(new PublishException(p.topic, p.eventId, message, cause));
        }
    }
}
