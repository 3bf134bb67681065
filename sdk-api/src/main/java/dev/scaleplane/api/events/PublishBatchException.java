package dev.scaleplane.api.events;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Some events of an {@link EventBus#publishAll(String, java.util.List) publishAll} batch were not accepted. A batch is
 * not atomic: the events in {@link #accepted()} were accepted and will be delivered; those in {@link #failures()}
 * were not, each with its own reason ({@link PublishTimeoutException}, {@link BusClosedException}, or another
 * {@link PublishException} of the backend). Every index of the batch is in exactly one of the two maps.
 *
 * <p>To retry only what failed, publish {@code events.get(i)} for each key {@code i} of {@link #failures()}.
 *
 * <p>The message names the topic, the counts and the first failure, which is also the {@linkplain #getCause() cause}.
 * Immutable, so safe to share between threads.
 */
public final class PublishBatchException extends PublishException {
    private static final long serialVersionUID = 1L;

    private final int size;
    private final SortedMap<Integer, PublishReceipt> accepted;
    private final SortedMap<Integer, PublishException> failures;

    /**
     * Creates the exception.
     *
     * @param topic the topic published to
     * @param size how many events the batch had
     * @param accepted receipts of the accepted events, by their index in the batch
     * @param failures why each other event was not accepted, by its index in the batch; not empty
     * @throws IllegalArgumentException if {@code failures} is empty, or the two maps do not together hold every index
     *     from 0 to {@code size - 1} exactly once
     */
    public PublishBatchException(
            String topic,
            int size,
            Map<Integer, PublishReceipt> accepted,
            Map<Integer, ? extends PublishException> failures) {
        super(
                Objects.requireNonNull(topic, "topic"),
                "",
                firstOf(failures),
                "publish of " + size + " event(s) to topic '" + topic + "': " + accepted.size() + " accepted, "
                        + failures.size() + " not; first failure: "
                        + firstOf(failures).getMessage());
        this.size = size;
        this.accepted = Collections.unmodifiableSortedMap(new TreeMap<>(accepted));
        this.failures = Collections.unmodifiableSortedMap(new TreeMap<>(failures));
        if (accepted.size() + failures.size() != size) {
            throw new IllegalArgumentException("accepted (" + accepted.size() + ") and failures (" + failures.size()
                    + ") must together cover the batch of " + size + " event(s)");
        }
        for (int i = 0; i < size; i++) {
            if (this.accepted.containsKey(i) == this.failures.containsKey(i)) {
                throw new IllegalArgumentException("index " + i + " of the batch must be in exactly one of accepted"
                        + " and failures, but is in " + (this.accepted.containsKey(i) ? "both" : "neither"));
            }
        }
    }

    private static PublishException firstOf(Map<Integer, ? extends PublishException> failures) {
        Objects.requireNonNull(failures, "failures");
        PublishException first = null;
        int firstIndex = Integer.MAX_VALUE;
        for (Map.Entry<Integer, ? extends PublishException> e : failures.entrySet()) {
            if (e.getKey() < firstIndex) {
                firstIndex = e.getKey();
                first = Objects.requireNonNull(e.getValue(), "failures[" + e.getKey() + "]");
            }
        }
        if (first == null) {
            throw new IllegalArgumentException("failures must not be empty: a batch that failed has a failed event");
        }
        return first;
    }

    /**
     * Combines the futures of a batch published event by event into the one future
     * {@link EventBus#publishAll(String, List)} returns: it completes when every future has, with the receipts in
     * batch order when all succeeded, else exceptionally with a {@code PublishBatchException} that says which events
     * were accepted and why each other one was not. A failure that is not a {@link PublishException} (a backend bug)
     * is recorded as one whose cause it is. For backends and decorators that have no batch publish of their own.
     *
     * @param topic the topic published to
     * @param events the batch, in order
     * @param futures the future of {@code publish(topic, events.get(i))} at index {@code i}
     * @return the batch's future; never fails with anything but a {@code PublishBatchException}
     * @throws IllegalArgumentException if the two lists differ in size
     */
    public static CompletableFuture<List<PublishReceipt>> combine(
            String topic, List<? extends Event<?>> events, List<? extends CompletableFuture<PublishReceipt>> futures) {
        if (events.size() != futures.size()) {
            throw new IllegalArgumentException(
                    "one future per event expected, but got " + futures.size() + " for " + events.size() + " events");
        }
        CompletableFuture<?>[] all = futures.toArray(new CompletableFuture<?>[0]);
        return CompletableFuture.allOf(all).handle((ignored, anyFailure) -> {
            List<PublishReceipt> receipts = new ArrayList<>(all.length);
            Map<Integer, PublishReceipt> accepted = new TreeMap<>();
            Map<Integer, PublishException> failures = new TreeMap<>();
            for (int i = 0; i < all.length; i++) {
                try {
                    PublishReceipt receipt = futures.get(i).join(); // complete by now, as allOf is
                    receipts.add(receipt);
                    accepted.put(i, receipt);
                } catch (CompletionException e) {
                    failures.put(i, asPublishException(topic, events.get(i), e.getCause() != null ? e.getCause() : e));
                } catch (CancellationException e) {
                    failures.put(i, asPublishException(topic, events.get(i), e));
                }
            }
            if (failures.isEmpty()) {
                return Collections.unmodifiableList(receipts);
            }
            throw new CompletionException(new PublishBatchException(topic, all.length, accepted, failures));
        });
    }

    private static PublishException asPublishException(String topic, Event<?> event, Throwable failure) {
        return failure instanceof PublishException p
                ? p
                : new PublishException(topic, event.id(), "the backend failed: " + failure, failure);
    }

    /** How many events the batch had. */
    public int size() {
        return size;
    }

    /** Receipts of the events that were accepted, by their index in the batch (ascending); unmodifiable. */
    public SortedMap<Integer, PublishReceipt> accepted() {
        return accepted;
    }

    /** Why each event that was not accepted failed, by its index in the batch (ascending); unmodifiable, not empty. */
    public SortedMap<Integer, PublishException> failures() {
        return failures;
    }
}
