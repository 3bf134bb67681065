package dev.scaleplane.core.bus;

import dev.scaleplane.api.events.BusClosedException;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.PublishBatchException;
import dev.scaleplane.api.events.PublishException;
import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.api.events.StartPosition;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.events.UnsupportedCapabilityException;
import dev.scaleplane.api.spi.Capabilities;
import dev.scaleplane.core.internal.tracing.Tracing;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * What every event bus backend does the same way: argument checks, the envelope defaults of
 * {@link #publish(String, Object)}, typed subscriptions, capability checks and the closed state. A backend implements
 * {@link #doPublish}, {@link #doSubscribe} and {@link #doClose}.
 *
 * <p>Thread-safe as long as the backend's methods are.
 */
public abstract class AbstractEventBus implements EventBus {

    private final String backendName;
    private final EventTypeRegistry types;
    /** Type filters of the groups subscribed through this bus, by topic and group. */
    private final Map<String, GroupFilter> groupFilters = new HashMap<>();

    private final URI source;
    private final Clock clock;
    private final Capabilities capabilities;
    private final AtomicBoolean closed = new AtomicBoolean();
    private @Nullable CheckedPayload lastChecked;
    /** The last topic name that passed {@link #checkTopic}; a publisher repeats the same String instance. */
    private @Nullable String lastTopic;

    /**
     * @param backendName the provider's name, used in error messages and metric tags
     * @param types the event types the platform knows
     * @param source the source URI of events built by {@link #publish(String, Object)}
     * @param clock the platform clock
     * @param capabilities what this backend guarantees
     */
    protected AbstractEventBus(
            String backendName, EventTypeRegistry types, URI source, Clock clock, Capabilities capabilities) {
        this.backendName = Objects.requireNonNull(backendName, "backendName");
        this.types = Objects.requireNonNull(types, "types");
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
    }

    @Override
    public final CompletableFuture<PublishReceipt> publish(String topic, Event<?> event) {
        return publish(topic, event, true);
    }

    @Override
    public final CompletableFuture<PublishReceipt> publish(String topic, Object data) {
        Objects.requireNonNull(data, "data");
        return publish(topic, wrap(data), false);
    }

    /**
     * @param explicitTraceparent whether the event's traceparent came from the caller rather than from {@link #wrap}
     */
    private CompletableFuture<PublishReceipt> publish(String topic, Event<?> event, boolean explicitTraceparent) {
        Objects.requireNonNull(event, "event");
        checkTopic(topic);
        checkPayload(event);
        if (closed.get()) {
            return CompletableFuture.failedFuture(new BusClosedException(topic, event.id()));
        }
        // Every backend publishes through here, so this is the one place that makes publish spans.
        Tracing.Publish span = Tracing.publish(backendName, topic, event, explicitTraceparent);
        if (span == null) {
            return doPublish(topic, event); // tracing off: nothing more on the hot path
        }
        CompletableFuture<PublishReceipt> receipt;
        try {
            receipt = doPublish(topic, span.event());
        } catch (RuntimeException e) {
            span.end(e);
            throw e;
        }
        receipt.whenComplete((r, failure) -> span.end(failure));
        return receipt;
    }

    /**
     * Checks every event before publishing any (nothing is published when one is invalid), starts one publish span
     * per event when tracing is on, and hands the batch to {@link #doPublishAll}.
     */
    @Override
    public final CompletableFuture<List<PublishReceipt>> publishAll(String topic, List<? extends Event<?>> events) {
        checkTopic(topic);
        Objects.requireNonNull(events, "events");
        Event<?>[] batch = events.toArray(new Event<?>[0]); // a snapshot: what is checked is what is published
        for (int i = 0; i < batch.length; i++) {
            if (batch[i] == null) {
                throw new NullPointerException("events[" + i + "]");
            }
            checkPayload(batch[i]);
        }
        if (batch.length == 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        if (closed.get()) {
            Map<Integer, PublishException> failures = new HashMap<>();
            for (int i = 0; i < batch.length; i++) {
                failures.put(i, new BusClosedException(topic, batch[i].id()));
            }
            return CompletableFuture.failedFuture(new PublishBatchException(topic, batch.length, Map.of(), failures));
        }
        Tracing.Publish first = Tracing.publish(backendName, topic, batch[0], true);
        if (first == null) {
            // Tracing off (no SDK registered): asked once per batch, not per event, then nothing more.
            return doPublishAll(topic, batch);
        }
        Tracing.Publish[] spans = new Tracing.Publish[batch.length];
        spans[0] = first;
        batch[0] = first.event();
        for (int i = 1; i < batch.length; i++) {
            Tracing.Publish span = Tracing.publish(backendName, topic, batch[i], true);
            if (span != null) {
                spans[i] = span;
                batch[i] = span.event();
            }
        }
        CompletableFuture<List<PublishReceipt>> receipts;
        try {
            receipts = doPublishAll(topic, batch);
        } catch (RuntimeException e) {
            endSpans(spans, e);
            throw e;
        }
        Tracing.Publish[] started = spans;
        receipts.whenComplete((r, failure) -> endSpans(started, failure));
        return receipts;
    }

    /** Ends each event's publish span, as failed when that event was not accepted. */
    private static void endSpans(Tracing.Publish[] spans, @Nullable Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        for (int i = 0; i < spans.length; i++) {
            if (spans[i] != null) {
                spans[i].end(
                        cause instanceof PublishBatchException batch
                                ? batch.failures().get(i) // null for an accepted event
                                : cause);
            }
        }
    }

    /**
     * Builds the envelope {@link #publish(String, Object)} publishes: fresh id, the platform clock's time and source,
     * the registered type, and the causal context of the event being handled on this thread, if any.
     */
    protected final Event<?> wrap(Object data) {
        return wrapTyped(types.typeOf(data.getClass()), data);
    }

    private <T> Event<T> wrapTyped(EventType<T> type, Object data) {
        Event.Builder<T> builder =
                Event.builder(type, type.javaType().cast(data)).source(source).time(clock.instant());
        Event<?> cause = EventScope.current();
        if (cause == null) {
            builder.traceparent(TraceParent.newRoot());
        } else {
            TraceParent parent = cause.traceparent();
            builder.correlationId(cause.correlationId() != null ? cause.correlationId() : cause.id())
                    .causationId(cause.id())
                    .tenant(cause.tenant())
                    .traceparent(parent != null ? parent.child() : TraceParent.newRoot());
        }
        return builder.build();
    }

    @Override
    public final <T> Subscription subscribe(SubscriptionOptions options, EventType<T> type, EventHandler<T> handler) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(handler, "handler");
        SubscriptionOptions typed = options.toBuilder().types(type).build();
        // Safe: the bus checks on publish that a registered type's payload is of its registered class, and the
        // filter only lets this type through.
        @SuppressWarnings("unchecked")
        EventHandler<Object> untyped = (EventHandler<Object>) (EventHandler<?>) handler;
        return subscribe(typed, untyped);
    }

    @Override
    public final Subscription subscribe(SubscriptionOptions options, EventHandler<Object> handler) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        if (options.startPosition() == StartPosition.EARLIEST && !capabilities.has(Capabilities.Capability.REPLAY)) {
            throw new UnsupportedCapabilityException(
                    Capabilities.Capability.REPLAY, backendName, "startPosition(EARLIEST)");
        }
        if (closed.get()) {
            throw new BusClosedException(options.topic());
        }
        String group = options.topic() + "\u0000" + options.group();
        Set<String> filter = Set.copyOf(options.types());
        synchronized (groupFilters) {
            GroupFilter current = groupFilters.get(group);
            if (current != null && current.members > 0 && !current.types.equals(filter)) {
                // A group shares its events among its members: a member that filters differently would acknowledge
                // events the others handle (or the reverse), silently.
                throw new IllegalArgumentException("group '" + options.group() + "' on topic '" + options.topic()
                        + "' already has members subscribed to types " + describe(current.types) + ", but this one"
                        + " asks for " + describe(filter) + "; members of one group must subscribe to the same types"
                        + " (use another group for other types)");
            }
            groupFilters.computeIfAbsent(group, g -> new GroupFilter(filter)).members++;
        }
        Subscription subscription;
        try {
            // Every backend subscribes through here, so this is the one place that makes handle spans.
            subscription =
                    doSubscribe(options, Tracing.handler(backendName, options.topic(), options.group(), handler));
        } catch (RuntimeException e) {
            leave(group);
            throw e;
        }
        return new Subscription() {
            private final AtomicBoolean left = new AtomicBoolean();

            @Override
            public String topic() {
                return subscription.topic();
            }

            @Override
            public String group() {
                return subscription.group();
            }

            @Override
            public boolean isActive() {
                return subscription.isActive();
            }

            @Override
            public void close() {
                try {
                    subscription.close();
                } finally {
                    if (left.compareAndSet(false, true)) {
                        leave(group);
                    }
                }
            }

            @Override
            public String toString() {
                return subscription.toString();
            }
        };
    }

    private void leave(String group) {
        synchronized (groupFilters) {
            GroupFilter current = groupFilters.get(group);
            if (current != null && --current.members <= 0) {
                groupFilters.remove(group);
            }
        }
    }

    private static String describe(Set<String> types) {
        return types.isEmpty() ? "(every type)" : new TreeSet<>(types).toString();
    }

    /** The type filter of a group's members in this bus, and how many are subscribed. Guarded by groupFilters. */
    private static final class GroupFilter {
        final Set<String> types;
        int members;

        GroupFilter(Set<String> types) {
            this.types = types;
        }
    }

    @Override
    public final Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            doClose();
        }
    }

    /** Whether {@link #close()} was called. */
    protected final boolean isClosed() {
        return closed.get();
    }

    /** The event types of the platform. */
    protected final EventTypeRegistry eventTypes() {
        return types;
    }

    /** The platform clock. */
    protected final Clock clock() {
        return clock;
    }

    /** The backend name given at construction. */
    protected final String backendName() {
        return backendName;
    }

    /**
     * Publishes a validated event on an open bus; see {@link EventBus#publish(String, Event)} for the contract.
     * Failures are reported through the returned future.
     *
     * <p>A call may race with {@link #close()}: it passed the closed check, then {@link #doClose()} began. It must then
     * either be accepted and drained like any publish before the close, or fail with {@link BusClosedException};
     * never with a backend's own "closed" error, which a caller could not tell from a broker failure.
     */
    protected abstract CompletableFuture<PublishReceipt> doPublish(String topic, Event<?> event);

    /**
     * Publishes a validated, non-empty batch on an open bus; see {@link EventBus#publishAll(String, List)} for the
     * contract. The array is the bus's own copy: an implementation may keep it (for example behind the receipts).
     * Failures are reported through the returned future, as a {@link PublishBatchException}.
     *
     * <p>Default: {@link #doPublish} for each event in order, the futures combined with
     * {@link PublishBatchException#combine}. That is right for any backend whose {@code doPublish} is; a backend
     * overrides it only to take a batch at once.
     */
    protected CompletableFuture<List<PublishReceipt>> doPublishAll(String topic, Event<?>[] events) {
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>(events.length);
        for (Event<?> event : events) {
            futures.add(doPublish(topic, event));
        }
        return PublishBatchException.combine(topic, Arrays.asList(events), futures);
    }

    /** Subscribes with validated options on an open bus. */
    protected abstract Subscription doSubscribe(SubscriptionOptions options, EventHandler<Object> handler);

    /** Closes the backend; called once. */
    protected abstract void doClose();

    private void checkTopic(String topic) {
        // Validating the name char by char was a fifth of an in-memory publish; a publisher passes the same String
        // instance again and again, so an identity hit skips it. Strings are immutable, so a racy read is safe.
        if (topic == null || topic != lastTopic) {
            SubscriptionOptions.checkName(topic, "topic");
            lastTopic = topic;
        }
    }

    private void checkPayload(Event<?> event) {
        // Publishers repeat the same type and payload class; remembering the last pair that passed saves the registry
        // look-up on the hot path. The pair is one immutable object, so a racing reader sees a consistent pair.
        CheckedPayload last = lastChecked;
        Class<?> dataClass = event.data().getClass();
        if (last != null && last.dataClass == dataClass && last.type.equals(event.type())) {
            return;
        }
        EventType<?> registered = types.byName(event.type()).orElse(null);
        if (registered != null && !registered.javaType().isInstance(event.data())) {
            throw new IllegalArgumentException("event " + event.id() + " has type " + event.type()
                    + ", registered for " + registered.javaType().getName() + ", but its data is a "
                    + dataClass.getName());
        }
        lastChecked = new CheckedPayload(event.type(), dataClass);
    }

    private record CheckedPayload(String type, Class<?> dataClass) {}
}
