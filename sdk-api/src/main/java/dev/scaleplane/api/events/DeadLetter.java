package dev.scaleplane.api.events;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An event (or undecodable message) that a subscription group gave up on, with the reason.
 *
 * @param id identifies this dead letter for {@link DeadLetters#redrive(String)}
 * @param topic the topic it was published to
 * @param group the subscription group that failed it
 * @param destination the dead-letter destination it is stored in
 * @param reason why it was dead-lettered
 * @param event the decoded event, or {@code null} when it could not be decoded
 * @param raw the message as received when it could not be decoded, else {@code null}
 * @param exceptionType class name of the last failure
 * @param message message of the last failure
 * @param stackTrace stack trace of the last failure, possibly truncated
 * @param attempts handler attempts made (0 for undecodable messages)
 * @param firstFailure when the first attempt failed
 * @param lastFailure when the last attempt failed
 * @param origin where the message came from in backend terms (e.g. {@code events/3@1042})
 */
public record DeadLetter(
        String id,
        String topic,
        String group,
        String destination,
        Reason reason,
        @Nullable Event<?> event,
        @Nullable RawMessage raw,
        String exceptionType,
        String message,
        String stackTrace,
        int attempts,
        Instant firstFailure,
        Instant lastFailure,
        String origin) {

    /** Why a message was dead-lettered. */
    public enum Reason {
        /** The handler failed on every allowed attempt. */
        HANDLER_FAILED,
        /** The handler threw an exception the retry policy marks as non-retryable. */
        NON_RETRYABLE,
        /** The message could not be decoded into an event. */
        UNDECODABLE,
        /** The message decoded but is not a valid event (e.g. its payload does not match its registered type). */
        INVALID
    }

    /**
     * Validates the record.
     *
     * @throws NullPointerException if a required component is null
     * @throws IllegalArgumentException if neither the event nor the raw message is given
     */
    public DeadLetter {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(exceptionType, "exceptionType");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(stackTrace, "stackTrace");
        Objects.requireNonNull(firstFailure, "firstFailure");
        Objects.requireNonNull(lastFailure, "lastFailure");
        Objects.requireNonNull(origin, "origin");
        if (event == null && raw == null) {
            throw new IllegalArgumentException("a dead letter needs the event or the raw message");
        }
    }
}
