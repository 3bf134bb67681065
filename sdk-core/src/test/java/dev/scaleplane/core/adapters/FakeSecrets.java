package dev.scaleplane.core.adapters;

import dev.scaleplane.api.adapters.AdapterCallFacts;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretSelector;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory secrets system, a simulation for tests of what the core puts around secrets adapters (the cache, the
 * rotation publisher): versions numbered 1, 2, 3 per name, stages {@code AWSCURRENT} and {@code AWSPREVIOUS} as AWS
 * keeps them, watches told of each put at once on the writing thread. It counts reads, can be made to fail them, and
 * can hold them at a gate so that tests control when a read returns.
 *
 * <p>Thread-safe.
 */
final class FakeSecrets implements SecretsAdapter {
    static final Set<SecretsCapability> CAPABILITIES = Set.of(SecretsCapability.values());

    private final String instance;
    private final String system;
    private final Map<String, List<SecretVersion>> versions = new HashMap<>(); // guarded by this
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private final AtomicReference<@Nullable RuntimeException> failure = new AtomicReference<>();
    private final AtomicReference<@Nullable Gate> gate = new AtomicReference<>();
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    /** Holds reads until {@link #run} returns; for tests that decide when a read in flight ends. */
    interface Gate {
        void run(String name) throws InterruptedException;
    }

    private record Watch(Set<String> names, Consumer<? super SecretRotated> listener, Map<String, String> seen) {}

    FakeSecrets(String instance) {
        this(instance, "fake");
    }

    FakeSecrets(String instance, String system) {
        this.instance = instance;
        this.system = system;
    }

    /** Makes every read fail with {@code e} (null: reads work again). */
    void failReads(@Nullable RuntimeException e) {
        failure.set(e);
    }

    /** Holds every read at {@code g} (null: no gate). */
    void gate(@Nullable Gate g) {
        gate.set(g);
    }

    AdapterCallFacts facts(String method, String name, int status) {
        return new AdapterCallFacts(system, instance, method, "/secrets/" + name, status, null, null);
    }

    @Override
    public String name() {
        return instance;
    }

    @Override
    public String system() {
        return system;
    }

    @Override
    public Set<SecretsCapability> capabilities() {
        return CAPABILITIES;
    }

    /**
     * Reads like the system would, then waits at the gate if there is one: the version returned is the one present
     * when the read started, as with a real system whose answer is on its way.
     */
    @Override
    public SecretVersion get(String name, SecretSelector selector) {
        reads.incrementAndGet();
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
        SecretVersion found = read(name, selector);
        Gate g = gate.get();
        if (g != null) {
            try {
                g.run(name);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted at the gate", ie);
            }
        }
        return found;
    }

    private synchronized SecretVersion read(String name, SecretSelector selector) {
        List<SecretVersion> all = versions.get(name);
        if (all == null || all.isEmpty()) {
            throw new AdapterNotFoundException(facts("GET", name, 404), null);
        }
        if (selector.version() != null) {
            return all.stream()
                    .filter(v -> v.version().equals(selector.version()))
                    .findFirst()
                    .orElseThrow(() -> new AdapterNotFoundException(facts("GET", name, 404), null));
        }
        if (selector.stage() != null) {
            int index =
                    switch (selector.stage()) {
                        case "AWSCURRENT" -> all.size() - 1;
                        case "AWSPREVIOUS" -> all.size() - 2;
                        default -> throw new AdapterRequestRefusedException(facts("GET", name, 400), null);
                    };
            if (index < 0) {
                throw new AdapterNotFoundException(facts("GET", name, 404), null);
            }
            return all.get(index);
        }
        return all.get(all.size() - 1);
    }

    @Override
    public Stream<String> list(String path) {
        String prefix = path.endsWith("/") ? path : path + "/";
        synchronized (this) {
            return new ArrayList<>(versions.keySet())
                    .stream().filter(n -> n.startsWith(prefix)).sorted();
        }
    }

    @Override
    public SecretVersion put(String name, Map<String, Secret> data) {
        SecretVersion written;
        synchronized (this) {
            List<SecretVersion> all = versions.computeIfAbsent(name, n -> new ArrayList<>());
            written =
                    new SecretVersion(name, String.valueOf(all.size() + 1), data, Set.of("AWSCURRENT"), Instant.EPOCH);
            all.add(written);
        }
        for (Watch w : watches) {
            if (w.names().contains(name)) {
                String previous = w.seen().put(name, written.version());
                w.listener()
                        .accept(new SecretRotated(
                                system,
                                instance,
                                name,
                                written.version(),
                                previous,
                                Instant.parse("2026-03-02T10:00:00Z")));
            }
        }
        return written;
    }

    @Override
    public AutoCloseable watch(Set<String> names, Duration interval, Consumer<? super SecretRotated> listener) {
        Map<String, String> seen = new java.util.concurrent.ConcurrentHashMap<>();
        synchronized (this) {
            for (String n : names) {
                List<SecretVersion> all = versions.get(n);
                if (all != null && !all.isEmpty()) {
                    seen.put(n, all.get(all.size() - 1).version()); // the baseline, not reported
                }
            }
        }
        Watch w = new Watch(Set.copyOf(names), listener, seen);
        watches.add(w);
        return () -> watches.remove(w);
    }

    @Override
    public void close() {
        closed.incrementAndGet();
    }

    @Override
    public String toString() {
        return "FakeSecrets[" + instance + "]";
    }
}
