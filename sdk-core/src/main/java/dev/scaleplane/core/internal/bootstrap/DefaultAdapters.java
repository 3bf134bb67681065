package dev.scaleplane.core.internal.bootstrap;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.Adapters;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiEvents;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiRunCompleted;
import dev.scaleplane.api.adapters.ci.CiTrigger;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.secrets.SecretEvents;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.spi.CiAdapterProvider;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.IssueTrackerAdapterProvider;
import dev.scaleplane.api.spi.ObservabilityAdapterProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.api.spi.SecretsAdapterProvider;
import dev.scaleplane.core.adapters.SecretsCache;
import dev.scaleplane.core.config.ConfigReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's named adapter instances. Configuration decides them when the platform is built
 * ({@link #configure}): every {@code scaleplane.adapters.<instance>.*} key belongs to an instance whose
 * {@code type} names the system, and the system's providers validate the instance's keys then. Adapters are
 * created on first use and closed with the platform.
 *
 * <h2>CI completions</h2>
 *
 * A CI adapter handed out by {@link #ci(String)} publishes a {@link CiRunCompleted} event ({@link
 * CiEvents#RUN_COMPLETED}, {@link CiRunCompleted.Via#POLLING}) on the platform's bus whenever its {@link
 * CiAdapter#awaitCompletion} completes with a run that has ended; the webhook receiver publishes the same event, with
 * the same source and id, when the system tells it first. Keys, after {@code scaleplane.adapters.<instance>.}:
 *
 * <table>
 *   <caption>Completion keys of a CI instance</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code completions.topic}</td><td>the topic completions go to</td><td>{@value
 *       CiEvents#DEFAULT_TOPIC}</td></tr>
 *   <tr><td>{@code completions.publish}</td><td>{@code false} hands out the adapter undecorated</td>
 *       <td>true</td></tr>
 * </table>
 *
 * The future returned by {@code awaitCompletion} completes after the event was accepted by the bus, or after its
 * publish failed, which is logged and does not fail the future: the run did end. Cancelling that future cancels the
 * adapter's own, which stops polling.
 *
 * <h2>Secrets: rotations and the cache</h2>
 *
 * A secrets adapter handed out by {@link #secrets(String)} publishes a {@link SecretRotated} event ({@link
 * SecretEvents#rotated}) on the platform's bus for every rotation its watches report, and then calls the watch's
 * listener ({@link PublishingSecretsAdapter}); with {@code cache.enabled=true} its reads go through a {@link
 * SecretsCache}, which drops a name when a watch reports its rotation, before the event is published. Keys: {@link
 * SecretsInstanceSettings}. Rotation and cache keys on an instance whose system has no secrets provider are
 * configuration problems.
 *
 * <p>Thread-safe.
 */
final class DefaultAdapters implements Adapters, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DefaultAdapters.class);

    /** Prefix of every adapter key. */
    static final String PREFIX = "scaleplane.adapters.";

    private static final Pattern INSTANCE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    /** Key, after the instance prefix, of the completions topic; see {@link CiEvents#completionsTopicKey}. */
    static final String COMPLETIONS_TOPIC = "completions.topic";

    /** Key, after the instance prefix, that turns publishing of completions off. */
    static final String COMPLETIONS_PUBLISH = "completions.publish";

    /**
     * One configured instance and the providers of its system, one per kind the system offers.
     *
     * @param name the instance name
     * @param type the system
     * @param ci the CI provider of the system, if it has one
     * @param issues the issue-tracker provider of the system, if it has one
     * @param observability the observability provider of the system, if it has one
     * @param secrets the secrets provider of the system, if it has one
     * @param completionsTopic where the CI adapter's completions go, or null when they are not published
     * @param secretsSettings rotations and cache of the secrets adapter, if the system has one
     */
    record Instance(
            String name,
            String type,
            @Nullable CiAdapterProvider ci,
            @Nullable IssueTrackerAdapterProvider issues,
            @Nullable ObservabilityAdapterProvider observability,
            @Nullable SecretsAdapterProvider secrets,
            @Nullable String completionsTopic,
            @Nullable SecretsInstanceSettings secretsSettings) {}

    private final Map<String, Instance> instances;
    private final Supplier<ProviderContext> context;
    private final Map<String, CiAdapter> ci = new HashMap<>(); // guarded by this
    private final Map<String, IssueTrackerAdapter> issues = new HashMap<>(); // guarded by this
    private final Map<String, ObservabilityAdapter> observability = new HashMap<>(); // guarded by this
    private final Map<String, SecretsAdapter> secrets = new HashMap<>(); // guarded by this
    private boolean closed; // guarded by this

    DefaultAdapters(Map<String, Instance> instances, Supplier<ProviderContext> context) {
        this.instances = Map.copyOf(instances);
        this.context = context;
    }

    /**
     * Reads the instances from the configuration and validates each with its system's providers, adding every
     * problem to {@code problems}.
     */
    static Map<String, Instance> configure(
            ConfigProperties config,
            List<CiAdapterProvider> ciProviders,
            List<IssueTrackerAdapterProvider> issueProviders,
            List<ObservabilityAdapterProvider> observabilityProviders,
            List<SecretsAdapterProvider> secretsProviders,
            List<ConfigurationException.Problem> problems) {
        Map<String, CiAdapterProvider> ciBySystem = bySystem(ciProviders, CiAdapterProvider::name, problems);
        Map<String, IssueTrackerAdapterProvider> issuesBySystem =
                bySystem(issueProviders, IssueTrackerAdapterProvider::name, problems);
        Map<String, ObservabilityAdapterProvider> observabilityBySystem =
                bySystem(observabilityProviders, ObservabilityAdapterProvider::name, problems);
        Map<String, SecretsAdapterProvider> secretsBySystem =
                bySystem(secretsProviders, SecretsAdapterProvider::name, problems);
        Set<String> names = new TreeSet<>();
        for (String key : config.keys()) {
            if (key.startsWith(PREFIX)) {
                String rest = key.substring(PREFIX.length());
                int dot = rest.indexOf('.');
                names.add(dot < 0 ? rest : rest.substring(0, dot));
            }
        }
        Set<String> systems = new TreeSet<>(ciBySystem.keySet());
        systems.addAll(issuesBySystem.keySet());
        systems.addAll(observabilityBySystem.keySet());
        systems.addAll(secretsBySystem.keySet());
        Map<String, Instance> out = new TreeMap<>();
        for (String name : names) {
            String typeKey = PREFIX + name + ".type";
            if (!INSTANCE.matcher(name).matches()) {
                problems.add(new ConfigurationException.Problem(
                        PREFIX + name,
                        null,
                        "an instance name of 1-63 of a-z 0-9 - (e.g. scaleplane.adapters.ci-main.type)"));
                continue;
            }
            String type = config.get(typeKey).map(String::trim).orElse("");
            if (type.isEmpty()) {
                problems.add(new ConfigurationException.Problem(
                        typeKey, null, "the system of adapter instance '" + name + "', one of " + systems));
                continue;
            }
            CiAdapterProvider c = ciBySystem.get(type);
            IssueTrackerAdapterProvider i = issuesBySystem.get(type);
            ObservabilityAdapterProvider o = observabilityBySystem.get(type);
            SecretsAdapterProvider sp = secretsBySystem.get(type);
            if (c == null && i == null && o == null && sp == null) {
                problems.add(new ConfigurationException.Problem(
                        typeKey,
                        type,
                        "an installed adapter system " + systems + "; for '" + type + "' add dev.scaleplane:"
                                + "scaleplane-adapters-" + type + " to the class path"));
                continue;
            }
            // Each kind's provider checks the instance's keys; one system's providers often share the same keys, so
            // a problem two of them report is listed once.
            List<Runnable> validations = new ArrayList<>();
            if (c != null) {
                validations.add(() -> c.validate(name, config));
            }
            if (i != null) {
                validations.add(() -> i.validate(name, config));
            }
            if (o != null) {
                validations.add(() -> o.validate(name, config));
            }
            if (sp != null) {
                validations.add(() -> sp.validate(name, config));
            }
            for (Runnable validate : validations) {
                try {
                    validate.run();
                } catch (ConfigurationException e) {
                    for (ConfigurationException.Problem p : e.problems()) {
                        if (!problems.contains(p)) {
                            problems.add(p);
                        }
                    }
                }
            }
            String completionsTopic = null;
            if (c != null) {
                ConfigReader reader = new ConfigReader(config);
                String topicKey = CiEvents.completionsTopicKey(name);
                String topic = reader.string(topicKey, CiEvents.DEFAULT_TOPIC).trim();
                try {
                    SubscriptionOptions.checkName(topic, "topic");
                } catch (IllegalArgumentException e) {
                    reader.check(false, topicKey, topic, "a topic name (" + e.getMessage() + ")");
                }
                boolean publish = reader.bool(PREFIX + name + "." + COMPLETIONS_PUBLISH, true);
                problems.addAll(reader.problems());
                completionsTopic = publish ? topic : null;
            }
            SecretsInstanceSettings secretsSettings = null;
            if (sp != null) {
                secretsSettings = SecretsInstanceSettings.read(name, config, problems);
            } else {
                for (String group : List.of("rotations.", "cache.")) {
                    String prefix = PREFIX + name + "." + group;
                    config.keys().stream()
                            .filter(k -> k.startsWith(prefix))
                            .sorted()
                            .forEach(k -> problems.add(new ConfigurationException.Problem(
                                    k,
                                    config.get(k).orElse(null),
                                    "no key: only secrets instances have " + group + "* settings, and system '" + type
                                            + "' of instance '" + name + "' has no secrets adapter")));
                }
            }
            out.put(name, new Instance(name, type, c, i, o, sp, completionsTopic, secretsSettings));
        }
        return out;
    }

    private static <P> Map<String, P> bySystem(
            List<P> providers, Function<P, String> name, List<ConfigurationException.Problem> problems) {
        Map<String, P> out = new LinkedHashMap<>();
        for (P p : providers) {
            P twin = out.putIfAbsent(name.apply(p), p);
            if (twin != null) {
                problems.add(new ConfigurationException.Problem(
                        PREFIX + "*",
                        name.apply(p),
                        "one provider per adapter system, but "
                                + twin.getClass().getName() + " and "
                                + p.getClass().getName() + " are both named '" + name.apply(p) + "'"));
            }
        }
        return out;
    }

    @Override
    public synchronized CiAdapter ci(String name) {
        check();
        Instance i = instances.get(name);
        if (i == null || i.ci() == null) {
            throw new NoSuchElementException("no CI adapter instance named '" + name + "'; CI instances: "
                    + ciNames() + "; configure one with " + PREFIX + name + ".type=<github|gitlab|jenkins> and add"
                    + " dev.scaleplane:scaleplane-adapters-<system>");
        }
        return ci.computeIfAbsent(name, n -> {
            CiAdapter created = i.ci().create(n, context.get());
            String topic = i.completionsTopic();
            return topic == null ? created : new PublishingCiAdapter(created, topic, context);
        });
    }

    @Override
    public synchronized IssueTrackerAdapter issues(String name) {
        check();
        Instance i = instances.get(name);
        if (i == null || i.issues() == null) {
            throw new NoSuchElementException("no issue-tracker adapter instance named '" + name
                    + "'; issue-tracker instances: " + issueTrackerNames() + "; configure one with " + PREFIX + name
                    + ".type=<github|jira|linear> and add dev.scaleplane:scaleplane-adapters-<system>");
        }
        return issues.computeIfAbsent(name, n -> i.issues().create(n, context.get()));
    }

    @Override
    public synchronized ObservabilityAdapter observability(String name) {
        check();
        Instance i = instances.get(name);
        if (i == null || i.observability() == null) {
            throw new NoSuchElementException("no observability adapter instance named '" + name
                    + "'; observability instances: " + observabilityNames() + "; configure one with " + PREFIX + name
                    + ".type=<prometheus|grafana|datadog> and add dev.scaleplane:scaleplane-adapters-<system>");
        }
        return observability.computeIfAbsent(name, n -> i.observability().create(n, context.get()));
    }

    @Override
    public synchronized SecretsAdapter secrets(String name) {
        check();
        Instance i = instances.get(name);
        if (i == null || i.secrets() == null) {
            throw new NoSuchElementException("no secrets adapter instance named '" + name + "'; secrets instances: "
                    + secretsNames() + "; configure one with " + PREFIX + name
                    + ".type=<vault|aws-secrets-manager|kubernetes> and add its artifact, dev.scaleplane:scaleplane-adapters-"
                    + "<vault|aws|kubernetes>");
        }
        return secrets.computeIfAbsent(name, n -> {
            ProviderContext ctx = context.get();
            SecretsAdapter adapter = i.secrets().create(n, ctx);
            SecretsInstanceSettings settings = Objects.requireNonNull(i.secretsSettings(), "secretsSettings");
            if (settings.cache() != null) {
                // Inside the publisher: a rotation drops the cached name before anyone hears of it.
                MeterRegistry registry = ctx.component(MeterRegistry.class).orElseGet(SimpleMeterRegistry::new);
                adapter = settings.cache().wrap(adapter, ctx.clock(), registry);
            }
            String topic = settings.rotationsTopic();
            return topic == null ? adapter : new PublishingSecretsAdapter(adapter, topic, context);
        });
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("the platform is closed; its adapters are no longer available");
        }
    }

    @Override
    public Set<String> ciNames() {
        Set<String> out = new TreeSet<>();
        instances.values().stream().filter(i -> i.ci() != null).forEach(i -> out.add(i.name()));
        return out;
    }

    @Override
    public Set<String> issueTrackerNames() {
        Set<String> out = new TreeSet<>();
        instances.values().stream().filter(i -> i.issues() != null).forEach(i -> out.add(i.name()));
        return out;
    }

    @Override
    public Set<String> observabilityNames() {
        Set<String> out = new TreeSet<>();
        instances.values().stream().filter(i -> i.observability() != null).forEach(i -> out.add(i.name()));
        return out;
    }

    @Override
    public Set<String> secretsNames() {
        Set<String> out = new TreeSet<>();
        instances.values().stream().filter(i -> i.secrets() != null).forEach(i -> out.add(i.name()));
        return out;
    }

    @Override
    public void close() {
        List<AutoCloseable> opened = new ArrayList<>();
        synchronized (this) {
            closed = true;
            opened.addAll(ci.values());
            opened.addAll(issues.values());
            opened.addAll(observability.values());
            opened.addAll(secrets.values());
        }
        for (AutoCloseable a : opened) {
            try {
                a.close();
            } catch (Exception e) {
                log.warn("closing adapter {} failed", a, e);
            }
        }
    }

    /** The configured instances, for messages. */
    Collection<Instance> instances() {
        return instances.values();
    }

    /**
     * A CI adapter that publishes {@link CiRunCompleted} when {@link #awaitCompletion} sees a run end; every other
     * call goes to the adapter unchanged. The bus is looked up on first publish, so the decorator costs nothing
     * until a run is awaited.
     */
    static final class PublishingCiAdapter implements CiAdapter {
        private final CiAdapter delegate;
        private final String topic;
        private final Supplier<ProviderContext> context;

        PublishingCiAdapter(CiAdapter delegate, String topic, Supplier<ProviderContext> context) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
            this.topic = topic;
            this.context = context;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public String system() {
            return delegate.system();
        }

        @Override
        public CiRun trigger(CiTrigger trigger) {
            return delegate.trigger(trigger);
        }

        @Override
        public CiRun status(String runId) {
            return delegate.status(runId);
        }

        @Override
        public CompletableFuture<CiRun> awaitCompletion(String runId, Duration timeout) {
            CompletableFuture<CiRun> polled = delegate.awaitCompletion(runId, timeout);
            CompletableFuture<CiRun> out = new CompletableFuture<>();
            polled.whenComplete((run, failure) -> {
                if (failure != null) {
                    out.completeExceptionally(
                            failure instanceof CompletionException && failure.getCause() != null
                                    ? failure.getCause()
                                    : failure);
                } else if (run == null || !run.status().terminal()) {
                    out.complete(run); // not an ending: nothing to announce
                } else {
                    publish(run).whenComplete((receipt, publishFailure) -> out.complete(run));
                }
            });
            // The caller holds only our future: cancelling it must still stop the adapter's polling.
            out.whenComplete((run, failure) -> {
                if (out.isCancelled()) {
                    polled.cancel(true);
                }
            });
            return out;
        }

        /** Publishes the completion; never throws, the returned future never fails. */
        private CompletableFuture<?> publish(CiRun run) {
            try {
                ProviderContext ctx = context.get();
                EventBus bus = ctx.component(EventBus.class)
                        .orElseThrow(() -> new IllegalStateException("the platform has no event bus"));
                Clock clock = ctx.clock();
                Event<CiRunCompleted> event = CiEvents.runCompleted(
                        new CiRunCompleted(delegate.system(), delegate.name(), run, CiRunCompleted.Via.POLLING),
                        clock.instant());
                return bus.publish(topic, event).handle((receipt, failure) -> {
                    if (failure != null) {
                        logFailure(run, failure);
                    }
                    return receipt;
                });
            } catch (RuntimeException e) {
                logFailure(run, e);
                return CompletableFuture.completedFuture(null);
            }
        }

        private void logFailure(CiRun run, Throwable failure) {
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            log.warn(
                    "CI adapter {} ({}): run {} ended {} but its {} event could not be published on topic {}: {}",
                    delegate.name(),
                    delegate.system(),
                    run.id(),
                    run.status(),
                    CiEvents.RUN_COMPLETED_TYPE_NAME,
                    topic,
                    cause.toString());
        }

        @Override
        public CiRun cancel(String runId) {
            return delegate.cancel(runId);
        }

        @Override
        public Stream<CiRun> runs(String pipeline) {
            return delegate.runs(pipeline);
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public String toString() {
            return delegate + " (publishing completions to " + topic + ")";
        }
    }
}
