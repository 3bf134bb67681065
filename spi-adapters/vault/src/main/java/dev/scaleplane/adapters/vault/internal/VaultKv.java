package dev.scaleplane.adapters.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.VersionWatch;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretSelector;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Vault's KV secrets engine, version 2, as a {@link SecretsAdapter}. See {@code VaultProvider} for the contract. */
public final class VaultKv implements SecretsAdapter {
    /** The metrics template of reads and writes of a version. */
    static final String DATA_TEMPLATE = "/{mount}/data/{path}";

    /** What every instance offers: KV v2 keeps versions, takes writes, lists folders, and is polled for changes. */
    public static final Set<SecretsCapability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            SecretsCapability.VERSIONS, SecretsCapability.WRITE, SecretsCapability.LIST, SecretsCapability.WATCH));

    private static final Logger LOG = LoggerFactory.getLogger("dev.scaleplane.adapters.vault");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String instance;
    private final AdapterHttpClient http;
    private final VaultSettings settings;
    private final Clock clock;
    private final DoubleSupplier random;
    private final Set<VersionWatch> watches = ConcurrentHashMap.newKeySet();

    /**
     * An adapter for instance {@code instance}, sending through {@code http} (pointed at {@code <address>/v1}, signed
     * by a {@link VaultAuthenticator}); {@code random} jitters watch polls.
     */
    public VaultKv(
            String instance, AdapterHttpClient http, VaultSettings settings, Clock clock, DoubleSupplier random) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.http = Objects.requireNonNull(http, "http");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public String name() {
        return instance;
    }

    @Override
    public String system() {
        return "vault";
    }

    @Override
    public Set<SecretsCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public SecretVersion get(String name, SecretSelector selector) {
        String path = VaultPaths.secretName(name);
        Objects.requireNonNull(selector, "selector");
        if (selector.stage() != null) {
            throw new UnsupportedOperationException("Vault KV v2 versions carry no stages: capability STAGES is not"
                    + " declared by the vault adapter; select a version number or the latest instead of stage '"
                    + selector.stage() + "'");
        }
        AdapterRequest.Builder request = kv("GET", "data", path);
        if (selector.version() != null) {
            request.query("version", versionNumber(selector.version()));
        }
        JsonNode data = http.sendForJson(request.build()).path("data");
        JsonNode metadata = data.path("metadata");
        Map<String, Secret> fields = new LinkedHashMap<>();
        data.path("data").properties().forEach(e -> {
            String value = e.getValue().isTextual()
                    ? e.getValue().asText()
                    : e.getValue().isNull() ? "" : e.getValue().toString();
            // A Secret is never blank, so an empty field has no value to carry: it is left out (see README).
            if (!value.isBlank()) {
                fields.put(e.getKey(), Secret.of(value));
            }
        });
        return new SecretVersion(
                path,
                String.valueOf(metadata.path("version").asLong()),
                fields,
                Set.of(),
                DeletedVersions.instant(metadata.path("created_time")));
    }

    /** Vault's version numbers start at 1; {@code 0} would silently mean "the latest". */
    private static long versionNumber(String version) {
        try {
            long v = Long.parseLong(version.trim());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new IllegalArgumentException(
                "a Vault KV version is a number from 1, e.g. SecretSelector.version(\"3\"), but was '" + version + "'");
    }

    /**
     * {@code POST /v1/<mount>/data/<path>} with {@code {"data": {...}}}; with {@code kv.cas-required}, first {@code
     * GET /v1/<mount>/metadata/<path>} and {@code "options": {"cas": <current_version>}} (0 for a new secret), so a
     * write that raced another one is refused by Vault (400, {@code check-and-set parameter did not match}) instead of
     * replacing it unseen. Not retried after a 5xx: the write may have happened.
     */
    @Override
    public SecretVersion put(String name, Map<String, Secret> data) {
        String path = VaultPaths.secretName(name);
        Objects.requireNonNull(data, "data");
        ObjectNode body = JSON.createObjectNode();
        ObjectNode fields = body.putObject("data");
        new TreeMap<>(data)
                .forEach((k, v) ->
                        fields.put(k, Objects.requireNonNull(v, "value of " + k).reveal()));
        if (settings.casRequired()) {
            long current = metadata(path).map(Metadata::currentVersion).orElse(0L);
            body.putObject("options").put("cas", current);
        }
        JsonNode written =
                http.sendForJson(kv("POST", "data", path).json(body).build()).path("data");
        return new SecretVersion(
                path,
                String.valueOf(written.path("version").asLong()),
                data,
                Set.of(),
                DeletedVersions.instant(written.path("created_time")));
    }

    /**
     * {@code GET /v1/<mount>/metadata/<path>?list=true} (the documented alternative to the {@code LIST} verb, which
     * proxies and the JDK client treat as an ordinary, retryable read), once, when the stream is first consumed: KV v2
     * lists a folder in one answer. Names come back as {@code get} takes them, folders with their trailing {@code /};
     * a folder with nothing in it is Vault's 404, an empty stream.
     */
    @Override
    public Stream<String> list(String path) {
        String folder = VaultPaths.folder(path);
        return StreamSupport.stream(
                () -> Spliterators.spliterator(keys(folder), Spliterator.ORDERED | Spliterator.NONNULL),
                Spliterator.ORDERED | Spliterator.NONNULL,
                false);
    }

    private List<String> keys(String folder) {
        AdapterResponse response;
        try {
            response = http.send(
                    kv("GET", "metadata", folder).query("list", "true").build());
        } catch (AdapterNotFoundException e) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (JsonNode key : response.json().path("data").path("keys")) {
            names.add(folder.isEmpty() ? key.asText() : folder + "/" + key.asText());
        }
        return names;
    }

    /**
     * Polls {@code GET /v1/<mount>/metadata/<path>} of each name every {@code interval} on the plumbing's {@link
     * VersionWatch}: versions written between two polls are each reported, from the versions Vault's metadata still
     * lists. The versions present when this returns are the baseline.
     */
    @Override
    public AutoCloseable watch(Set<String> names, Duration interval, Consumer<? super SecretRotated> listener) {
        Objects.requireNonNull(names, "names");
        Set<String> paths = new TreeSet<>();
        names.forEach(n -> paths.add(VaultPaths.secretName(n)));
        watches.removeIf(VersionWatch::isClosed);
        VersionWatch watch =
                VersionWatch.start(system(), instance, paths, interval, this::versions, listener, clock, random);
        watches.add(watch);
        return watch;
    }

    /** A secret's versions for a watch, from its metadata. */
    private Optional<VersionWatch.Versions> versions(String path) {
        return metadata(path)
                .filter(m -> m.currentVersion() > 0)
                .map(m -> new VersionWatch.Versions(
                        String.valueOf(m.currentVersion()),
                        m.versions().stream().map(String::valueOf).toList()));
    }

    /** The version metadata of a secret, from {@code GET /v1/<mount>/metadata/<path>}; empty when Vault has none. */
    Optional<Metadata> metadata(String path) {
        JsonNode data;
        try {
            data = http.sendForJson(kv("GET", "metadata", path).build()).path("data");
        } catch (AdapterNotFoundException e) {
            return Optional.empty();
        }
        TreeSet<Long> versions = new TreeSet<>();
        for (Map.Entry<String, JsonNode> v : data.path("versions").properties()) {
            try {
                versions.add(Long.parseLong(v.getKey()));
            } catch (NumberFormatException e) {
                // not a version number: not Vault's shape, ignored
            }
        }
        return Optional.of(new Metadata(data.path("current_version").asLong(0), versions));
    }

    /**
     * What a watch needs of a secret's metadata.
     *
     * @param currentVersion {@code current_version}
     * @param versions the version numbers Vault still keeps metadata of
     */
    record Metadata(long currentVersion, TreeSet<Long> versions) {}

    private AdapterRequest.Builder kv(String method, String operation, String path) {
        return VaultPaths.kv(method, settings.apiBase(), settings.mount(), operation, path);
    }

    /** Stops every watch; the HTTP client holds nothing of its own. */
    @Override
    public void close() {
        for (VersionWatch watch : List.copyOf(watches)) {
            try {
                watch.close();
            } catch (RuntimeException e) {
                LOG.debug("vault ({}) closing a watch failed", instance, e);
            }
        }
    }

    @Override
    public String toString() {
        return "VaultKv[" + instance + " " + settings.apiBase() + ", mount=" + settings.mount() + "]";
    }
}
