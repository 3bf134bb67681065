package dev.scaleplane.core.internal.bootstrap;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.Adapters;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.spi.CiAdapterProvider;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.IssueTrackerAdapterProvider;
import dev.scaleplane.api.spi.ProviderContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's named adapter instances. Configuration decides them when the platform is built
 * ({@link #configure}): every {@code scaleplane.adapters.<instance>.*} key belongs to an instance whose
 * {@code type} names the system, and the system's providers validate the instance's keys then. Adapters are
 * created on first use and closed with the platform.
 *
 * <p>Thread-safe.
 */
final class DefaultAdapters implements Adapters, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DefaultAdapters.class);

    /** Prefix of every adapter key. */
    static final String PREFIX = "scaleplane.adapters.";

    private static final Pattern INSTANCE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    /**
     * One configured instance and the providers of its system, one per kind the system offers.
     *
     * @param name the instance name
     * @param type the system
     * @param ci the CI provider of the system, if it has one
     * @param issues the issue-tracker provider of the system, if it has one
     */
    record Instance(
            String name, String type, @Nullable CiAdapterProvider ci, @Nullable IssueTrackerAdapterProvider issues) {}

    private final Map<String, Instance> instances;
    private final Supplier<ProviderContext> context;
    private final Map<String, CiAdapter> ci = new HashMap<>(); // guarded by this
    private final Map<String, IssueTrackerAdapter> issues = new HashMap<>(); // guarded by this
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
            List<ConfigurationException.Problem> problems) {
        Map<String, CiAdapterProvider> ciBySystem = bySystem(ciProviders, CiAdapterProvider::name, problems);
        Map<String, IssueTrackerAdapterProvider> issuesBySystem =
                bySystem(issueProviders, IssueTrackerAdapterProvider::name, problems);
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
            if (c == null && i == null) {
                problems.add(new ConfigurationException.Problem(
                        typeKey,
                        type,
                        "an installed adapter system " + systems + "; for '" + type + "' add dev.scaleplane:"
                                + "scaleplane-adapters-" + type + " to the class path"));
                continue;
            }
            for (Runnable validate : List.<Runnable>of(
                    () -> {
                        if (c != null) {
                            c.validate(name, config);
                        }
                    },
                    () -> {
                        if (i != null) {
                            i.validate(name, config);
                        }
                    })) {
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
            out.put(name, new Instance(name, type, c, i));
        }
        return out;
    }

    private static <P> Map<String, P> bySystem(
            List<P> providers,
            java.util.function.Function<P, String> name,
            List<ConfigurationException.Problem> problems) {
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
        return ci.computeIfAbsent(name, n -> i.ci().create(n, context.get()));
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
    public void close() {
        List<AutoCloseable> opened = new ArrayList<>();
        synchronized (this) {
            closed = true;
            opened.addAll(ci.values());
            opened.addAll(issues.values());
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
}
