package dev.scaleplane.events.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.scaleplane.api.events.DeadLetter;
import dev.scaleplane.api.events.DeadLetters;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.RawMessage;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.codec.BinaryBinding;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Dead letters kept in the dead-letter queues. A dead letter's id is {@code <destination>/<uuid>}.
 *
 * <p>Every operation browses the queue on a fresh channel: it takes the messages with {@code basic.get} without
 * acknowledging them, acknowledges only the ones it removes (discard, redrive), and closes the channel, which puts the
 * others back in their place. Browsing therefore reads the whole queue in the worst case (find, redrive), and two
 * concurrent operations on one queue each see only what the other has not taken. Operations run on the calling
 * thread ({@code list}, {@code find}, {@code discard}) or in the returned future's thread ({@code redrive}).
 *
 * <p>Thread-safe.
 */
final class RabbitDeadLetters implements DeadLetters {
    private final RabbitEventBus bus;

    RabbitDeadLetters(RabbitEventBus bus) {
        this.bus = bus;
    }

    private interface Visitor {
        /** Returns true to stop browsing. */
        boolean visit(Channel channel, GetResponse message) throws IOException;
    }

    /** Browses a dead-letter queue; returns false when it does not exist. */
    private boolean browse(String destination, Visitor visitor) {
        String queue = bus.names().deadLetterQueue(destination);
        Channel ch = null;
        try {
            ch = bus.adminConnection().createChannel();
            try {
                ch.queueDeclarePassive(queue);
            } catch (IOException e) {
                return false; // no such queue: no dead letters
            }
            GetResponse r;
            while ((r = ch.basicGet(queue, false)) != null) {
                if (visitor.visit(ch, r)) {
                    break;
                }
            }
            return true;
        } catch (IOException e) {
            throw new IllegalStateException("browsing dead-letter queue " + queue + " failed: " + e, e);
        } finally {
            if (ch != null && ch.isOpen()) {
                try {
                    ch.close();
                } catch (IOException | TimeoutException | AlreadyClosedException e) {
                    // the broker requeues the unacknowledged messages either way
                }
            }
        }
    }

    @Override
    public List<DeadLetter> list(String topic, String group, int limit) {
        SubscriptionOptions.checkName(topic, "topic");
        SubscriptionOptions.checkName(group, "group");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, but was " + limit);
        }
        String destination = bus.destinationOf(topic, group);
        List<DeadLetter> out = new ArrayList<>();
        browse(destination, (ch, r) -> {
            Map<String, Object> h = r.getProps().getHeaders();
            if (h != null
                    && topic.equals(Headers.string(h.get(Headers.TOPIC)))
                    && group.equals(Headers.string(h.get(Headers.GROUP)))) {
                out.add(toDeadLetter(destination, r));
            }
            return out.size() >= limit;
        });
        return out;
    }

    @Override
    public Optional<DeadLetter> find(String deadLetterId) {
        Objects.requireNonNull(deadLetterId, "deadLetterId");
        Id id = Id.parse(deadLetterId);
        if (id == null) {
            return Optional.empty();
        }
        AtomicReference<@Nullable DeadLetter> found = new AtomicReference<>();
        browse(id.destination, (ch, r) -> {
            if (id.uuid.equals(uuidOf(r))) {
                found.set(toDeadLetter(id.destination, r));
                return true;
            }
            return false;
        });
        return Optional.ofNullable(found.get());
    }

    @Override
    public boolean discard(String deadLetterId) {
        Objects.requireNonNull(deadLetterId, "deadLetterId");
        Id id = Id.parse(deadLetterId);
        if (id == null) {
            return false;
        }
        AtomicReference<Boolean> done = new AtomicReference<>(false);
        browse(id.destination, (ch, r) -> {
            if (id.uuid.equals(uuidOf(r))) {
                ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
                done.set(true);
                return true;
            }
            return false;
        });
        return done.get();
    }

    @Override
    public CompletableFuture<Void> redrive(String deadLetterId) {
        Objects.requireNonNull(deadLetterId, "deadLetterId");
        return CompletableFuture.runAsync(() -> {
            Id id = Id.parse(deadLetterId);
            if (id == null) {
                throw new NoSuchElementException("no dead letter " + deadLetterId);
            }
            AtomicReference<Boolean> done = new AtomicReference<>(false);
            browse(id.destination, (ch, r) -> {
                if (!id.uuid.equals(uuidOf(r))) {
                    return false;
                }
                redriveOne(ch, id.destination, r);
                done.set(true);
                return true;
            });
            if (!done.get()) {
                throw new NoSuchElementException("no dead letter " + deadLetterId);
            }
        });
    }

    @Override
    public CompletableFuture<Integer> redriveAll(String topic, String group) {
        SubscriptionOptions.checkName(topic, "topic");
        SubscriptionOptions.checkName(group, "group");
        return CompletableFuture.supplyAsync(() -> {
            String destination = bus.destinationOf(topic, group);
            int[] count = {0};
            browse(destination, (ch, r) -> {
                Map<String, Object> h = r.getProps().getHeaders();
                if (h != null
                        && topic.equals(Headers.string(h.get(Headers.TOPIC)))
                        && group.equals(Headers.string(h.get(Headers.GROUP)))
                        && !isUndecodable(h)) {
                    redriveOne(ch, destination, r);
                    count[0]++;
                }
                return false;
            });
            return count[0];
        });
    }

    private static boolean isUndecodable(Map<String, Object> h) {
        String reason = Headers.string(h.get(Headers.REASON));
        return DeadLetter.Reason.UNDECODABLE.name().equals(reason)
                || DeadLetter.Reason.INVALID.name().equals(reason);
    }

    /** Publishes the event back to the shard queue of its key in the failing group, confirmed, then removes it. */
    private void redriveOne(Channel ch, String destination, GetResponse r) throws IOException {
        Map<String, Object> h = r.getProps().getHeaders();
        if (h == null || isUndecodable(h)) {
            throw new CompletionException(new IllegalStateException("dead letter " + destination + "/" + uuidOf(r)
                    + " could not be decoded, so it cannot be" + " redriven; inspect and discard it"));
        }
        DeadLetter dl = toDeadLetter(destination, r);
        Event<?> event = Objects.requireNonNull(dl.event(), "event");
        String queue = bus.shardQueueOf(dl.topic(), dl.group(), event.orderingKey());
        AMQP.BasicProperties props = r.getProps()
                .builder()
                .headers(Headers.withoutOwn(h))
                .deliveryMode(2)
                .build();
        ch.confirmSelect();
        AtomicReference<@Nullable String> returned = new AtomicReference<>();
        ch.addReturnListener(ret -> returned.set(ret.getReplyText()));
        ch.basicPublish("", queue, true, props, r.getBody());
        try {
            ch.waitForConfirmsOrDie(bus.config().publishTimeout().toMillis() + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the redrive's confirm", e);
        } catch (TimeoutException e) {
            throw new IOException("the broker did not confirm the redrive in time", e);
        }
        if (returned.get() != null) {
            throw new CompletionException(new IllegalStateException(
                    "group " + dl.group() + " of topic " + dl.topic() + " has no queue " + queue + " to redrive to"));
        }
        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
    }

    private static @Nullable String uuidOf(GetResponse r) {
        Map<String, Object> h = r.getProps().getHeaders();
        return h == null ? null : Headers.string(h.get(Headers.DEAD_LETTER_ID));
    }

    private DeadLetter toDeadLetter(String destination, GetResponse r) {
        AMQP.BasicProperties props = r.getProps();
        Map<String, Object> h = props.getHeaders() == null ? Map.of() : props.getHeaders();
        DeadLetter.Reason reason;
        try {
            reason = DeadLetter.Reason.valueOf(String.valueOf(Headers.string(h.get(Headers.REASON))));
        } catch (IllegalArgumentException e) {
            reason = DeadLetter.Reason.UNDECODABLE;
        }
        Event<?> event = null;
        RawMessage raw = null;
        if (reason == DeadLetter.Reason.UNDECODABLE || reason == DeadLetter.Reason.INVALID) {
            raw = new RawMessage(Headers.strings(props, false), r.getBody());
        } else {
            try {
                event = bus.codec().decodeBinary(Headers.strings(props, false), r.getBody(), BinaryBinding.AMQP);
            } catch (RuntimeException e) {
                raw = new RawMessage(Headers.strings(props, false), r.getBody());
            }
        }
        Instant now = Instant.now(bus.busClock());
        Instant last = Headers.instant(h, Headers.LAST_FAILURE, now);
        return new DeadLetter(
                destination + "/" + uuidOf(r),
                orEmpty(h.get(Headers.TOPIC)),
                orEmpty(h.get(Headers.GROUP)),
                destination,
                reason,
                event,
                raw,
                orEmpty(h.get(Headers.EXCEPTION_TYPE)),
                orEmpty(h.get(Headers.EXCEPTION_MESSAGE)),
                orEmpty(h.get(Headers.STACK_TRACE)),
                (int) Headers.number(h, Headers.ATTEMPTS, 0),
                Headers.instant(h, Headers.FIRST_FAILURE, last),
                last,
                orEmpty(h.get(Headers.ORIGIN)));
    }

    private static String orEmpty(@Nullable Object value) {
        String s = Headers.string(value);
        return s == null ? "" : s;
    }

    private record Id(String destination, String uuid) {
        static @Nullable Id parse(String id) {
            int slash = id.lastIndexOf('/');
            if (slash <= 0 || slash == id.length() - 1) {
                return null;
            }
            String destination = id.substring(0, slash);
            try {
                SubscriptionOptions.checkName(destination, "destination");
            } catch (IllegalArgumentException e) {
                return null;
            }
            return new Id(destination, id.substring(slash + 1));
        }
    }
}
