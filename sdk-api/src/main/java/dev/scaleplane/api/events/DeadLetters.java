package dev.scaleplane.api.events;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Inspects and redrives the dead letters of one bus.
 *
 * <p>Redriving hands a dead letter back to the group that failed it, with its attempt count reset; it is removed
 * from the dead-letter destination once the redriven copy is accepted. A message that could not be decoded cannot be
 * redriven (it would fail again); inspect it and {@linkplain #discard(String) discard} it.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public interface DeadLetters {

    /**
     * Dead letters of one group on one topic, oldest first.
     *
     * @param limit at most this many, {@code >= 1}
     */
    List<DeadLetter> list(String topic, String group, int limit);

    /** One dead letter by id. */
    Optional<DeadLetter> find(String deadLetterId);

    /**
     * Hands one dead letter back to its group.
     *
     * @return a future that completes when the redriven event is accepted, or exceptionally with
     *     {@link java.util.NoSuchElementException} for an unknown id, {@link IllegalStateException} for an
     *     undecodable message or when the group has no active member to receive it, or a {@link PublishException}
     */
    CompletableFuture<Void> redrive(String deadLetterId);

    /**
     * Hands every redrivable dead letter of a group back to it.
     *
     * @return a future with the number of dead letters redriven
     */
    CompletableFuture<Integer> redriveAll(String topic, String group);

    /**
     * Deletes one dead letter for good.
     *
     * @return whether it existed
     */
    boolean discard(String deadLetterId);
}
