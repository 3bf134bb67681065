package dev.scaleplane.events.rabbitmq.tasks.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueConfig;
import dev.scaleplane.events.rabbitmq.tasks.internal.TaskMessage.UndecodableTaskException;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue's connection to the broker and the channels on it: the main channel, in confirm mode, that carries every
 * held delivery, and the auxiliary channel for operations the broker may answer with a channel error. Publishes wait
 * for their confirm; fetches are {@code basic.get}s without auto-ack, so a held message is an unacknowledged delivery
 * whose tag is valid only on the channel generation ({@link #epoch()}) it came on.
 *
 * <p>Automatic recovery is off: it would renumber delivery tags under held leases. When the main channel is lost the
 * broker has returned everything delivered on it, so the queue drops its holds and leases ({@code channelLost}) and the
 * next operation connects again, declares the topology and subscribes the events ({@code connected}).
 *
 * <p>Guarded by the queue's monitor: every method is called with it held.
 */
final class BrokerLink {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerLink.class);

    /** What the queue does when a connection comes up and when the main channel is lost. Monitor held. */
    interface Hooks {
        /** A new connection is up: subscribe what must follow it (the events of other processes). */
        void connected(Connection c) throws IOException;

        /** The main channel is gone: drop holds and leases; return whether there were any. */
        boolean channelLost();
    }

    private final RabbitTaskQueueConfig config;
    private final Topology topology;
    private final ConnectionFactory factory;
    private final TaskClock clock;
    private final ClassLoader loader;
    private final QueueMonitor monitor;
    private final Hooks hooks;
    private final long idlePollNanos;
    /** Queues found empty, with when to ask again: polling five empty bands on every lease call is wasted work. */
    private final Map<String, Long> emptyUntil = new HashMap<>();

    private @Nullable Connection connection;
    private @Nullable Channel channel;
    private @Nullable Channel auxChannel;
    private long epoch;
    private long sequence;

    BrokerLink(
            RabbitTaskQueueConfig config,
            Topology topology,
            ConnectionFactory factory,
            TaskClock clock,
            ClassLoader loader,
            QueueMonitor monitor,
            Hooks hooks) {
        this.config = config;
        this.topology = topology;
        this.factory = factory;
        this.clock = clock;
        this.loader = loader;
        this.monitor = monitor;
        this.hooks = hooks;
        this.idlePollNanos = config.idlePollInterval().toNanos();
    }

    /** The generation of the main channel: it changes whenever the channel is lost or opened. */
    long epoch() {
        return epoch;
    }

    /** Whether the main channel is not open right now (never opened, lost or closed). */
    boolean disconnected() {
        return channel == null;
    }

    /** The main channel; connects, declares the queues and subscribes the events first if needed. */
    Channel channel() {
        Channel ch = channel;
        if (ch != null && ch.isOpen()) {
            return ch;
        }
        if (ch != null) {
            lostChannel("the channel closed: " + ch.getCloseReason());
        }
        try {
            Connection c = connection;
            if (c == null || !c.isOpen()) {
                try {
                    c = factory.newConnection("scaleplane-tasks-" + config.queue());
                } catch (IOException | TimeoutException e) {
                    // No connection: name the broker, the user and the keys to fix, not a symptom.
                    lostChannel("cannot connect: " + describe(e));
                    throw config.connectFailure(e);
                }
                connection = c;
            }
            ch = c.createChannel();
            ch.confirmSelect();
            topology.declare(ch);
            hooks.connected(c);
            channel = ch;
            epoch++;
            return ch;
        } catch (IOException e) {
            throw brokerFailure(
                    "open a channel on " + config.host() + ":" + config.port() + " and declare the queues", e);
        }
    }

    /**
     * The auxiliary channel, in confirm mode, for operations the broker may answer with a channel error (a lock
     * held elsewhere, a claim queue declared with other arguments): such an error closes this channel only, never
     * the one carrying the held deliveries. Connects if needed.
     */
    Channel aux() {
        Channel a = auxChannel;
        if (a != null && a.isOpen()) {
            return a;
        }
        channel(); // connects if needed
        try {
            a = Objects.requireNonNull(connection, "connection").createChannel();
            a.confirmSelect();
            auxChannel = a;
            return a;
        } catch (IOException e) {
            throw sideFailure("open the auxiliary channel", e);
        }
    }

    /** The auxiliary channel if the queue is open and connected, without connecting; else null. */
    @Nullable
    Channel auxIfConnected() throws IOException {
        Connection c = connection;
        if (monitor.closed() || c == null || !c.isOpen()) {
            return null; // a closed connection took its exclusive queues with it
        }
        Channel a = auxChannel;
        if (a == null || !a.isOpen()) {
            a = c.createChannel();
            a.confirmSelect();
            auxChannel = a;
        }
        return a;
    }

    /** The broker closed the auxiliary channel (a channel error): the next use opens another. */
    void auxBroken() {
        auxChannel = null;
    }

    /** A new channel of its own on the connection (connecting if needed), for the caller to close. */
    Channel newChannel() throws IOException {
        return Objects.requireNonNull(channel().getConnection()).createChannel();
    }

    /** Publishes to the default exchange and waits for the confirm; false if the broker nacked it. */
    boolean publish(Channel ch, String queue, AMQP.BasicProperties props, byte[] body) {
        emptyUntil.remove(queue);
        try {
            ch.basicPublish("", queue, props, body);
            return ch.waitForConfirms(config.confirmTimeout().toMillis());
        } catch (TimeoutException e) {
            throw new ScaleplaneException(
                    "no publisher confirm from the broker for queue " + queue + " within " + config.confirmTimeout()
                            + " (the broker may be overloaded or blocked by a resource alarm)",
                    e);
        } catch (IOException e) {
            throw brokerFailure("publish to " + queue, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScaleplaneException("interrupted while waiting for the confirm of a publish to " + queue, e);
        }
    }

    /** Publishes a task message to its {@linkplain Topology#destination destination}. */
    void publishTask(TaskMessage msg, Instant now) {
        if (!publish(channel(), topology.destination(msg, now), msg.properties(), msg.body())) {
            throw new ScaleplaneException("the broker refused task " + msg.id + " (publish nacked)");
        }
    }

    /** Adds a token to the ledger: one more unfinished task; false if the ledger is full (the broker nacked it). */
    boolean addToken(Channel ch) {
        return publish(
                ch,
                topology.ledger(),
                new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                new byte[0]);
    }

    /** Takes one token from the ledger: the task it counted is finished. */
    void takeToken() {
        String ledger = topology.ledger();
        try {
            if (channel().basicGet(ledger, true) == null) {
                LOG.warn("The ledger queue {} had no token to take: size() and the capacity under-count", ledger);
            }
        } catch (IOException e) {
            throw brokerFailure("take a token from " + ledger, e);
        }
    }

    /** The number of ready messages in {@code queue}. */
    long messageCount(String queue, String what) {
        try {
            return channel().messageCount(queue);
        } catch (IOException e) {
            throw brokerFailure(what, e);
        }
    }

    void ack(Held h) {
        if (h.epoch != epoch) {
            return; // the channel it came on closed, and the broker already put it back
        }
        try {
            channel().basicAck(h.tag, false);
        } catch (IOException e) {
            throw brokerFailure("acknowledge task " + h.msg.id, e);
        }
    }

    /** Returns a held message to its queue. */
    void requeue(Held h) {
        if (h.epoch != epoch) {
            return;
        }
        emptyUntil.remove(h.queue); // it is not empty any more
        try {
            channel().basicNack(h.tag, false, true);
        } catch (IOException e) {
            throw brokerFailure("return task " + h.msg.id + " to the broker", e);
        }
    }

    /**
     * Acknowledges the last message of a finished task and takes its ledger token, if it has one: the token leaves
     * the ledger exactly when the task's last message leaves the broker, whichever process acknowledges it.
     */
    void drop(Held h) {
        ack(h);
        if (h.msg.counted) {
            takeToken();
        }
    }

    /**
     * Fetches the next task message of {@code queue}, unacknowledged; null if it is empty, or was found empty a
     * moment ago and this process has not published to it since. An undecodable message is dead-lettered on the way.
     */
    @Nullable
    Held fetch(String queue) {
        Long idle = emptyUntil.get(queue);
        if (idle != null && idle - System.nanoTime() > 0) {
            return null; // found empty a moment ago, and this process has not published to it since
        }
        Channel ch = channel();
        GetResponse r;
        try {
            r = ch.basicGet(queue, false);
        } catch (IOException e) {
            throw brokerFailure("fetch from " + queue, e);
        }
        if (r == null) {
            emptyUntil.put(queue, System.nanoTime() + idlePollNanos);
            return null;
        }
        long tag = r.getEnvelope().getDeliveryTag();
        TaskMessage msg;
        try {
            msg = TaskMessage.decode(r.getProps(), r.getBody(), loader);
        } catch (UndecodableTaskException e) {
            deadLetterUndecodable(r, e, queue);
            return fetch(queue);
        }
        return new Held(msg, tag, epoch, sequence++, queue, System.nanoTime());
    }

    /** Moves a message this queue cannot decode to the dead-letter queue as it is, with the reason. */
    private void deadLetterUndecodable(GetResponse r, UndecodableTaskException e, String queue) {
        LOG.error("Dead-lettering an undecodable message from {}: {}", queue, e.getMessage());
        AMQP.BasicProperties p = r.getProps();
        Map<String, Object> headers = new HashMap<>(p.getHeaders() == null ? Map.of() : p.getHeaders());
        headers.put(TaskMessage.H_UNDECODABLE, e.getMessage());
        headers.put(TaskMessage.H_DEAD_AT, clock.now().toString());
        String id = p.getMessageId() == null || p.getMessageId().isEmpty()
                ? UUID.randomUUID().toString()
                : p.getMessageId();
        AMQP.BasicProperties props =
                p.builder().messageId(id).headers(headers).deliveryMode(2).build();
        if (!publish(channel(), topology.dead(), props, r.getBody())) {
            throw new ScaleplaneException("the broker refused the dead letter of an undecodable message " + id);
        }
        try {
            channel().basicAck(r.getEnvelope().getDeliveryTag(), false);
        } catch (IOException ex) {
            throw brokerFailure("acknowledge an undecodable message", ex);
        }
    }

    /** A failure on a channel other than the one holding deliveries: that channel and its holds are fine. */
    ScaleplaneException sideFailure(String what, Exception e) {
        return new ScaleplaneException(
                "RabbitMQ task queue " + config.queue() + " at " + config.host() + ":" + config.port() + ": cannot "
                        + what + " (" + describe(e) + ")",
                e);
    }

    /** A failure on the main channel: it is treated as lost. */
    ScaleplaneException brokerFailure(String what, Exception e) {
        lostChannel("cannot " + what + ": " + describe(e));
        return sideFailure(what, e);
    }

    /** Whether {@code e} is the broker closing a channel with reply code {@code code}. */
    static boolean isChannelError(IOException e, int code) {
        return e.getCause() instanceof ShutdownSignalException s
                && s.getReason() instanceof AMQP.Channel.Close close
                && close.getReplyCode() == code;
    }

    /** The most telling message of a client exception: the broker's reply text hides in the cause. */
    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException || t.getMessage() != null) {
                return t.toString();
            }
        }
        return e.toString();
    }

    /**
     * The channel is gone: the broker returned every message it delivered on it, so holds are dropped and leases
     * are lost (their tasks are handed out again).
     */
    private void lostChannel(String why) {
        Channel ch = channel;
        channel = null;
        epoch++;
        if (hooks.channelLost()) {
            LOG.warn("RabbitMQ task queue {}: {}; held tasks went back to the broker", config.queue(), why);
        }
        if (ch != null && ch.isOpen()) {
            try {
                ch.abort();
            } catch (IOException ignored) {
                // aborting a broken channel can only fail because it is broken already
            }
        }
    }

    /** Closes the connection, and with it the channels; the broker returns what they held. */
    void close() {
        Connection c = connection;
        connection = null;
        channel = null;
        if (c != null && c.isOpen()) {
            try {
                c.close(5_000);
            } catch (IOException e) {
                LOG.debug("Closing the connection of {} failed", config.queue(), e);
            }
        }
    }
}
