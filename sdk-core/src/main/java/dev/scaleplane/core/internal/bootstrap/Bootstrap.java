package dev.scaleplane.core.internal.bootstrap;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
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
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ConfigReader;
import dev.scaleplane.core.internal.discovery.ProviderLoader;
import dev.scaleplane.core.internal.discovery.ProviderSelector;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what {@link Scaleplane.Builder} collected into a running platform: validates the core's configuration,
 * selects the event bus provider, and lets Guice assemble the rest. Configuration problems of the core, of provider
 * selection and of the selected provider are reported together in one {@link ConfigurationException}.
 */
public final class Bootstrap {
    private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);

    /** Key naming the event bus backend. */
    public static final String EVENTS_PROVIDER = "scaleplane.events.provider";
    /** Key naming the event store backend. */
    public static final String STORE_PROVIDER = "scaleplane.store.provider";
    /** Key listing the topics whose events are recorded in the event store (comma-separated). */
    public static final String RECORD_TOPICS = "scaleplane.store.record-topics";
    /** Key naming the task queue backend. */
    public static final String TASKS_PROVIDER = "scaleplane.tasks.provider";
    /** Key naming the federation backend. */
    public static final String FEDERATION_PROVIDER = "scaleplane.federation.provider";
    /** Key of the source URI. */
    public static final String SOURCE = "scaleplane.source";

    private static final Set<String> CORE_EVENT_KEYS =
            Set.of(EVENTS_PROVIDER, "scaleplane.events.publish-timeout", "scaleplane.events.drain-timeout");

    private final ConfigProperties config;
    private final @Nullable URI source;
    private final EventTypeRegistry eventTypes;
    private final Clock clock;
    private final @Nullable MeterRegistry meterRegistry;
    private final @Nullable EventBus explicitBus;
    private final @Nullable EventBusProvider explicitProvider;
    private final @Nullable List<EventBusProvider> providers;
    private final ClassLoader classLoader;
    private final @Nullable EventStore explicitStore;
    private final @Nullable EventStoreProvider explicitStoreProvider;
    private final @Nullable List<EventStoreProvider> storeProviders;
    private final List<EventUpcaster> upcasters;
    private final List<String> recordTopics;
    private final @Nullable TaskQueue explicitTasks;
    private final @Nullable TaskQueueProvider explicitTaskQueueProvider;
    private final @Nullable List<TaskQueueProvider> taskQueueProviders;
    private final @Nullable FederationProvider explicitFederationProvider;
    private final @Nullable List<FederationProvider> federationProviders;
    private final @Nullable List<CiAdapterProvider> ciAdapterProviders;
    private final @Nullable List<IssueTrackerAdapterProvider> issueTrackerAdapterProviders;
    private final @Nullable List<ObservabilityAdapterProvider> observabilityAdapterProviders;
    private final @Nullable List<SecretsAdapterProvider> secretsAdapterProviders;
    private final @Nullable TaskClock taskClock;
    private final @Nullable TaskQueueOptions taskQueueOptions;

    /** Captures the builder's state; see {@link Scaleplane.Builder}. */
    public Bootstrap(
            ConfigProperties config,
            @Nullable URI source,
            EventTypeRegistry eventTypes,
            Clock clock,
            @Nullable MeterRegistry meterRegistry,
            @Nullable EventBus explicitBus,
            @Nullable EventBusProvider explicitProvider,
            @Nullable List<EventBusProvider> providers,
            ClassLoader classLoader,
            @Nullable EventStore explicitStore,
            @Nullable EventStoreProvider explicitStoreProvider,
            @Nullable List<EventStoreProvider> storeProviders,
            List<EventUpcaster> upcasters,
            List<String> recordTopics,
            @Nullable TaskQueue explicitTasks,
            @Nullable TaskQueueProvider explicitTaskQueueProvider,
            @Nullable List<TaskQueueProvider> taskQueueProviders,
            @Nullable FederationProvider explicitFederationProvider,
            @Nullable List<FederationProvider> federationProviders,
            @Nullable List<CiAdapterProvider> ciAdapterProviders,
            @Nullable List<IssueTrackerAdapterProvider> issueTrackerAdapterProviders,
            @Nullable List<ObservabilityAdapterProvider> observabilityAdapterProviders,
            @Nullable List<SecretsAdapterProvider> secretsAdapterProviders,
            @Nullable TaskClock taskClock,
            @Nullable TaskQueueOptions taskQueueOptions) {
        this.config = config;
        this.source = source;
        this.eventTypes = eventTypes;
        this.clock = clock;
        this.meterRegistry = meterRegistry;
        this.explicitBus = explicitBus;
        this.explicitProvider = explicitProvider;
        this.providers = providers;
        this.classLoader = classLoader;
        this.explicitStore = explicitStore;
        this.explicitStoreProvider = explicitStoreProvider;
        this.storeProviders = storeProviders;
        this.upcasters = List.copyOf(upcasters);
        this.recordTopics = List.copyOf(recordTopics);
        this.explicitTasks = explicitTasks;
        this.explicitTaskQueueProvider = explicitTaskQueueProvider;
        this.taskQueueProviders = taskQueueProviders;
        this.explicitFederationProvider = explicitFederationProvider;
        this.federationProviders = federationProviders;
        this.ciAdapterProviders = ciAdapterProviders;
        this.issueTrackerAdapterProviders = issueTrackerAdapterProviders;
        this.observabilityAdapterProviders = observabilityAdapterProviders;
        this.secretsAdapterProviders = secretsAdapterProviders;
        this.taskClock = taskClock;
        this.taskQueueOptions = taskQueueOptions;
    }

    /**
     * Builds and starts the platform.
     *
     * @throws ConfigurationException listing every problem found
     */
    public ScaleplanePlatform start() {
        List<ConfigurationException.Problem> problems = new ArrayList<>();
        ConfigReader reader = new ConfigReader(config);
        URI resolvedSource = source != null ? source : reader.uri(SOURCE, URI.create(Scaleplane.DEFAULT_SOURCE));
        Optional<String> configuredProvider = reader.optional(EVENTS_PROVIDER);
        List<String> recordTopics = new ArrayList<>(this.recordTopics);
        reader.optional(RECORD_TOPICS).ifPresent(value -> {
            for (String topic : value.split(",")) {
                String t = topic.trim();
                if (t.isEmpty()) {
                    continue;
                }
                try {
                    SubscriptionOptions.checkName(t, "topic");
                    recordTopics.add(t);
                } catch (IllegalArgumentException e) {
                    reader.check(false, RECORD_TOPICS, value, "comma-separated topic names (" + e.getMessage() + ")");
                }
            }
        });

        EventStoreProvider storeProvider = null;
        if (explicitStore == null) {
            ProviderLoader loader = storeProviders != null
                    ? ProviderLoader.of(storeProviders)
                    : ProviderLoader.serviceLoader(classLoader);
            List<EventStoreProvider> found = loader.load(EventStoreProvider.class);
            Optional<String> configuredStore = reader.optional(STORE_PROVIDER);
            Set<String> knownStoreKeys =
                    new TreeSet<>(Set.of(STORE_PROVIDER, RECORD_TOPICS, "scaleplane.store.retention.*"));
            found.forEach(p -> knownStoreKeys.add("scaleplane.store." + p.name() + ".*"));
            configuredStore.ifPresent(name -> knownStoreKeys.add("scaleplane.store." + name + ".*"));
            reader.rejectUnknownKeys("scaleplane.store.", knownStoreKeys);
            // A platform may never use its store, so finding none is not an error here: store() reports it.
            if (!found.isEmpty() || configuredStore.isPresent() || explicitStoreProvider != null) {
                try {
                    storeProvider = ProviderSelector.eventStore()
                            .select(
                                    explicitStoreProvider,
                                    configuredStore,
                                    found,
                                    loader.failures(EventStoreProvider.class));
                    validate(
                            storeProvider.name(),
                            storeProvider::validate,
                            "event store",
                            STORE_PROVIDER,
                            configuredStore.isEmpty() && explicitStoreProvider == null,
                            found.stream().map(EventStoreProvider::name).toList(),
                            problems);
                } catch (ConfigurationException e) {
                    problems.addAll(e.problems());
                }
            }
        }

        TaskQueueProvider taskProvider = null;
        if (explicitTasks == null) {
            ProviderLoader loader = taskQueueProviders != null
                    ? ProviderLoader.of(taskQueueProviders)
                    : ProviderLoader.serviceLoader(classLoader);
            List<TaskQueueProvider> found = loader.load(TaskQueueProvider.class);
            Optional<String> configuredTasks = reader.optional(TASKS_PROVIDER);
            Set<String> knownTaskKeys = new TreeSet<>(Set.of(TASKS_PROVIDER));
            found.forEach(p -> knownTaskKeys.add("scaleplane.tasks." + p.name() + ".*"));
            configuredTasks.ifPresent(name -> knownTaskKeys.add("scaleplane.tasks." + name + ".*"));
            reader.rejectUnknownKeys("scaleplane.tasks.", knownTaskKeys);
            // Like the store: a platform may never use a task queue, so finding none is reported by tasks().
            if (!found.isEmpty() || configuredTasks.isPresent() || explicitTaskQueueProvider != null) {
                try {
                    taskProvider = ProviderSelector.taskQueue()
                            .select(
                                    explicitTaskQueueProvider,
                                    configuredTasks,
                                    found,
                                    loader.failures(TaskQueueProvider.class));
                    validate(
                            taskProvider.name(),
                            taskProvider::validate,
                            "task queue",
                            TASKS_PROVIDER,
                            configuredTasks.isEmpty() && explicitTaskQueueProvider == null,
                            found.stream().map(TaskQueueProvider::name).toList(),
                            problems);
                    if (taskQueueOptions != null) {
                        // At build time, like every other setting: not when tasks() first opens the queue.
                        taskQueueOptions.requireSupportedBy(taskProvider.name(), taskProvider.capabilities());
                    }
                } catch (ConfigurationException e) {
                    problems.addAll(e.problems());
                }
            }
        }

        FederationProvider federationProvider = null;
        {
            ProviderLoader loader = federationProviders != null
                    ? ProviderLoader.of(federationProviders)
                    : ProviderLoader.serviceLoader(classLoader);
            List<FederationProvider> found = loader.load(FederationProvider.class);
            Optional<String> configured = reader.optional(FEDERATION_PROVIDER);
            Set<String> knownKeys = new TreeSet<>(Set.of(FEDERATION_PROVIDER));
            found.forEach(p -> knownKeys.add("scaleplane.federation." + p.name() + ".*"));
            configured.ifPresent(name -> knownKeys.add("scaleplane.federation." + name + ".*"));
            reader.rejectUnknownKeys("scaleplane.federation.", knownKeys);
            // A platform may never use federation: finding no provider is reported by federation().
            if (!found.isEmpty() || configured.isPresent() || explicitFederationProvider != null) {
                try {
                    federationProvider = ProviderSelector.federation()
                            .select(
                                    explicitFederationProvider,
                                    configured,
                                    found,
                                    loader.failures(FederationProvider.class));
                    validate(
                            federationProvider.name(),
                            federationProvider::validate,
                            "federation",
                            FEDERATION_PROVIDER,
                            configured.isEmpty() && explicitFederationProvider == null,
                            found.stream().map(FederationProvider::name).toList(),
                            problems);
                } catch (ConfigurationException e) {
                    problems.addAll(e.problems());
                }
            }
        }

        // Adapters: named instances whose type names the system; each system's providers check their keys now.
        Map<String, DefaultAdapters.Instance> adapterInstances;
        {
            ProviderLoader ciLoader = ciAdapterProviders != null
                    ? ProviderLoader.of(ciAdapterProviders)
                    : ProviderLoader.serviceLoader(classLoader);
            ProviderLoader issuesLoader = issueTrackerAdapterProviders != null
                    ? ProviderLoader.of(issueTrackerAdapterProviders)
                    : ProviderLoader.serviceLoader(classLoader);
            ProviderLoader observabilityLoader = observabilityAdapterProviders != null
                    ? ProviderLoader.of(observabilityAdapterProviders)
                    : ProviderLoader.serviceLoader(classLoader);
            ProviderLoader secretsLoader = secretsAdapterProviders != null
                    ? ProviderLoader.of(secretsAdapterProviders)
                    : ProviderLoader.serviceLoader(classLoader);
            adapterInstances = DefaultAdapters.configure(
                    config,
                    ciLoader.load(CiAdapterProvider.class),
                    issuesLoader.load(IssueTrackerAdapterProvider.class),
                    observabilityLoader.load(ObservabilityAdapterProvider.class),
                    secretsLoader.load(SecretsAdapterProvider.class),
                    problems);
        }

        EventBusProvider provider = null;
        if (explicitBus == null) {
            ProviderLoader loader =
                    providers != null ? ProviderLoader.of(providers) : ProviderLoader.serviceLoader(classLoader);
            List<EventBusProvider> found = loader.load(EventBusProvider.class);
            reader.rejectUnknownKeys("scaleplane.events.", knownEventKeys(found, configuredProvider));
            try {
                provider = ProviderSelector.eventBus()
                        .select(explicitProvider, configuredProvider, found, loader.failures(EventBusProvider.class));
                validate(
                        provider.name(),
                        provider::validate,
                        "event bus",
                        EVENTS_PROVIDER,
                        configuredProvider.isEmpty() && explicitProvider == null,
                        found.stream().map(EventBusProvider::name).toList(),
                        problems);
            } catch (ConfigurationException e) {
                problems.addAll(e.problems());
            }
        }
        try {
            reader.throwIfInvalid();
        } catch (ConfigurationException e) {
            problems.addAll(0, e.problems());
        }
        // Every provider validated its settings above, so nothing is started for a platform that cannot be built.
        if (!problems.isEmpty() || (provider == null && explicitBus == null)) {
            throw new ConfigurationException(problems);
        }

        Injector injector = Guice.createInjector(
                Stage.DEVELOPMENT,
                new PlatformModule(
                        config,
                        resolvedSource,
                        eventTypes,
                        clock,
                        meterRegistry != null ? meterRegistry : new SimpleMeterRegistry(),
                        explicitBus,
                        provider,
                        explicitStore,
                        storeProvider,
                        upcasters,
                        explicitTasks,
                        taskProvider,
                        federationProvider,
                        adapterInstances,
                        taskClock,
                        taskQueueOptions));
        ScaleplanePlatform platform;
        try {
            platform = injector.getInstance(ScaleplanePlatform.class);
        } catch (ProvisionException e) {
            Throwable cause = rootProvisionCause(e);
            if (cause instanceof ConfigurationException ce) {
                problems.addAll(ce.problems());
                throw new ConfigurationException(problems);
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
        if (!recordTopics.isEmpty()) {
            try {
                ((DefaultPlatform) platform).startAuditRecorder(recordTopics);
            } catch (RuntimeException e) {
                platform.close();
                throw e;
            }
        }
        log.debug("started {} with event bus backend '{}'", platform, platform.eventBusBackend());
        return platform;
    }

    /** Core keys, plus every key under {@code scaleplane.events.<name>.} for a provider that is present. */
    private Set<String> knownEventKeys(List<EventBusProvider> found, Optional<String> configured) {
        Set<String> prefixes = new TreeSet<>();
        found.forEach(p -> prefixes.add("scaleplane.events." + p.name() + "."));
        // Keys of a configured but missing provider are not "unknown": the missing provider is the problem reported.
        configured.ifPresent(name -> prefixes.add("scaleplane.events." + name + "."));
        Set<String> known = new TreeSet<>(CORE_EVENT_KEYS);
        for (String key : config.keys()) {
            if (prefixes.stream().anyMatch(key::startsWith)) {
                known.add(key);
            }
        }
        return known;
    }

    private static Throwable rootProvisionCause(ProvisionException e) {
        Throwable cause = e.getCause();
        if (cause == null && !e.getErrorMessages().isEmpty()) {
            cause = e.getErrorMessages().iterator().next().getCause();
        }
        return cause != null ? cause : e;
    }

    /**
     * Validates the settings of the chosen provider into {@code problems}. When nothing chose it but its priority
     * (no {@code key} set, no instance given) and other providers of the kind are installed, each problem says so and
     * names the setting that picks another: a user who added an artifact for one service (the Kafka bus) and meets a
     * missing setting of another it brings (the Kafka task queue) learns how to keep the embedded one. The platform
     * still fails to build: a backend that cannot start is reported at build time, not on first use.
     */
    private void validate(
            String name,
            Consumer<ConfigProperties> validation,
            String kind,
            String key,
            boolean byPriority,
            List<String> installed,
            List<ConfigurationException.Problem> problems) {
        try {
            validation.accept(config);
        } catch (ConfigurationException e) {
            List<String> others =
                    installed.stream().filter(n -> !n.equals(name)).sorted().toList();
            for (ConfigurationException.Problem p : e.problems()) {
                problems.add(
                        byPriority && !others.isEmpty()
                                ? new ConfigurationException.Problem(
                                        p.key(),
                                        p.value(),
                                        p.expected() + " (the " + kind + " provider '" + name
                                                + "' was chosen by priority, as"
                                                + " " + key + " is not set; set " + key + "=" + String.join("|", others)
                                                + " to use another)")
                                : p);
            }
        }
    }
}
