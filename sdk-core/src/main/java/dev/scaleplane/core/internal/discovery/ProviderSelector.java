package dev.scaleplane.core.internal.discovery;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.spi.EventBusProvider;
import dev.scaleplane.api.spi.EventStoreProvider;
import dev.scaleplane.api.spi.FederationProvider;
import dev.scaleplane.api.spi.TaskQueueProvider;
import dev.scaleplane.core.config.ConfigReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses one provider of a service (event bus now; event store and task queue later) by the selection rule written
 * in {@link EventBusProvider}:
 *
 * <ol>
 *   <li>an instance given explicitly wins, without looking at the others;
 *   <li>else the provider whose name equals the configured name (ignoring case and surrounding spaces); an unknown
 *       name is a {@link ConfigurationException} on the configuration key that lists the installed names and the
 *       artifact to add;
 *   <li>else the only provider found;
 *   <li>else the provider with the highest priority; on a tie the first by class name wins and a WARN lists the tied
 *       classes.
 * </ol>
 *
 * Whenever the found providers are consulted (rules 2 to 4), two of them with the same name are a
 * {@link DuplicateProviderException}, and none at all is a {@link NoProviderException} that says which artifact to
 * add and lists the providers that failed to load.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <P> the service provider interface
 */
public final class ProviderSelector<P> {

    private static final Logger log = LoggerFactory.getLogger(ProviderSelector.class);

    private final String kind;
    private final Function<? super P, String> name;
    private final ToIntFunction<? super P> priority;
    private final String configKey;
    private final Function<String, String> artifactForName;
    private final Set<String> known;

    /**
     * Creates a selector.
     *
     * @param kind what the providers provide, for messages, e.g. {@code "event bus"}
     * @param name a provider's configuration name, e.g. {@link EventBusProvider#name()}
     * @param priority a provider's priority, higher wins, e.g. {@link EventBusProvider#priority()}
     * @param configKey the key that names the provider to use, e.g. {@code scaleplane.events.provider}
     * @param artifactForName the Maven coordinates of the artifact that contains the provider of a given name, e.g.
     *     {@code name -> "dev.scaleplane:scaleplane-events-" + name}
     */
    public ProviderSelector(
            String kind,
            Function<? super P, String> name,
            ToIntFunction<? super P> priority,
            String configKey,
            Function<String, String> artifactForName) {
        this(kind, name, priority, configKey, artifactForName, Set.of());
    }

    /**
     * Creates a selector that also knows the names of providers Scaleplane ships, installed or not, so that a
     * misspelt name is answered with the provider meant and the artifact that holds it.
     *
     * @param known the names of the providers Scaleplane ships for this kind
     */
    public ProviderSelector(
            String kind,
            Function<? super P, String> name,
            ToIntFunction<? super P> priority,
            String configKey,
            Function<String, String> artifactForName,
            Set<String> known) {
        this.known = Set.copyOf(known);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.name = Objects.requireNonNull(name, "name");
        this.priority = Objects.requireNonNull(priority, "priority");
        this.configKey = Objects.requireNonNull(configKey, "configKey");
        this.artifactForName = Objects.requireNonNull(artifactForName, "artifactForName");
    }

    /**
     * The selector for {@link EventBusProvider}s: key {@code scaleplane.events.provider}, artifacts
     * {@code dev.scaleplane:scaleplane-events-<name>}, except the in-memory provider {@code memory}, which ships in
     * {@code dev.scaleplane:scaleplane-core}.
     */
    public static ProviderSelector<EventBusProvider> eventBus() {
        return new ProviderSelector<>(
                "event bus",
                EventBusProvider::name,
                EventBusProvider::priority,
                "scaleplane.events.provider",
                n -> n.equals("memory") ? "dev.scaleplane:scaleplane-core" : "dev.scaleplane:scaleplane-events-" + n,
                Set.of("memory", "kafka", "rabbitmq", "kubernetes"));
    }

    /**
     * The selector for {@link EventStoreProvider}s: key {@code scaleplane.store.provider}, artifacts
     * {@code dev.scaleplane:scaleplane-events-<name>} (store backends ship with the event backends of the same
     * system), except the embedded {@code file} and {@code memory} stores, which ship in
     * {@code dev.scaleplane:scaleplane-core}.
     */
    public static ProviderSelector<EventStoreProvider> eventStore() {
        return new ProviderSelector<>(
                "event store",
                EventStoreProvider::name,
                EventStoreProvider::priority,
                "scaleplane.store.provider",
                n -> n.equals("file") || n.equals("memory")
                        ? "dev.scaleplane:scaleplane-core"
                        : "dev.scaleplane:scaleplane-events-" + n,
                Set.of("file", "memory", "postgres"));
    }

    /**
     * The selector for {@link TaskQueueProvider}s: key {@code scaleplane.tasks.provider}, artifacts
     * {@code dev.scaleplane:scaleplane-events-<name>} (task queues ship with the event backends of the same broker),
     * except the embedded {@code memory} queue, which ships in {@code dev.scaleplane:scaleplane-core}.
     */
    public static ProviderSelector<TaskQueueProvider> taskQueue() {
        return new ProviderSelector<>(
                "task queue",
                TaskQueueProvider::name,
                TaskQueueProvider::priority,
                "scaleplane.tasks.provider",
                n -> n.equals("memory") ? "dev.scaleplane:scaleplane-core" : "dev.scaleplane:scaleplane-events-" + n,
                Set.of("memory", "kafka", "rabbitmq"));
    }

    /**
     * The selector for {@link FederationProvider}s: key {@code scaleplane.federation.provider}, artifacts
     * {@code dev.scaleplane:scaleplane-federation-<name>}.
     */
    public static ProviderSelector<FederationProvider> federation() {
        return new ProviderSelector<>(
                "federation",
                FederationProvider::name,
                FederationProvider::priority,
                "scaleplane.federation.provider",
                n -> "dev.scaleplane:scaleplane-federation-" + n,
                Set.of("kubernetes"));
    }

    /** The configuration key that names the provider. */
    public String configKey() {
        return configKey;
    }

    /** Selects without knowing of providers that failed to load; see {@link #select(Object, Optional, List, List)}. */
    public P select(@Nullable P explicit, Optional<String> configuredName, List<? extends P> found) {
        return select(explicit, configuredName, found, List.of());
    }

    /**
     * Loads the providers with {@code loader} (only when no explicit instance is given) and selects one, naming the
     * providers that failed to load if none is left.
     */
    public P select(@Nullable P explicit, Optional<String> configuredName, ProviderLoader loader, Class<P> spi) {
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(spi, "spi");
        if (explicit != null) {
            return select(explicit, configuredName, List.of());
        }
        List<P> found = loader.load(spi);
        return select(null, configuredName, found, loader.failures(spi));
    }

    /**
     * Applies the selection rule (see the class description).
     *
     * @param explicit an instance given to a builder, or null
     * @param configuredName the configured provider name, if any; blank counts as absent
     * @param found the providers discovered, in discovery order
     * @param failures providers that were registered but could not be loaded, for the messages
     * @return the chosen provider
     * @throws ConfigurationException if the configured name matches no provider
     * @throws DuplicateProviderException if two providers found have the same name
     * @throws NoProviderException if nothing was given and nothing was found
     * @throws ScaleplaneException if a provider's name is null or blank
     */
    public P select(
            @Nullable P explicit,
            Optional<String> configuredName,
            List<? extends P> found,
            List<ProviderFailure> failures) {
        Objects.requireNonNull(configuredName, "configuredName");
        Objects.requireNonNull(found, "found");
        Objects.requireNonNull(failures, "failures");
        if (explicit != null) {
            log.debug(
                    "Using the {} provider given explicitly: {}",
                    kind,
                    explicit.getClass().getName());
            return explicit;
        }
        Map<String, P> byName = index(found);
        Optional<String> wanted = configuredName.map(String::trim).filter(s -> !s.isEmpty());
        if (wanted.isPresent()) {
            P chosen = byName.get(wanted.get().toLowerCase(Locale.ROOT));
            if (chosen == null) {
                throw unknownName(wanted.get(), byName, failures);
            }
            log.debug("Using {} provider '{}' set by {}", kind, wanted.get(), configKey);
            return chosen;
        }
        if (found.isEmpty()) {
            throw noProvider(failures);
        }
        if (found.size() == 1) {
            P only = found.get(0);
            log.debug(
                    "Using the only {} provider found: {}",
                    kind,
                    only.getClass().getName());
            return only;
        }
        int highest = found.stream().mapToInt(priority).max().orElseThrow();
        List<P> top = new ArrayList<>();
        for (P p : found) {
            if (priority.applyAsInt(p) == highest) {
                top.add(p);
            }
        }
        top.sort(Comparator.comparing(p -> p.getClass().getName()));
        P chosen = top.get(0);
        if (top.size() > 1) {
            log.warn(
                    "Several {} providers have the highest priority {}: {}. Using {}, the first by class name;"
                            + " set {} to one of [{}] to choose.",
                    kind,
                    highest,
                    top.stream().map(p -> p.getClass().getName()).collect(Collectors.joining(", ")),
                    chosen.getClass().getName(),
                    configKey,
                    top.stream().map(name).collect(Collectors.joining(", ")));
        } else {
            log.debug("Using {} provider '{}' with the highest priority {}", kind, name.apply(chosen), highest);
        }
        return chosen;
    }

    /** Providers by lower-cased name, sorted; fails on blank or duplicate names. */
    private Map<String, P> index(List<? extends P> found) {
        Map<String, List<P>> byName = new TreeMap<>();
        for (P p : found) {
            Objects.requireNonNull(p, "found provider");
            String n = name.apply(p);
            if (n == null || n.isBlank()) {
                throw new ScaleplaneException(kind + " provider " + p.getClass().getName()
                        + " has no name; name() must return a unique," + " non-blank, lower-case name");
            }
            byName.computeIfAbsent(n.trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(p);
        }
        Map<String, P> unique = new LinkedHashMap<>();
        for (Map.Entry<String, List<P>> e : byName.entrySet()) {
            if (e.getValue().size() > 1) {
                throw new DuplicateProviderException(
                        kind,
                        e.getKey(),
                        e.getValue().stream()
                                .map(p -> p.getClass().getName())
                                .sorted()
                                .toList());
            }
            unique.put(e.getKey(), e.getValue().get(0));
        }
        return unique;
    }

    private ConfigurationException unknownName(String wanted, Map<String, P> byName, List<ProviderFailure> failures) {
        String installed = byName.isEmpty()
                ? "an installed " + kind + " provider, but none is installed"
                : "one of the installed " + kind + " providers: " + String.join(", ", byName.keySet());
        String lower = wanted.toLowerCase(Locale.ROOT);
        String installedMatch = ConfigReader.nearest(lower, byName.keySet());
        String knownMatch = installedMatch != null || known.contains(lower) ? null : ConfigReader.nearest(lower, known);
        String expected;
        if (installedMatch != null) {
            expected = installed + "; did you mean " + installedMatch + "?";
        } else if (knownMatch != null) {
            expected = installed + "; did you mean " + knownMatch + "? (add " + artifactForName.apply(knownMatch)
                    + " to the class path)";
        } else {
            expected =
                    installed + "; to use '" + wanted + "', add " + artifactForName.apply(lower) + " to the class path";
        }
        expected += failedSuffix(failures);
        return ConfigurationException.of(configKey, wanted, expected);
    }

    private NoProviderException noProvider(List<ProviderFailure> failures) {
        StringBuilder message = new StringBuilder()
                .append("No ")
                .append(kind)
                .append(" provider was found on the class path. Add a provider artifact such as ")
                .append(artifactForName.apply("<name>"))
                .append(" to the class path (and set ")
                .append(configKey)
                .append(" to its name if there are several), or give an instance to the builder.");
        if (!failures.isEmpty()) {
            message.append(" These providers are registered but failed to load:");
            for (ProviderFailure f : failures) {
                message.append("\n  - ").append(f);
            }
        }
        return new NoProviderException(message.toString(), failures);
    }

    private static String failedSuffix(List<ProviderFailure> failures) {
        if (failures.isEmpty()) {
            return "";
        }
        return " (registered but failed to load: "
                + failures.stream().map(ProviderFailure::toString).collect(Collectors.joining("; ")) + ")";
    }

    @Override
    public String toString() {
        return "ProviderSelector[" + kind + ", " + configKey + "]";
    }
}
