package dev.scaleplane.core.internal.memory;

import java.time.Duration;

/**
 * Settings of the in-memory bus, read from {@code scaleplane.events.*} keys by {@link InMemoryEventBusProvider}.
 *
 * @param bufferSize events each partition holds per publisher stripe before publishers wait (rounded up to a power of
 *     two)
 * @param publisherStripes rings per partition, each used by the publishing threads its thread id selects (rounded up
 *     to a power of two); more than 1 trades cross-thread per-key order for less contention (see {@link Partition})
 * @param partitions default partitions per subscription group (raised to the first member's concurrency)
 * @param publishTimeout how long a publish waits for room in a full partition
 * @param drainTimeout how long close waits for queued and in-flight events
 * @param deadLetterCapacity dead letters kept in memory before the oldest are evicted
 */
record MemoryBusSettings(
        int bufferSize,
        int publisherStripes,
        int partitions,
        Duration publishTimeout,
        Duration drainTimeout,
        int deadLetterCapacity) {

    static final String BUFFER_SIZE = "scaleplane.events.memory.buffer-size";
    static final String PUBLISHER_STRIPES = "scaleplane.events.memory.publisher-stripes";
    static final String PARTITIONS = "scaleplane.events.memory.partitions";
    static final String DEAD_LETTER_CAPACITY = "scaleplane.events.memory.dead-letter-capacity";
    static final String PUBLISH_TIMEOUT = "scaleplane.events.publish-timeout";
    static final String DRAIN_TIMEOUT = "scaleplane.events.drain-timeout";

    static final int DEFAULT_BUFFER_SIZE = 8192;
    static final int DEFAULT_PUBLISHER_STRIPES = 1;
    static final int DEFAULT_PARTITIONS = 8;
    static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    static final int DEFAULT_DEAD_LETTER_CAPACITY = 100_000;

    static MemoryBusSettings defaults() {
        return new MemoryBusSettings(
                DEFAULT_BUFFER_SIZE,
                DEFAULT_PUBLISHER_STRIPES,
                DEFAULT_PARTITIONS,
                DEFAULT_PUBLISH_TIMEOUT,
                DEFAULT_DRAIN_TIMEOUT,
                DEFAULT_DEAD_LETTER_CAPACITY);
    }

    /** Rounds {@code value} up to a power of two. */
    static int powerOfTwo(int value) {
        return value <= 1 ? 1 : Integer.highestOneBit(value - 1) << 1;
    }
}
