package dev.scaleplane.core;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.ci.CiEvents;
import dev.scaleplane.api.adapters.secrets.SecretEvents;
import dev.scaleplane.api.capacity.CapacityEvents;
import dev.scaleplane.api.deployments.DeploymentEvents;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.scaling.ScalingEvents;
import dev.scaleplane.api.slo.SloEvents;
import dev.scaleplane.api.spi.CiAdapterProvider;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.EventBusProvider;
import dev.scaleplane.api.spi.EventStoreProvider;
import dev.scaleplane.api.spi.FederationProvider;
import dev.scaleplane.api.spi.IssueTrackerAdapterProvider;
import dev.scaleplane.api.spi.ObservabilityAdapterProvider;
import dev.scaleplane.api.spi.SecretsAdapterProvider;
import dev.scaleplane.api.spi.TaskQueueProvider;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventUpcaster;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.internal.bootstrap.Bootstrap;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Builds a running {@link ScaleplanePlatform}.
 *
 * <pre>{@code
 * try (ScaleplanePlatform platform = Scaleplane.builder().build()) {   // embedded defaults
 *     platform.events().subscribe(SubscriptionOptions.of("deployments", "auditor"),
 *             DeploymentRequested.TYPE, event -> System.out.println(event.data()));
 *     platform.events().publish("deployments", new DeploymentRequested(...)).join();
 * }
 * }</pre>
 *
 * <p>Without {@link Builder#config(ConfigProperties)}, configuration comes from {@link
 * ScaleplaneProperties#fromEnvironment()}: system properties, {@code SCALEPLANE_*} environment variables and the file
 * named by {@code scaleplane.config.file}. The event bus backend is chosen by the rule documented on {@link
 * EventBusProvider}.
 *
 * <table>
 *   <caption>Platform keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code scaleplane.source}</td><td>{@value #DEFAULT_SOURCE}</td><td>source URI of events the platform
 *       wraps</td></tr>
 *   <tr><td>{@code scaleplane.events.provider}</td><td>(selection rule)</td><td>name of the event bus
 *       backend</td></tr>
 *   <tr><td>{@code scaleplane.store.provider}</td><td>(selection rule)</td><td>name of the event store backend,
 *       opened on first use of {@code store()}</td></tr>
 *   <tr><td>{@code scaleplane.tasks.provider}</td><td>(selection rule)</td><td>name of the task queue backend,
 *       opened on first use of {@code tasks()}</td></tr>
 *   <tr><td>{@code scaleplane.store.record-topics}</td><td>(none)</td><td>comma-separated topics whose events are
 *       recorded in the store (see {@link Builder#recordTopics(String...)})</td></tr>
 *   <tr><td>{@code scaleplane.adapters.<instance>.type}</td><td>(none)</td><td>the system of the named adapter
 *       instance {@code <instance>} (CI, issue tracking, observability, secrets), reached through {@code
 *       platform.adapters()}; secrets instances also take {@code rotations.*} and {@code cache.*} keys</td></tr>
 * </table>
 */
public final class Scaleplane {
    /** Default source URI of events built by the platform. */
    public static final String DEFAULT_SOURCE = "/scaleplane";

    private Scaleplane() {}

    /** A builder with every default: embedded backends, configuration from the environment. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Collects what the platform is built from. Not thread-safe; {@link #build()} may be called more than once and
     * builds independent platforms.
     */
    public static final class Builder {
        private @Nullable ConfigProperties config;
        private @Nullable URI source;
        private EventTypeRegistry eventTypes = EventTypeRegistry.platformDefaults();
        private final List<EventType<?>> extraTypes = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private @Nullable MeterRegistry meterRegistry;
        private @Nullable EventBus eventBus;
        private @Nullable EventBusProvider eventBusProvider;
        private @Nullable List<EventBusProvider> eventBusProviders;
        private @Nullable ClassLoader classLoader;
        private @Nullable EventStore eventStore;
        private @Nullable EventStoreProvider eventStoreProvider;
        private @Nullable List<EventStoreProvider> eventStoreProviders;
        private final List<EventUpcaster> upcasters = new ArrayList<>();
        private final List<String> recordTopics = new ArrayList<>();
        private @Nullable TaskQueue taskQueue;
        private @Nullable TaskQueueProvider taskQueueProvider;
        private @Nullable List<TaskQueueProvider> taskQueueProviders;
        private @Nullable FederationProvider federationProvider;
        private @Nullable List<FederationProvider> federationProviders;
        private @Nullable List<CiAdapterProvider> ciAdapterProviders;
        private @Nullable List<IssueTrackerAdapterProvider> issueTrackerAdapterProviders;
        private @Nullable List<ObservabilityAdapterProvider> observabilityAdapterProviders;
        private @Nullable List<SecretsAdapterProvider> secretsAdapterProviders;
        private @Nullable TaskClock taskClock;
        private @Nullable TaskQueueOptions taskQueueOptions;

        private Builder() {}

        /** Configuration to use instead of {@link ScaleplaneProperties#fromEnvironment()}. */
        public Builder config(ConfigProperties config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The source URI of events the platform wraps; overrides {@code scaleplane.source}. */
        public Builder source(URI source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Replaces the event type registry (default: the platform catalog). Whatever the registry, {@link #build()}
         * adds the adapter event types of {@link CiEvents#all()} and {@link SecretEvents#all()} whose name and class
         * it does not use yet.
         */
        public Builder eventTypes(EventTypeRegistry eventTypes) {
            this.eventTypes = Objects.requireNonNull(eventTypes, "eventTypes");
            return this;
        }

        /** Adds a user event type to the registry. */
        public Builder registerEventType(EventType<?> type) {
            extraTypes.add(Objects.requireNonNull(type, "type"));
            return this;
        }

        /** The clock for event times and timestamps (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where metrics go (default: a new {@code SimpleMeterRegistry}). The platform does not close it. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * Uses this bus instead of creating one; wins over every provider. The platform does not close a bus it did
         * not create.
         */
        public Builder eventBus(EventBus eventBus) {
            this.eventBus = Objects.requireNonNull(eventBus, "eventBus");
            return this;
        }

        /** Uses this provider instead of discovery. */
        public Builder eventBusProvider(EventBusProvider provider) {
            this.eventBusProvider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * The providers to choose from instead of those {@link java.util.ServiceLoader} finds; the selection rule
         * still applies. For containers and tests that wire providers explicitly.
         */
        public Builder eventBusProviders(List<EventBusProvider> providers) {
            this.eventBusProviders = List.copyOf(providers);
            return this;
        }

        /**
         * Uses this store instead of creating one; wins over every provider. The platform does not close a store it
         * did not create.
         */
        public Builder eventStore(EventStore eventStore) {
            this.eventStore = Objects.requireNonNull(eventStore, "eventStore");
            return this;
        }

        /** Uses this store provider instead of discovery. */
        public Builder eventStoreProvider(EventStoreProvider provider) {
            this.eventStoreProvider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /** The store providers to choose from instead of those {@link java.util.ServiceLoader} finds. */
        public Builder eventStoreProviders(List<EventStoreProvider> providers) {
            this.eventStoreProviders = List.copyOf(providers);
            return this;
        }

        /** Adds an upcaster applied to every event read from the store. At most one per {@code fromType}. */
        public Builder registerUpcaster(EventUpcaster upcaster) {
            upcasters.add(Objects.requireNonNull(upcaster, "upcaster"));
            return this;
        }

        /**
         * Records every event published on these topics in the event store, in stream {@code audit-<topic>}; adds
         * to {@code scaleplane.store.record-topics}. The platform subscribes group {@code scaleplane-audit} to each.
         */
        public Builder recordTopics(String... topics) {
            for (String topic : topics) {
                recordTopics.add(SubscriptionOptions.checkName(topic, "topic"));
            }
            return this;
        }

        /**
         * Uses this task queue instead of creating one; wins over every provider. The platform does not close a queue
         * it did not create.
         */
        public Builder taskQueue(TaskQueue taskQueue) {
            this.taskQueue = Objects.requireNonNull(taskQueue, "taskQueue");
            return this;
        }

        /** Uses this task queue provider instead of discovery. */
        public Builder taskQueueProvider(TaskQueueProvider provider) {
            this.taskQueueProvider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /** The task queue providers to choose from instead of those {@link java.util.ServiceLoader} finds. */
        public Builder taskQueueProviders(List<TaskQueueProvider> providers) {
            this.taskQueueProviders = List.copyOf(providers);
            return this;
        }

        /**
         * The clock and scheduler task queues run on (leases, delays, retries); default: the platform clock with real
         * delays. Tests pass a virtual clock, such as the test kit's {@code VirtualTaskClock}, to run on virtual time.
         */
        public Builder taskClock(TaskClock taskClock) {
            this.taskClock = Objects.requireNonNull(taskClock, "taskClock");
            return this;
        }

        /**
         * Options of the task queue the platform creates: per-type retry policies, key concurrency and rate limits,
         * and defaults of the settings the provider's configuration keys may override. Providers find them as the
         * context component {@code TaskQueueOptions}; default {@link TaskQueueOptions#defaults()}. Every bundled backend
         * applies them; {@link #build()} throws {@link dev.scaleplane.api.events.UnsupportedCapabilityException} when
         * they need a capability the selected task queue backend does not declare (for example rate limits on Kafka).
         */
        public Builder taskQueueOptions(TaskQueueOptions taskQueueOptions) {
            this.taskQueueOptions = Objects.requireNonNull(taskQueueOptions, "taskQueueOptions");
            return this;
        }

        /** Uses this federation provider instead of discovery and the configured name. */
        public Builder federationProvider(FederationProvider provider) {
            this.federationProvider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /** Selects the federation provider among these instead of discovering them with ServiceLoader. */
        public Builder federationProviders(List<FederationProvider> providers) {
            this.federationProviders = List.copyOf(providers);
            return this;
        }

        /** Uses these CI adapter providers instead of discovering them with ServiceLoader. */
        public Builder ciAdapterProviders(List<CiAdapterProvider> providers) {
            this.ciAdapterProviders = List.copyOf(providers);
            return this;
        }

        /** Uses these issue-tracker adapter providers instead of discovering them with ServiceLoader. */
        public Builder issueTrackerAdapterProviders(List<IssueTrackerAdapterProvider> providers) {
            this.issueTrackerAdapterProviders = List.copyOf(providers);
            return this;
        }

        /** Uses these observability adapter providers instead of discovering them with ServiceLoader. */
        public Builder observabilityAdapterProviders(List<ObservabilityAdapterProvider> providers) {
            this.observabilityAdapterProviders = List.copyOf(providers);
            return this;
        }

        /** Uses these secrets adapter providers instead of discovering them with ServiceLoader. */
        public Builder secretsAdapterProviders(List<SecretsAdapterProvider> providers) {
            this.secretsAdapterProviders = List.copyOf(providers);
            return this;
        }

        /** The class loader discovery searches (default: the thread context class loader, else this class's). */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
            return this;
        }

        /**
         * Validates the configuration, selects and creates the backends and starts the platform.
         *
         * @throws ConfigurationException listing every invalid setting
         * @throws dev.scaleplane.api.ScaleplaneException if a backend cannot be selected or started
         */
        public ScaleplanePlatform build() {
            EventTypeRegistry types = eventTypes;
            if (!extraTypes.isEmpty()) {
                types = types.toBuilder().registerAll(extraTypes).build();
            }
            // The adapter, SLO-policy and scaling event types join every platform's registry without joining the
            // platform catalog (twelve types, PlatformEvents): adapters, the webhook receiver, the SLO policy and
            // autoscalers publish them whatever registry the user gave.
            // A name or class the user's registry already uses is left as the user registered it.
            EventTypeRegistry.Builder withAdapterTypes = types.toBuilder();
            for (EventType<?> type : Stream.of(
                            CiEvents.all(),
                            SecretEvents.all(),
                            SloEvents.all(),
                            ScalingEvents.all(),
                            DeploymentEvents.all(),
                            CapacityEvents.all())
                    .flatMap(List::stream)
                    .toList()) {
                if (types.byName(type.name()).isEmpty()
                        && types.byClass(type.javaType()).isEmpty()) {
                    withAdapterTypes.register(type);
                }
            }
            types = withAdapterTypes.build();
            ClassLoader loader = classLoader;
            if (loader == null) {
                loader = Thread.currentThread().getContextClassLoader();
                if (loader == null) {
                    loader = Scaleplane.class.getClassLoader();
                }
            }
            return new Bootstrap(
                            config != null ? config : ScaleplaneProperties.fromEnvironment(),
                            source,
                            types,
                            clock,
                            meterRegistry,
                            eventBus,
                            eventBusProvider,
                            eventBusProviders,
                            loader,
                            eventStore,
                            eventStoreProvider,
                            eventStoreProviders,
                            upcasters,
                            recordTopics,
                            taskQueue,
                            taskQueueProvider,
                            taskQueueProviders,
                            federationProvider,
                            federationProviders,
                            ciAdapterProviders,
                            issueTrackerAdapterProviders,
                            observabilityAdapterProviders,
                            secretsAdapterProviders,
                            taskClock,
                            taskQueueOptions)
                    .start();
        }
    }
}
