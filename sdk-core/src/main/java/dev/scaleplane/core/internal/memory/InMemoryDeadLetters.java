package dev.scaleplane.core.internal.memory;

import dev.scaleplane.api.events.DeadLetter;
import dev.scaleplane.api.events.DeadLetters;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.PublishException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters of the in-memory bus, kept in memory up to a capacity. Past it the oldest are evicted with an error
 * log, so a handler that fails forever cannot exhaust the heap.
 */
final class InMemoryDeadLetters implements DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(InMemoryDeadLetters.class);

    private final InMemoryEventBus bus;
    private final int capacity;
    private final ConcurrentHashMap<String, DeadLetter> byId = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();

    InMemoryDeadLetters(InMemoryEventBus bus, int capacity) {
        this.bus = bus;
        this.capacity = capacity;
    }

    void add(DeadLetter letter) {
        byId.put(letter.id(), letter);
        order.add(letter.id());
        while (byId.size() > capacity) {
            String oldest = order.poll();
            if (oldest == null) {
                break;
            }
            DeadLetter evicted = byId.remove(oldest);
            if (evicted != null) {
                log.error(
                        "dead-letter capacity {} exceeded; evicted dead letter {} of group '{}' on '{}' (event {}):"
                                + " raise scaleplane.events.memory.dead-letter-capacity or redrive/discard dead letters",
                        capacity,
                        evicted.id(),
                        evicted.group(),
                        evicted.topic(),
                        evicted.event() != null ? evicted.event().id() : "undecodable");
            }
        }
    }

    @Override
    public List<DeadLetter> list(String topic, String group, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, but was " + limit);
        }
        List<DeadLetter> result = new ArrayList<>();
        for (String id : order) {
            DeadLetter letter = byId.get(id);
            if (letter != null && letter.topic().equals(topic) && letter.group().equals(group)) {
                result.add(letter);
                if (result.size() == limit) {
                    break;
                }
            }
        }
        return result;
    }

    @Override
    public Optional<DeadLetter> find(String deadLetterId) {
        return Optional.ofNullable(byId.get(deadLetterId));
    }

    @Override
    public CompletableFuture<Void> redrive(String deadLetterId) {
        DeadLetter letter = byId.get(deadLetterId);
        if (letter == null) {
            return CompletableFuture.failedFuture(new NoSuchElementException("no dead letter with id " + deadLetterId));
        }
        Event<?> event = letter.event();
        if (event == null) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("dead letter " + deadLetterId + " holds an undecodable message"));
        }
        Group group = bus.group(letter.topic(), letter.group());
        if (group == null || !group.hasMembers()) {
            return CompletableFuture.failedFuture(new IllegalStateException("cannot redrive dead letter "
                    + deadLetterId + ": group '" + letter.group() + "' on topic '" + letter.topic()
                    + "' has no active subscription to receive it"));
        }
        if (byId.remove(deadLetterId) == null) {
            return CompletableFuture.failedFuture(
                    new NoSuchElementException("dead letter " + deadLetterId + " was redriven or discarded meanwhile"));
        }
        order.remove(deadLetterId);
        PublishException failure = bus.enqueue(letter.topic(), group.partitionFor(event), event);
        if (failure != null) {
            add(letter); // not handed back: keep it
            return CompletableFuture.failedFuture(failure);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Integer> redriveAll(String topic, String group) {
        int count = 0;
        for (DeadLetter letter : list(topic, group, Integer.MAX_VALUE)) {
            if (letter.event() == null) {
                continue;
            }
            try {
                redrive(letter.id()).join();
                count++;
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e.getCause() != null ? e.getCause() : e);
            }
        }
        return CompletableFuture.completedFuture(count);
    }

    @Override
    public boolean discard(String deadLetterId) {
        if (byId.remove(deadLetterId) != null) {
            order.remove(deadLetterId);
            return true;
        }
        return false;
    }
}
