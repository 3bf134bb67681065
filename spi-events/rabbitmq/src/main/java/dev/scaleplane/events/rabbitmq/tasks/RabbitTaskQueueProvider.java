package dev.scaleplane.events.rabbitmq.tasks;

import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueCapability;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.api.spi.TaskQueueProvider;
import dev.scaleplane.events.rabbitmq.tasks.internal.RabbitTaskQueue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The RabbitMQ task queue, name {@value #NAME}, configured under {@value RabbitTaskQueueConfig#PREFIX} (see
 * {@link RabbitTaskQueueConfig}). Time comes from the context's {@link TaskClock} component, else from the platform
 * clock with real delays; its meters ({@code TaskQueueMetrics}, tag {@code backend=rabbitmq}) go to the context's
 * {@code MeterRegistry} component.
 *
 * <h2>Capabilities</h2>
 *
 * <ul>
 *   <li>{@link TaskQueueCapability#DURABLE}: durable queues (quorum by default), persistent messages, publisher
 *       confirms on every submit, retry and dead letter; leases held by a process that dies go back to the broker.
 *   <li>{@link TaskQueueCapability#CROSS_PROCESS}: every process configured with the same broker and
 *       {@code queue} shares the tasks, the capacity (the ledger queue) and the dead letters.
 *   <li>{@link TaskQueueCapability#DELAYED_TASKS}, {@link TaskQueueCapability#PRIORITIES} (with aging, exact among
 *       the tasks this process holds) and {@link TaskQueueCapability#BOUNDED} (exact across processes).
 *   <li>{@link TaskQueueCapability#PER_KEY_MUTEX}: a leased key is locked broker-wide by an exclusive queue of the
 *       leasing connection, which the broker deletes if that process dies.
 *   <li>{@link TaskQueueCapability#IDEMPOTENCY}: an idempotency key is claimed broker-wide in a one-message claim
 *       queue ({@code x-max-length=1}, {@code reject-publish}) whose expiry is read on the task clock. One queue
 *       per key inside the window: suited to keys on a modest share of submissions, not to every task of a
 *       high-rate stream.
 * </ul>
 *
 * <p>Stateless and cheap to instantiate.
 */
public final class RabbitTaskQueueProvider implements TaskQueueProvider {
    /** The provider name. */
    public static final String NAME = "rabbitmq";

    /** What its queues declare; {@code TaskQueue.capabilities()} returns the same set. Immutable. */
    public static final Set<TaskQueueCapability> CAPABILITIES = Set.copyOf(EnumSet.of(
            TaskQueueCapability.DURABLE,
            TaskQueueCapability.CROSS_PROCESS,
            TaskQueueCapability.DELAYED_TASKS,
            TaskQueueCapability.PRIORITIES,
            TaskQueueCapability.PER_KEY_MUTEX,
            TaskQueueCapability.IDEMPOTENCY,
            TaskQueueCapability.BOUNDED));

    /** Creates the provider; ServiceLoader calls this. */
    public RabbitTaskQueueProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<TaskQueueCapability> capabilities() {
        return CAPABILITIES;
    }

    /** Checks every key under {@value RabbitTaskQueueConfig#PREFIX} without connecting. */
    @Override
    public void validate(ConfigProperties config) {
        RabbitTaskQueueConfig.from(config);
    }

    /**
     * Connects to the broker, declares the queues and returns the started queue.
     *
     * <p>The context's {@link TaskQueueOptions} component (from {@code Scaleplane.builder().taskQueueOptions(...)})
     * is the base; the keys of this backend override it.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting
     * @throws dev.scaleplane.api.events.UnsupportedCapabilityException if the options need a capability this backend
     *     does not declare (rate limits; on RabbitMQ also a key concurrency above 1)
     * @throws dev.scaleplane.api.ScaleplaneException if the broker cannot be reached or a queue exists with other
     *     arguments (for example another capacity)
     */
    @Override
    public TaskQueue create(ProviderContext context) {
        TaskQueueOptions base = context.component(TaskQueueOptions.class).orElseGet(TaskQueueOptions::defaults);
        // Before anything is opened: an option this backend cannot honour is refused, never dropped.
        base.requireSupportedBy(NAME, CAPABILITIES);
        RabbitTaskQueueConfig config = RabbitTaskQueueConfig.from(context.config(), base);
        TaskClock clock = context.component(TaskClock.class).orElseGet(() -> TaskClock.of(context.clock()));
        MeterRegistry registry = context.component(MeterRegistry.class).orElseGet(SimpleMeterRegistry::new);
        return new RabbitTaskQueue(
                config,
                config.options(),
                clock,
                () -> ThreadLocalRandom.current().nextDouble(),
                registry);
    }
}
