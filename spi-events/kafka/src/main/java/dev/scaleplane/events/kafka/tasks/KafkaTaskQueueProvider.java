package dev.scaleplane.events.kafka.tasks;

import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueCapability;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.api.spi.TaskQueueProvider;
import dev.scaleplane.events.kafka.tasks.internal.KafkaTaskQueue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Kafka task queue, name {@value #NAME}, configured under {@value KafkaTaskQueueConfig#PREFIX} (see
 * {@link KafkaTaskQueueConfig}). Time comes from the context's {@link TaskClock} component, else from the platform
 * clock with real delays; its meters ({@code TaskQueueMetrics}, tag {@code backend=kafka}) go to the context's
 * {@code MeterRegistry} component.
 *
 * <h2>Capabilities</h2>
 *
 * Work is split by partition of the tasks topic: the consumer-group member that owns a partition leases its tasks.
 * What follows from that is declared:
 *
 * <ul>
 *   <li>{@link TaskQueueCapability#DURABLE}: every task version, end and dead letter is written with
 *       {@code acks=all} before the call returns; a restarted member replays its partitions from the committed
 *       offset, which never passes an unfinished task.
 *   <li>{@link TaskQueueCapability#CROSS_PROCESS}: every process with the same brokers and topic prefix shares the
 *       tasks (through the group), the states and results (compacted state topic) and the dead letters.
 *   <li>{@link TaskQueueCapability#DELAYED_TASKS}: not-before and retry times are kept by the owner and read on the
 *       task clock.
 *   <li>{@link TaskQueueCapability#PRIORITIES}: the aging rule, exact among the tasks of the partitions one member
 *       owns (each member serves its own partitions; it cannot see a more urgent task in another member's).
 *   <li>{@link TaskQueueCapability#PER_KEY_MUTEX} and {@link TaskQueueCapability#KEY_CONCURRENCY}: tasks are
 *       partitioned by key, so all tasks of a key have one owner, which counts their leases; a revoked partition's
 *       leases are lost before another member takes it over.
 * </ul>
 *
 * Not declared: {@link TaskQueueCapability#BOUNDED} and {@link TaskQueueCapability#IDEMPOTENCY} (both are applied,
 * but from this process's view of the state topic, so two processes can both take the last slot or both accept one
 * key before each sees the other's write) and {@link TaskQueueCapability#RATE_LIMITS} (not applied: a per-member
 * bucket would multiply the limit by the number of members).
 *
 * <p>Stateless and cheap to instantiate.
 */
public final class KafkaTaskQueueProvider implements TaskQueueProvider {
    /** The provider name. */
    public static final String NAME = "kafka";

    /** What its queues declare; {@code TaskQueue.capabilities()} returns the same set. */
    static final Set<TaskQueueCapability> CAPABILITIES = Set.copyOf(EnumSet.of(
            TaskQueueCapability.DURABLE,
            TaskQueueCapability.CROSS_PROCESS,
            TaskQueueCapability.DELAYED_TASKS,
            TaskQueueCapability.PRIORITIES,
            TaskQueueCapability.PER_KEY_MUTEX,
            TaskQueueCapability.KEY_CONCURRENCY));

    /** Creates the provider; ServiceLoader calls this. */
    public KafkaTaskQueueProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<TaskQueueCapability> capabilities() {
        return CAPABILITIES;
    }

    /** Checks every key under {@value KafkaTaskQueueConfig#PREFIX} without connecting. */
    @Override
    public void validate(ConfigProperties config) {
        KafkaTaskQueueConfig.from(config);
    }

    /**
     * Creates the topics if missing, joins the workers' group and returns the started queue.
     *
     * <p>The context's {@link TaskQueueOptions} component (from {@code Scaleplane.builder().taskQueueOptions(...)})
     * is the base; the keys of this backend override it.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting
     * @throws dev.scaleplane.api.events.UnsupportedCapabilityException if the options need a capability this backend
     *     does not declare (rate limits; on RabbitMQ also a key concurrency above 1)
     * @throws dev.scaleplane.api.ScaleplaneException if the brokers cannot be reached or the start times out
     */
    @Override
    public TaskQueue create(ProviderContext context) {
        TaskQueueOptions base = context.component(TaskQueueOptions.class).orElseGet(TaskQueueOptions::defaults);
        // Before anything is opened: an option this backend cannot honour is refused, never dropped.
        base.requireSupportedBy(NAME, CAPABILITIES);
        KafkaTaskQueueConfig config = KafkaTaskQueueConfig.from(context.config(), base);
        TaskClock clock = context.component(TaskClock.class).orElseGet(() -> TaskClock.of(context.clock()));
        MeterRegistry registry = context.component(MeterRegistry.class).orElseGet(SimpleMeterRegistry::new);
        return new KafkaTaskQueue(
                config,
                config.options(),
                clock,
                () -> ThreadLocalRandom.current().nextDouble(),
                registry);
    }
}
