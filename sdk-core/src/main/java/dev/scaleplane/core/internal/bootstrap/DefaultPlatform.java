package dev.scaleplane.core.internal.bootstrap;

import dev.scaleplane.api.adapters.Adapters;
import dev.scaleplane.api.deployments.Deployments;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.slo.Slos;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.internal.deploy.DeploymentController;
import dev.scaleplane.core.internal.slo.DefaultSlos;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The platform assembled by Guice in {@link Bootstrap}. */
final class DefaultPlatform implements ScaleplanePlatform {
    private static final Logger log = LoggerFactory.getLogger(DefaultPlatform.class);

    private final EventBus events;
    private final EventTypeRegistry eventTypes;
    private final MeterRegistry meterRegistry;
    private final ConfigProperties config;
    private final String backend;
    private final boolean ownsBus;
    private final LazyService<EventStore> store;
    private final LazyService<TaskQueue> tasks;
    private final LazyService<Fleet> federation;
    private final DefaultAdapters adapters;
    private final LazyService<DefaultSlos> slos;
    private final LazyService<DeploymentController> deployments;
    private @Nullable AuditRecorder auditRecorder;
    private final AtomicBoolean closed = new AtomicBoolean();

    @Inject
    DefaultPlatform(
            EventBus events,
            EventTypeRegistry eventTypes,
            MeterRegistry meterRegistry,
            ConfigProperties config,
            @Named(PlatformModule.BACKEND) String backend,
            @Named(PlatformModule.OWNS_BUS) boolean ownsBus,
            Provider<EventStore> storeProvider,
            @Named(PlatformModule.OWNS_STORE) boolean ownsStore,
            Provider<TaskQueue> taskQueueProvider,
            @Named(PlatformModule.OWNS_TASKS) boolean ownsTasks,
            Provider<Fleet> fleetProvider,
            DefaultAdapters adapters,
            ProviderContext context) {
        this.events = events;
        this.eventTypes = eventTypes;
        this.meterRegistry = meterRegistry;
        this.config = config;
        this.backend = backend;
        this.ownsBus = ownsBus;
        this.store = new LazyService<>("event store", storeProvider, ownsStore);
        this.tasks = new LazyService<>("task queue", taskQueueProvider, ownsTasks);
        this.federation = new LazyService<>("fleet", fleetProvider, true);
        this.adapters = adapters;
        DefaultSlos.validate(config); // bad SLO settings fail the build, not the first platform.slos()
        this.slos = new LazyService<>(
                "SLOs",
                () -> new DefaultSlos(
                        this,
                        context.component(TaskClock.class).orElseGet(() -> TaskClock.of(context.clock())),
                        config),
                true);
        DeploymentController.validate(config); // bad deployment settings fail the build, too
        TaskClock clock = context.component(TaskClock.class).orElseGet(() -> TaskClock.of(context.clock()));
        this.deployments = new LazyService<>("deployments", () -> new DeploymentController(this, clock).start(), true);
    }

    @Override
    public Deployments deployments() {
        return deployments.get();
    }

    @Override
    public Slos slos() {
        return slos.get();
    }

    @Override
    public EventStore store() {
        return store.get();
    }

    @Override
    public TaskQueue tasks() {
        return tasks.get();
    }

    @Override
    public Adapters adapters() {
        return adapters;
    }

    @Override
    public Fleet federation() {
        return federation.get();
    }

    /** Starts recording the topics' events into the store; called once by the bootstrap. */
    void startAuditRecorder(List<String> topics) {
        auditRecorder = new AuditRecorder(events, store(), topics);
    }

    @Override
    public EventBus events() {
        return events;
    }

    @Override
    public EventTypeRegistry eventTypes() {
        return eventTypes;
    }

    @Override
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    @Override
    public ConfigProperties config() {
        return config;
    }

    @Override
    public String eventBusBackend() {
        return backend;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        deployments.close(); // first: it drives the fleet, the SLOs, the store and the bus
        slos.close(); // its schedule publishes and reads the store and adapters
        if (auditRecorder != null) {
            auditRecorder.close(); // before the bus and store close, so it records what it received
        }
        if (ownsBus) {
            try {
                events.close();
            } catch (RuntimeException e) {
                log.warn("closing the '{}' event bus failed", backend, e);
            }
        }
        federation.close(); // first: its workers use the task queue, the bus and the store
        adapters.close();
        tasks.close();
        store.close();
    }

    @Override
    public String toString() {
        return "ScaleplanePlatform{events=" + backend + ", types="
                + eventTypes.types().size() + '}';
    }
}
