package dev.scaleplane.core.internal.tasks;

import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueCapability;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.api.spi.TaskQueueProvider;
import dev.scaleplane.core.config.ConfigReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The bundled in-memory task queue, name {@value #NAME}, priority {@value TaskQueueProvider#EMBEDDED_PRIORITY} so
 * that any other installed backend wins over it. Time comes from the context's {@link TaskClock} component, else
 * from the platform clock with real delays.
 *
 * <table>
 *   <caption>Configuration</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code scaleplane.tasks.memory.capacity}</td><td>100000</td><td>unfinished tasks before submit
 *       fails</td></tr>
 *   <tr><td>{@code scaleplane.tasks.memory.aging-interval}</td><td>10s</td><td>wait per priority level
 *       gained</td></tr>
 *   <tr><td>{@code scaleplane.tasks.memory.idempotency-window}</td><td>1h</td><td>how long an idempotency key
 *       returns the same task</td></tr>
 *   <tr><td>{@code scaleplane.tasks.memory.retention}</td><td>1h</td><td>how long finished tasks can be looked
 *       up</td></tr>
 *   <tr><td>{@code scaleplane.tasks.memory.dead-letter-capacity}</td><td>100000</td><td>dead letters kept before
 *       the oldest are dropped</td></tr>
 *   <tr><td>{@code scaleplane.tasks.memory.retention-capacity}</td><td>100000</td><td>finished tasks remembered at
 *       most, the oldest forgotten first</td></tr>
 *   <tr><td>{@code scaleplane.tasks.memory.key-concurrency}</td><td>1</td><td>tasks of one key under lease at once,
 *       for types without an override</td></tr>
 * </table>
 *
 * <p>Per-type settings (retry policies, key concurrency, rate limits) come from the {@link TaskQueueOptions} given to
 * {@code Scaleplane.builder().taskQueueOptions(...)}, found as a context component; the keys above override it.
 */
public final class InMemoryTaskQueueProvider implements TaskQueueProvider {
    /** The provider name. */
    public static final String NAME = "memory";

    static final String CAPACITY = "scaleplane.tasks.memory.capacity";
    static final String AGING_INTERVAL = "scaleplane.tasks.memory.aging-interval";
    static final String IDEMPOTENCY_WINDOW = "scaleplane.tasks.memory.idempotency-window";
    static final String RETENTION = "scaleplane.tasks.memory.retention";
    static final String DEAD_LETTER_CAPACITY = "scaleplane.tasks.memory.dead-letter-capacity";
    static final String KEY_CONCURRENCY = "scaleplane.tasks.memory.key-concurrency";
    static final String RETENTION_CAPACITY = "scaleplane.tasks.memory.retention-capacity";

    /** What its queues declare; {@code TaskQueue.capabilities()} returns the same set. */
    static final Set<TaskQueueCapability> CAPABILITIES = Set.copyOf(EnumSet.of(
            TaskQueueCapability.DELAYED_TASKS,
            TaskQueueCapability.PRIORITIES,
            TaskQueueCapability.PER_KEY_MUTEX,
            TaskQueueCapability.KEY_CONCURRENCY,
            TaskQueueCapability.RATE_LIMITS,
            TaskQueueCapability.IDEMPOTENCY,
            TaskQueueCapability.BOUNDED));

    /** Creates the provider; ServiceLoader calls this. */
    public InMemoryTaskQueueProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return EMBEDDED_PRIORITY;
    }

    @Override
    public Set<TaskQueueCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(ConfigProperties config) {
        options(new ConfigReader(config), TaskQueueOptions.defaults());
    }

    @Override
    public TaskQueue create(ProviderContext context) {
        TaskClock clock = context.component(TaskClock.class).orElseGet(() -> TaskClock.of(context.clock()));
        MeterRegistry registry = context.component(MeterRegistry.class).orElseGet(SimpleMeterRegistry::new);
        TaskQueueOptions base = context.component(TaskQueueOptions.class).orElseGet(TaskQueueOptions::defaults);
        base.requireSupportedBy(NAME, CAPABILITIES);
        return new InMemoryTaskQueue(
                options(new ConfigReader(context.config()), base),
                clock,
                () -> ThreadLocalRandom.current().nextDouble(),
                registry);
    }

    /** The options {@code base} with the configured keys applied on top. */
    static TaskQueueOptions options(ConfigReader config, TaskQueueOptions d) {
        Duration max = Duration.ofDays(365);
        Duration min = Duration.ofMillis(1);
        int capacity = config.integer(CAPACITY, d.capacity(), 1, Integer.MAX_VALUE);
        Duration aging = config.duration(AGING_INTERVAL, d.agingInterval(), min, max);
        Duration window = config.duration(IDEMPOTENCY_WINDOW, d.idempotencyWindow(), min, max);
        Duration retention = config.duration(RETENTION, d.retention(), min, max);
        int deadLetters = config.integer(DEAD_LETTER_CAPACITY, d.deadLetterCapacity(), 1, Integer.MAX_VALUE);
        int keyConcurrency = config.integer(KEY_CONCURRENCY, d.keyConcurrency(), 1, Integer.MAX_VALUE);
        int retentionCapacity = config.integer(RETENTION_CAPACITY, d.retentionCapacity(), 1, Integer.MAX_VALUE);
        config.rejectUnknownKeys(
                "scaleplane.tasks.memory.",
                Set.of(
                        CAPACITY,
                        AGING_INTERVAL,
                        IDEMPOTENCY_WINDOW,
                        RETENTION,
                        RETENTION_CAPACITY,
                        DEAD_LETTER_CAPACITY,
                        KEY_CONCURRENCY));
        config.throwIfInvalid();
        return d.toBuilder()
                .capacity(capacity)
                .agingInterval(aging)
                .idempotencyWindow(window)
                .retention(retention)
                .deadLetterCapacity(deadLetters)
                .keyConcurrency(keyConcurrency)
                .retentionCapacity(retentionCapacity)
                .build();
    }
}
