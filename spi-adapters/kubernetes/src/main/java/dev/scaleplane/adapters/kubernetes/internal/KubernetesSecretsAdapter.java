package dev.scaleplane.adapters.kubernetes.internal;

import dev.scaleplane.adapters.http.AdapterMetrics;
import dev.scaleplane.api.adapters.AdapterCallFacts;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretSelector;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Secrets of one Kubernetes cluster as a {@link SecretsAdapter}; see {@code KubernetesSecretsProvider} for what
 * each call does on the API server.
 *
 * <p>Every call to the API server is recorded in the plumbing's {@link AdapterMetrics} ({@code
 * scaleplane.adapter.calls} and {@code .errors}, {@code system=kubernetes}) with a path template such as {@code
 * /api/v1/namespaces/{namespace}/secrets/{name}}: never a namespace or a Secret's name.
 *
 * <p>Thread-safe: fabric8's client is, and the watches keep their own state.
 */
public final class KubernetesSecretsAdapter implements SecretsAdapter {
    /** The system name. */
    public static final String SYSTEM = "kubernetes";

    /** What every instance offers. */
    public static final Set<SecretsCapability> CAPABILITIES =
            Set.copyOf(EnumSet.of(SecretsCapability.WRITE, SecretsCapability.LIST, SecretsCapability.WATCH));

    /** The path template of one Secret, the {@code path} tag of its calls. */
    static final String SECRET_PATH = "/api/v1/namespaces/{namespace}/secrets/{name}";

    /** The path template of a namespace's Secrets, the {@code path} tag of listings and creations. */
    static final String SECRETS_PATH = "/api/v1/namespaces/{namespace}/secrets";

    /** A put retries this many times when another writer changed the Secret between its read and its write. */
    static final int WRITE_CONFLICT_ATTEMPTS = 5;

    private static final Logger log = LoggerFactory.getLogger(KubernetesSecretsAdapter.class);

    private final String name;
    private final KubernetesClient client;
    private final int pageSize;
    private final Clock clock;
    private final AdapterMetrics metrics;
    private final Set<SecretWatch> watches = new CopyOnWriteArraySet<>();

    /**
     * An adapter over {@code client}, which it closes when closed.
     *
     * @param name the instance name
     * @param client the cluster's client
     * @param pageSize the {@code limit} of each page of a listing
     * @param clock the clock of rotation events
     * @param meters where each call to the API server is recorded
     */
    public KubernetesSecretsAdapter(
            String name, KubernetesClient client, int pageSize, Clock clock, MeterRegistry meters) {
        this.name = Objects.requireNonNull(name, "name");
        this.client = Objects.requireNonNull(client, "client");
        this.pageSize = pageSize;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = new AdapterMetrics(meters, SYSTEM, name);
    }

    /**
     * Runs one call to the API server and records it: {@code status} of its result on success, or the status of the
     * typed exception a {@link KubernetesClientException} becomes, which is thrown.
     *
     * @param template the {@code path} tag, a template
     * @param path the path named in the exception
     * @param values the values of the call, redacted from the exception
     */
    private <T> T call(
            String method,
            String template,
            String path,
            Collection<Secret> values,
            ToIntFunction<? super T> status,
            Supplier<T> call) {
        Timer.Sample sample = metrics.start();
        T result;
        try {
            result = call.get();
        } catch (KubernetesClientException e) {
            AdapterException mapped = KubernetesErrors.map(SYSTEM, name, method, path, e, values);
            metrics.record(sample, method, template, mapped);
            throw mapped;
        }
        metrics.record(sample, method, template, status.applyAsInt(result));
        return result;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String system() {
        return SYSTEM;
    }

    @Override
    public Set<SecretsCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public SecretVersion get(String secret, SecretSelector selector) {
        Objects.requireNonNull(selector, "selector");
        if (selector.version() != null) {
            throw new UnsupportedOperationException(
                    "capability VERSIONS: a Kubernetes Secret keeps only its current data; its resourceVersion names"
                            + " the latest version, not an older one to read back");
        }
        if (selector.stage() != null) {
            throw new UnsupportedOperationException("capability STAGES: Kubernetes Secrets have no version stages");
        }
        SecretName n = SecretName.parse(secret);
        io.fabric8.kubernetes.api.model.@Nullable Secret s = read(n, List.of());
        if (s == null) {
            throw new AdapterNotFoundException(
                    new AdapterCallFacts(SYSTEM, name, "GET", n.path(), 404, null, "secret " + n + " not found"), null);
        }
        return version(secret, s);
    }

    /** Secret {@code n}, or null when there is none (404). */
    private io.fabric8.kubernetes.api.model.@Nullable Secret read(SecretName n, Collection<Secret> values) {
        return this.<io.fabric8.kubernetes.api.model.@Nullable Secret>call(
                "GET", SECRET_PATH, n.path(), values, s -> s == null ? 404 : 200, () -> client.secrets()
                        .inNamespace(n.namespace())
                        .withName(n.name())
                        .get());
    }

    /** The version of a Secret read from the API; fields that are not text are left out, and named in the log. */
    private SecretVersion version(String secret, io.fabric8.kubernetes.api.model.Secret s) {
        SecretData.Decoded d = SecretData.decode(s.getData());
        if (!d.skipped().isEmpty()) {
            log.debug("secret {}: fields {} left out (not UTF-8 text, or blank)", secret, d.skipped());
        }
        return new SecretVersion(secret, s.getMetadata().getResourceVersion(), d.fields(), Set.of(), null);
    }

    @Override
    public Stream<String> list(String path) {
        String namespace = SecretName.namespace(path, "path (a namespace)");
        Iterator<String> pages = new Iterator<>() {
            private final Deque<String> page = new ArrayDeque<>();
            private @Nullable String next;
            private boolean fetched;

            @Override
            public boolean hasNext() {
                while (page.isEmpty() && (!fetched || next != null)) {
                    fetch();
                }
                return !page.isEmpty();
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.removeFirst();
            }

            private void fetch() {
                SecretList list = call(
                        "GET",
                        SECRETS_PATH,
                        "/api/v1/namespaces/" + namespace + "/secrets",
                        List.of(),
                        l -> 200,
                        () -> client.secrets()
                                .inNamespace(namespace)
                                .list(new ListOptionsBuilder()
                                        .withLimit((long) pageSize)
                                        .withContinue(next)
                                        .build()));
                fetched = true;
                list.getItems()
                        .forEach(s -> page.add(namespace + "/" + s.getMetadata().getName()));
                String token =
                        list.getMetadata() == null ? null : list.getMetadata().getContinue();
                next = token == null || token.isEmpty() ? null : token;
            }
        };
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    @Override
    public SecretVersion put(String secret, Map<String, Secret> data) {
        SecretName n = SecretName.parse(secret);
        Map<String, String> encoded = SecretData.encode(data);
        if (encoded.isEmpty()) {
            throw new IllegalArgumentException("secret " + n + " needs at least one field");
        }
        Collection<Secret> values = data.values();
        for (int attempt = 1; ; attempt++) {
            try {
                io.fabric8.kubernetes.api.model.@Nullable Secret live = read(n, values);
                io.fabric8.kubernetes.api.model.Secret written;
                if (live == null) {
                    written = call(
                            "POST",
                            SECRETS_PATH,
                            "/api/v1/namespaces/" + n.namespace() + "/secrets",
                            values,
                            w -> 201,
                            () -> client.secrets()
                                    .inNamespace(n.namespace())
                                    .resource(new SecretBuilder()
                                            .withNewMetadata()
                                            .withNamespace(n.namespace())
                                            .withName(n.name())
                                            .endMetadata()
                                            .withType("Opaque")
                                            .withData(encoded)
                                            .build())
                                    .create());
                } else {
                    // A replace that keeps the Secret's type, labels and annotations, and fails with 409 if another
                    // writer got in between (optimistic concurrency on the resourceVersion just read).
                    written = call("PUT", SECRET_PATH, n.path(), values, w -> 200, () -> client.secrets()
                            .inNamespace(n.namespace())
                            .resource(new SecretBuilder(live)
                                    .withData(encoded)
                                    .withStringData(null)
                                    .build())
                            .update());
                }
                return new SecretVersion(secret, written.getMetadata().getResourceVersion(), data, Set.of(), null);
            } catch (AdapterException e) {
                if (e.status() != 409 || attempt >= WRITE_CONFLICT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    @Override
    public AutoCloseable watch(Set<String> names, Duration interval, Consumer<? super SecretRotated> listener) {
        Objects.requireNonNull(listener, "listener");
        List<SecretName> parsed = new ArrayList<>();
        for (String s : new LinkedHashSet<>(names)) {
            parsed.add(SecretName.parse(s));
        }
        // Each informer lists its Secret before start returns: the call recorded is that first list and watch.
        SecretWatch w = call(
                "WATCH",
                SECRETS_PATH,
                "/api/v1/secrets",
                List.of(),
                x -> 200,
                () -> SecretWatch.start(client, name, parsed, listener, clock));
        watches.add(w);
        return () -> {
            watches.remove(w);
            w.close();
        };
    }

    @Override
    public void close() {
        watches.forEach(SecretWatch::close);
        watches.clear();
        client.close();
    }

    @Override
    public String toString() {
        return "KubernetesSecretsAdapter[" + name + "]";
    }
}
