package dev.scaleplane.api.events;

import dev.scaleplane.api.spi.Capabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes events to topics and delivers them to subscription groups.
 *
 * <h2>Delivery contract</h2>
 *
 * Every implementation keeps these guarantees; {@code EventBusCompatibilityKit} in {@code scaleplane-tck} checks
 * them.
 *
 * <ul>
 *   <li><b>Acceptance.</b> The future returned by {@code publish} completes only when the backend has accepted the
 *       event as durably as it can ({@link Capabilities.Capability#DURABLE durable} backends: persisted by the
 *       broker; in-memory: enqueued for every group). A publish that cannot be accepted completes its future
 *       exceptionally with a {@link PublishException}; nothing is dropped silently.
 *   <li><b>Back-pressure.</b> Buffers are bounded. When one is full, {@code publish} blocks the caller for up to the
 *       configured publish timeout, then fails with {@link PublishTimeoutException}.
 *   <li><b>At-least-once.</b> Every subscription group receives every event published to its topic after the group
 *       was created; an event is acknowledged only after its handler returned normally. Handlers must therefore be
 *       idempotent or use {@link SubscriptionOptions.Builder#deduplicate}.
 *   <li><b>Order.</b> Within a group, events with the same {@linkplain Event#orderingKey() ordering key} are handled
 *       one at a time in publish order (for publishes from one thread); events with different keys are handled in
 *       parallel up to the subscription's concurrency.
 *   <li><b>Groups.</b> Subscriptions with the same topic and group compete: each event goes to one of them.
 *       Different groups each get every event (broadcast).
 *   <li><b>Retries and dead letters.</b> A handler that throws is retried per the subscription's retry policy; after
 *       the last attempt the event goes to the dead-letter destination with the failure recorded. Undecodable or
 *       invalid messages go there directly, with the reason. See {@link #deadLetters()}.
 *   <li><b>Close.</b> {@link #close()} stops intake, drains in-flight work, acknowledges what finished and releases
 *       threads and connections.
 * </ul>
 *
 * <p>Thread-safety: all methods may be called concurrently from any thread.
 */
public interface EventBus extends AutoCloseable {

    /**
     * Publishes an event to a topic.
     *
     * @param topic topic name: 1-200 characters from letters, digits, {@code . _ -}
     * @param event the event
     * @return a future that completes with a receipt once the event is accepted (see the delivery contract), or
     *     exceptionally with a {@link PublishException}: {@link PublishTimeoutException} when the buffer stayed full
     *     for the publish timeout, {@link BusClosedException} after close
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the topic name is invalid, or the event's payload class is registered
     *     under a different type name than the event carries
     */
    CompletableFuture<PublishReceipt> publish(String topic, Event<?> event);

    /**
     * Wraps a payload in a new envelope and publishes it. The envelope gets a fresh id, the current time, the
     * platform's configured source and the type registered for the payload's class. When called from inside a
     * handler, the new event also gets the handled event's correlation id (or its id when it has none) and tenant,
     * the handled event's id as causation id, and a child of its trace context; otherwise a new root trace context.
     *
     * @param topic topic name (see {@link #publish(String, Event)})
     * @param data the payload; its class must be registered
     * @return as {@link #publish(String, Event)}
     * @throws UnknownEventTypeException if the payload's class is not registered
     */
    CompletableFuture<PublishReceipt> publish(String topic, Object data);

    /**
     * Publishes a batch of events to a topic with one future for all of them: the same delivery contract as calling
     * {@link #publish(String, Event)} for each event in list order from this thread, at a lower cost per event where
     * the backend can take a batch at once (the in-memory bus claims buffer room for a run of events in one step and
     * allocates no receipt per event).
     *
     * <ul>
     *   <li><b>Order.</b> Events are handed to the backend in list order, so events of one ordering key are handled
     *       in list order, and after events of the same key this thread published earlier.
     *   <li><b>Not atomic.</b> Each event is accepted or not on its own, as with separate publishes: when some are
     *       not accepted the others still are, and are delivered. The future then fails with a
     *       {@link PublishBatchException} that lists which events were accepted and why each other one was not; it
     *       is never completed with a partial list.
     *   <li><b>Back-pressure.</b> When buffers are full the call blocks the caller as {@code publish} would for the
     *       events it still has to hand over, and an event that finds no room within the publish timeout fails with
     *       {@link PublishTimeoutException}. The in-memory bus bounds the whole call by one publish timeout: once it
     *       has waited that long, the remaining events are taken only where there is room at once.
     *   <li><b>Closed bus.</b> Events that reach a closed bus fail with {@link BusClosedException} (inside the
     *       {@code PublishBatchException}).
     * </ul>
     *
     * <p>The list is read once, during the call; changing it afterwards changes nothing.
     *
     * @implSpec The default implementation checks the arguments and the topic name, then calls
     *     {@link #publish(String, Event)} for each event in list order and combines the futures with
     *     {@link PublishBatchException#combine}. A payload registered under another type name is then found only
     *     when its event's turn comes, after the events before it were published; backends built on the SDK's
     *     {@code AbstractEventBus} check every event before publishing any.
     * @param topic topic name (see {@link #publish(String, Event)})
     * @param events the events, in publish order; may be empty, may repeat an event
     * @return a future that completes with one receipt per event, in list order (an unmodifiable list), once every
     *     event is accepted; or exceptionally with a {@link PublishBatchException} when at least one was not
     * @throws NullPointerException if the topic, the list or an element is null
     * @throws IllegalArgumentException if the topic name is invalid, or an event's payload class is registered under
     *     a different type name than the event carries
     */
    default CompletableFuture<List<PublishReceipt>> publishAll(String topic, List<? extends Event<?>> events) {
        SubscriptionOptions.checkName(topic, "topic");
        Objects.requireNonNull(events, "events");
        List<Event<?>> batch = new ArrayList<>(events);
        for (int i = 0; i < batch.size(); i++) {
            Objects.requireNonNull(batch.get(i), "events[" + i + "]");
        }
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>(batch.size());
        for (Event<?> event : batch) {
            futures.add(publish(topic, event));
        }
        return PublishBatchException.combine(topic, batch, futures);
    }

    /**
     * Subscribes a handler for events of one payload type. Events of other types on the topic are acknowledged
     * without calling this handler; all members of a group should therefore subscribe with the same type filter.
     *
     * @param options topic, group and delivery options
     * @param type the payload type to handle; its type name is added to the options' type filter
     * @param handler called on a bus thread, one event at a time per ordering key
     * @return a handle that ends the subscription when closed
     * @throws UnsupportedCapabilityException if an option needs a capability this backend does not declare
     * @throws BusClosedException if the bus is closed
     */
    <T> Subscription subscribe(SubscriptionOptions options, EventType<T> type, EventHandler<T> handler);

    /**
     * Subscribes a handler for every event on the topic that passes the options' type filter (all events when the
     * filter is empty). Payloads of registered types arrive as their registered classes.
     *
     * @see #subscribe(SubscriptionOptions, EventType, EventHandler)
     */
    Subscription subscribe(SubscriptionOptions options, EventHandler<Object> handler);

    /** Dead letters of this bus: list, inspect, redrive. */
    DeadLetters deadLetters();

    /** What this backend guarantees. */
    Capabilities capabilities();

    /**
     * Stops intake (later publishes fail with {@link BusClosedException}), lets every subscription finish its
     * in-flight and queued work within the configured drain timeout, then releases threads and connections.
     * Idempotent.
     */
    @Override
    void close();
}
