package dev.scaleplane.core.internal.memory;

import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.spi.Capabilities;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.EventBusProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.core.config.ConfigReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;

/**
 * The bundled in-memory bus, name {@value #NAME}, priority {@value EventBusProvider#EMBEDDED_PRIORITY} so that any
 * other installed backend wins over it.
 *
 * <table>
 *   <caption>Configuration</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code scaleplane.events.memory.buffer-size}</td><td>8192</td><td>events per partition (per
 *       publisher stripe) before publishers wait (rounded up to a power of two)</td></tr>
 *   <tr><td>{@code scaleplane.events.memory.publisher-stripes}</td><td>1</td><td>rings per partition, each written
 *       by the publishing threads its thread id selects (rounded up to a power of two, at most 64). More than 1 lets
 *       several publishing threads publish without contending, but events of one key are then ordered only among
 *       the publishes of one thread: one published on another thread after an earlier publish completed may be
 *       handled first</td></tr>
 *   <tr><td>{@code scaleplane.events.memory.partitions}</td><td>8</td><td>partitions per group; a group gets at
 *       least its first member's concurrency</td></tr>
 *   <tr><td>{@code scaleplane.events.memory.dead-letter-capacity}</td><td>100000</td><td>dead letters kept before
 *       the oldest are evicted (with an error log)</td></tr>
 *   <tr><td>{@code scaleplane.events.publish-timeout}</td><td>5s</td><td>how long publish waits for room</td></tr>
 *   <tr><td>{@code scaleplane.events.drain-timeout}</td><td>30s</td><td>how long close waits for queued
 *       events</td></tr>
 * </table>
 */
public final class InMemoryEventBusProvider implements EventBusProvider {
    /** The provider name. */
    public static final String NAME = "memory";

    static final Capabilities CAPABILITIES = Capabilities.of(Capabilities.Capability.ORDERED_PER_KEY);

    /** Creates the provider; ServiceLoader calls this. */
    public InMemoryEventBusProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return EMBEDDED_PRIORITY;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(ConfigProperties config) {
        settings(new ConfigReader(config));
    }

    @Override
    public EventBus create(ProviderContext context) {
        MemoryBusSettings settings = settings(new ConfigReader(context.config()));
        MeterRegistry registry = context.component(MeterRegistry.class).orElseGet(SimpleMeterRegistry::new);
        return new InMemoryEventBus(
                settings, context.eventTypes(), context.source(), context.clock(), new BusMetrics(registry, NAME));
    }

    static MemoryBusSettings settings(ConfigReader config) {
        MemoryBusSettings d = MemoryBusSettings.defaults();
        int bufferSize = config.integer(MemoryBusSettings.BUFFER_SIZE, d.bufferSize(), 2, 1 << 24);
        int stripes = config.integer(MemoryBusSettings.PUBLISHER_STRIPES, d.publisherStripes(), 1, 64);
        int partitions = config.integer(MemoryBusSettings.PARTITIONS, d.partitions(), 1, 1024);
        int deadLetters =
                config.integer(MemoryBusSettings.DEAD_LETTER_CAPACITY, d.deadLetterCapacity(), 1, Integer.MAX_VALUE);
        Duration publishTimeout = config.duration(
                MemoryBusSettings.PUBLISH_TIMEOUT, d.publishTimeout(), Duration.ZERO, Duration.ofHours(1));
        Duration drainTimeout =
                config.duration(MemoryBusSettings.DRAIN_TIMEOUT, d.drainTimeout(), Duration.ZERO, Duration.ofHours(1));
        config.rejectUnknownKeys(
                "scaleplane.events.memory.",
                Set.of(
                        MemoryBusSettings.BUFFER_SIZE,
                        MemoryBusSettings.PUBLISHER_STRIPES,
                        MemoryBusSettings.PARTITIONS,
                        MemoryBusSettings.DEAD_LETTER_CAPACITY));
        config.throwIfInvalid();
        return new MemoryBusSettings(
                MemoryBusSettings.powerOfTwo(bufferSize),
                MemoryBusSettings.powerOfTwo(stripes),
                MemoryBusSettings.powerOfTwo(partitions),
                publishTimeout,
                drainTimeout,
                deadLetters);
    }
}
