package dev.scaleplane.api.orchestration;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How much work a {@link TaskQueue} holds at one instant, as an autoscaler reads it (see {@link TaskQueue#backlog()}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param depth unfinished tasks (queued, delayed or under lease) across every process sharing the queue, the same
 *     number as {@link TaskQueue#size()}; on a broker it is the consumer lag of the task queue (records or messages
 *     not yet acknowledged). {@code >= 0}
 * @param oldestReadyAge how long the oldest task that is ready and not under lease has waited since its ready time
 *     (submission, not-before or retry time); {@link Duration#ZERO} when no task waits; {@code null} when the backend
 *     cannot observe it
 */
public record TaskBacklog(int depth, @Nullable Duration oldestReadyAge) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code depth} or {@code oldestReadyAge} is negative
     */
    public TaskBacklog {
        if (depth < 0) {
            throw new IllegalArgumentException("depth must be >= 0, but was " + depth);
        }
        if (oldestReadyAge != null && oldestReadyAge.isNegative()) {
            throw new IllegalArgumentException("oldestReadyAge must be >= 0, but was " + oldestReadyAge);
        }
    }

    /** A backlog of {@code depth} tasks whose age the backend cannot observe. */
    public static TaskBacklog ofDepth(int depth) {
        return new TaskBacklog(depth, null);
    }

    /** The age of the oldest ready task, if the backend observes it. */
    public Optional<Duration> oldestReadyAgeIfKnown() {
        return Optional.ofNullable(oldestReadyAge);
    }
}
