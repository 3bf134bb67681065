package dev.scaleplane.benchmarks;

import dev.scaleplane.api.events.Event;

/**
 * One event bus implementation wired for one topology: a way to publish and one {@link PaddedCounter} per consumer
 * group that its consumer increments for every event it handled.
 *
 * <p>Implementations are set up and torn down once per JMH trial, outside the measured code.
 */
interface EventPipe extends AutoCloseable {

    /**
     * Publishes one event to every consumer group. Called from the publisher threads; must be safe from several
     * threads at once, because Scaleplane's {@code publish} is.
     */
    void publish(Event<?> event) throws Exception;

    /**
     * Publishes {@code count} copies of {@code event} to every consumer group, in one call where the implementation
     * has a batch publish ({@link Impl#SCALEPLANE_BATCH}, {@link Impl#DISRUPTOR_BATCH}); by default one
     * {@link #publish} each. Safe from several threads at once, like {@code publish}.
     *
     * @param count 1 to {@link #batchSize()}
     */
    default void publish(Event<?> event, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            publish(event);
        }
    }

    /** Events a publisher hands to {@link #publish(Event, int)} at once: 1 unless the implementation batches. */
    default int batchSize() {
        return 1;
    }

    /** One counter per consumer group, in group order. */
    PaddedCounter[] handled();

    /** Stops consumers and releases threads; waits a bounded time. */
    @Override
    void close() throws Exception;
}
