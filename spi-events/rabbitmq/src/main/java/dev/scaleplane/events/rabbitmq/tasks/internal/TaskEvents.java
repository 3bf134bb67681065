package dev.scaleplane.events.rabbitmq.tasks.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.scaleplane.api.orchestration.LeaseLostException;
import dev.scaleplane.api.orchestration.TaskState;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-process fan-out: how results, cancellations and state changes made by one process reach the handles of the
 * others. Each queue instance publishes its state changes to the {@code Q.events} fanout exchange and listens on an
 * exclusive, auto-deleted queue of its own, skipping its own events.
 *
 * <p>Best effort, without confirms: an event lost with its publisher only leaves another process's handle behind (its
 * entry then stays until the queue closes); the task itself is safe in the broker. A handle learns the outcomes
 * decided elsewhere from then on, not those before it existed here.
 *
 * <p>Guarded by the queue's monitor, except {@link #onEvent}, which runs on the connection's consumer thread and takes
 * it.
 */
final class TaskEvents {
    private static final Logger LOG = LoggerFactory.getLogger(TaskEvents.class);
    private static final String H_ORIGIN = "x-sp-origin";
    private static final String H_EVENT = "x-sp-event";

    private final String instanceId = UUID.randomUUID().toString();
    private final String exchange;
    private final ClassLoader loader;
    private final QueueMonitor monitor;
    private final TaskBook book;
    private final HeldMessages held;
    private final BrokerLink broker;
    private @Nullable Channel eventsChannel;

    TaskEvents(
            Topology topology,
            ClassLoader loader,
            QueueMonitor monitor,
            TaskBook book,
            HeldMessages held,
            BrokerLink broker) {
        this.exchange = topology.eventsExchange();
        this.loader = loader;
        this.monitor = monitor;
        this.book = book;
        this.held = held;
        this.broker = broker;
    }

    /** Listens on connection {@code c} unless this instance already does. Monitor held. */
    void ensureSubscribed(Connection c) throws IOException {
        Channel ech = eventsChannel;
        if (ech == null || !ech.isOpen() || ech.getConnection() != c) {
            subscribe(c);
        }
    }

    /** Listens to the events exchange on an exclusive, auto-deleted queue of this instance. */
    private void subscribe(Connection c) throws IOException {
        Channel ech = c.createChannel();
        ech.exchangeDeclare(exchange, "fanout", true);
        String own = ech.queueDeclare("", false, true, true, Map.of()).getQueue();
        ech.queueBind(own, exchange, "");
        ech.basicConsume(
                own, true, (tag, delivery) -> onEvent(delivery.getProperties(), delivery.getBody()), tag -> {});
        eventsChannel = ech;
    }

    /**
     * Tells other processes about a state change. Best effort (no confirm): an event lost with its publisher only
     * leaves another process's handle behind; the task itself is safe in the broker. Monitor held.
     */
    void publish(String taskId, TaskState state, @Nullable Object detail) {
        Channel ech = eventsChannel;
        if (ech == null || !ech.isOpen()) {
            return;
        }
        Map<String, Object> headers = new HashMap<>();
        headers.put(H_ORIGIN, instanceId);
        headers.put(H_EVENT, state.name());
        byte[] body = new byte[0];
        if (detail != null) {
            try {
                body = TaskMessage.MAPPER.writeValueAsBytes(detail);
                headers.put(TaskMessage.H_PAYLOAD_CLASS, detail.getClass().getName());
            } catch (JsonProcessingException e) {
                LOG.warn("The result of task {} does not encode as JSON; other processes see it as null", taskId);
            }
        }
        try {
            ech.basicPublish(
                    exchange,
                    "",
                    new AMQP.BasicProperties.Builder()
                            .messageId(taskId)
                            .headers(headers)
                            .build(),
                    body);
        } catch (IOException e) {
            LOG.warn("Could not publish the {} event of task {}: {}", state, taskId, e.toString());
        }
    }

    /** An event from another process; runs on the connection's consumer thread. */
    private void onEvent(AMQP.BasicProperties props, byte[] body) {
        Map<String, Object> h = props.getHeaders() == null ? Map.of() : props.getHeaders();
        String taskId = props.getMessageId();
        String origin = TaskMessage.optional(h, H_ORIGIN);
        String kind = TaskMessage.optional(h, H_EVENT);
        if (taskId == null || kind == null || instanceId.equals(origin)) {
            return;
        }
        monitor.background(() -> {
            if (monitor.closed()) {
                return;
            }
            try {
                apply(taskId, TaskState.valueOf(kind), h, body);
            } catch (RuntimeException e) {
                LOG.warn("Ignoring an event of task {} from another process: {}", taskId, e.toString());
            }
        });
    }

    /** Applies another process's event to this process's view of the task. Monitor held. */
    private void apply(String taskId, TaskState state, Map<String, Object> h, byte[] body) {
        Entry e = book.get(taskId);
        if (state == TaskState.CANCELLED) {
            book.cancelledElsewhere(taskId);
            if (e == null || e.state.isTerminal()) {
                return;
            }
            RabbitLease lease = e.lease;
            if (lease != null) {
                lease.end(LeaseLostException.Reason.CANCELLED);
                book.forgetCancel(taskId);
                broker.drop(lease.held);
            } else {
                Held message = held.find(taskId);
                if (message != null) {
                    held.remove(message);
                    book.forgetCancel(taskId);
                    broker.drop(message);
                }
            }
            // Not held here: whichever process finds the message drops it and takes its token.
            book.finish(e, TaskState.CANCELLED, "cancelled by another process", null);
            return;
        }
        if (e == null || e.state.isTerminal() || e.lease != null) {
            return;
        }
        switch (state) {
            case SUCCEEDED -> book.succeed(e, decodeResult(h, body));
            case FAILED -> book.finish(e, TaskState.FAILED, "it failed in another process (deadline)", null);
            case DEAD_LETTERED -> book.finish(e, TaskState.DEAD_LETTERED, "dead-lettered by another process", null);
            default -> e.state = state;
        }
    }

    private @Nullable Object decodeResult(Map<String, Object> h, byte[] body) {
        String type = TaskMessage.optional(h, TaskMessage.H_PAYLOAD_CLASS);
        if (type == null || body.length == 0) {
            return null;
        }
        try {
            return TaskMessage.MAPPER.readValue(body, Class.forName(type, false, loader));
        } catch (ClassNotFoundException | IOException e) {
            try {
                return TaskMessage.MAPPER.readValue(body, Object.class);
            } catch (IOException again) {
                return null;
            }
        }
    }
}
