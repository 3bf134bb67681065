package dev.scaleplane.core.internal.bootstrap;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.name.Names;
import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.EventBusProvider;
import dev.scaleplane.api.spi.EventStoreProvider;
import dev.scaleplane.api.spi.FederationProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.api.spi.TaskQueueProvider;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventUpcaster;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.internal.discovery.NoProviderException;
import dev.scaleplane.core.store.UpcastingEventStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Wires one platform. Guice stays inside the core: nothing here is visible to users or providers, who see only
 * {@link ScaleplanePlatform} and {@link ProviderContext}.
 */
final class PlatformModule extends AbstractModule {
    static final String SOURCE = "scaleplane.source";
    static final String BACKEND = "scaleplane.events.backend";
    static final String OWNS_BUS = "scaleplane.events.owned";
    static final String OWNS_STORE = "scaleplane.store.owned";
    static final String OWNS_TASKS = "scaleplane.tasks.owned";

    private final ConfigProperties config;
    private final URI source;
    private final EventTypeRegistry eventTypes;
    private final Clock clock;
    private final MeterRegistry meterRegistry;
    private final @Nullable EventBus explicitBus;
    private final @Nullable EventBusProvider provider;
    private final @Nullable EventStore explicitStore;
    private final @Nullable EventStoreProvider storeProvider;
    private final List<EventUpcaster> upcasters;
    private final @Nullable TaskQueue explicitTasks;
    private final @Nullable TaskQueueProvider taskQueueProvider;
    private final @Nullable TaskClock taskClock;
    private final @Nullable TaskQueueOptions taskQueueOptions;
    private final @Nullable FederationProvider federationProvider;
    private final Map<String, DefaultAdapters.Instance> adapterInstances;

    PlatformModule(
            ConfigProperties config,
            URI source,
            EventTypeRegistry eventTypes,
            Clock clock,
            MeterRegistry meterRegistry,
            @Nullable EventBus explicitBus,
            @Nullable EventBusProvider provider,
            @Nullable EventStore explicitStore,
            @Nullable EventStoreProvider storeProvider,
            List<EventUpcaster> upcasters,
            @Nullable TaskQueue explicitTasks,
            @Nullable TaskQueueProvider taskQueueProvider,
            @Nullable FederationProvider federationProvider,
            Map<String, DefaultAdapters.Instance> adapterInstances,
            @Nullable TaskClock taskClock,
            @Nullable TaskQueueOptions taskQueueOptions) {
        this.config = config;
        this.source = source;
        this.eventTypes = eventTypes;
        this.clock = clock;
        this.meterRegistry = meterRegistry;
        this.explicitBus = explicitBus;
        this.provider = provider;
        this.explicitStore = explicitStore;
        this.storeProvider = storeProvider;
        this.upcasters = upcasters;
        this.explicitTasks = explicitTasks;
        this.taskQueueProvider = taskQueueProvider;
        this.taskClock = taskClock;
        this.taskQueueOptions = taskQueueOptions;
        this.federationProvider = federationProvider;
        this.adapterInstances = adapterInstances;
    }

    @Override
    protected void configure() {
        bind(ConfigProperties.class).toInstance(config);
        bind(EventTypeRegistry.class).toInstance(eventTypes);
        bind(Clock.class).toInstance(clock);
        bind(MeterRegistry.class).toInstance(meterRegistry);
        bind(URI.class).annotatedWith(Names.named(SOURCE)).toInstance(source);
        bind(String.class)
                .annotatedWith(Names.named(BACKEND))
                .toInstance(
                        provider != null
                                ? provider.name()
                                : "instance:" + explicitBus.getClass().getName());
        bind(Boolean.class).annotatedWith(Names.named(OWNS_BUS)).toInstance(explicitBus == null);
        bind(Boolean.class).annotatedWith(Names.named(OWNS_STORE)).toInstance(explicitStore == null);
        bind(Boolean.class).annotatedWith(Names.named(OWNS_TASKS)).toInstance(explicitTasks == null);
        if (taskClock != null) {
            bind(TaskClock.class).toInstance(taskClock); // providers find it through ProviderContext.component
        }
        if (taskQueueOptions != null) {
            bind(TaskQueueOptions.class).toInstance(taskQueueOptions);
        }
        bind(ProviderContext.class).to(DefaultProviderContext.class).in(Singleton.class);
        bind(ScaleplanePlatform.class).to(DefaultPlatform.class).in(Singleton.class);
        // Federation providers reach the platform's store, bus and task queue through ProviderContext.component.
        bind(Platform.class).to(ScaleplanePlatform.class);
    }

    @Provides
    @Singleton
    EventCodec codec(EventTypeRegistry types, Clock clock) {
        return EventCodec.builder(types).clock(clock).build();
    }

    /** Lazy: Guice creates singletons on first use in the development stage, which is what store() promises. */
    @Provides
    @Singleton
    EventStore eventStore(ProviderContext context) {
        EventStore store;
        if (explicitStore != null) {
            store = explicitStore;
        } else if (storeProvider != null) {
            store = storeProvider.create(context);
        } else {
            throw new NoProviderException(
                    "no event store backend is installed: add dev.scaleplane:scaleplane-core's"
                            + " embedded store (on by default) or a store backend such as"
                            + " dev.scaleplane:scaleplane-events-postgres to the class path",
                    List.of());
        }
        return upcasters.isEmpty() ? store : UpcastingEventStore.wrap(store, upcasters);
    }

    /** Lazy, like the store. */
    @Provides
    @Singleton
    TaskQueue taskQueue(ProviderContext context) {
        if (explicitTasks != null) {
            return explicitTasks;
        }
        if (taskQueueProvider == null) {
            throw new NoProviderException(
                    "no task queue backend is installed: add dev.scaleplane:scaleplane-core's embedded queue (on by"
                            + " default) or a task queue backend to the class path",
                    List.of());
        }
        return taskQueueProvider.create(context);
    }

    /** The named adapter instances; each adapter is created on its first use. */
    @Provides
    @Singleton
    DefaultAdapters adapters(jakarta.inject.Provider<ProviderContext> context) {
        return new DefaultAdapters(adapterInstances, context::get);
    }

    /** Lazy, like the store: created on the first platform.federation(). */
    @Provides
    @Singleton
    Fleet fleet(ProviderContext context) {
        if (federationProvider == null) {
            throw new NoProviderException(
                    "no federation backend is installed: add dev.scaleplane:scaleplane-federation-kubernetes to the"
                            + " class path",
                    List.of());
        }
        return federationProvider.create(context);
    }

    @Provides
    @Singleton
    EventBus eventBus(ProviderContext context) {
        if (explicitBus != null) {
            return explicitBus;
        }
        return provider.create(context);
    }
}
