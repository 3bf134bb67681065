package dev.scaleplane.api.store;

/**
 * What an {@link EventStore} backend offers beyond the contract every store keeps, declared by its {@link
 * dev.scaleplane.api.spi.EventStoreProvider#capabilities() provider}, as {@link
 * dev.scaleplane.api.spi.Capabilities} does for buses and {@link
 * dev.scaleplane.api.orchestration.TaskQueueCapability} for task queues. The {@code EventStoreCompatibilityKit} runs
 * the tests of a capability only for stores that declare it.
 */
public enum EventStoreCapability {
    /** What was appended survives closing the store and the process: a store opened again reads it all. */
    DURABLE,
    /** Streams of a category may be given a retention (by age or count) after which their events are removed. */
    RETENTION,
    /**
     * Several processes may open the same store at once, appending and subscribing concurrently with optimistic
     * concurrency across them (a shared database); without it a second process is refused (the file log's lock).
     */
    MULTI_PROCESS
}
