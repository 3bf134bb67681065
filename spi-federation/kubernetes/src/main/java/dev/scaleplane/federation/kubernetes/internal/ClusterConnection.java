package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterRegistrationException;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.Taint;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * One registered cluster: its spec, its client (built on the fleet's shared HTTP client factory and executor), its
 * circuit breaker and its health, which only the prober changes.
 *
 * <p>Thread-safe: health fields are guarded by {@code this}.
 */
final class ClusterConnection implements AutoCloseable {
    static final String HEALTH_ANNOTATION = "federation.scaleplane.dev/health";
    static final String SINCE_ANNOTATION = "federation.scaleplane.dev/health-since";
    static final String REASON_ANNOTATION = "federation.scaleplane.dev/health-reason";

    private volatile ClusterSpec spec;
    private volatile KubernetesClient client;
    private final CircuitBreaker breaker;

    private ClusterHealth health = ClusterHealth.UNKNOWN;
    private Instant since;
    private int failures;
    private int successes;
    private String reason = "not probed yet";
    private @Nullable Capacity discovered;

    ClusterConnection(ClusterSpec spec, KubernetesClient client, Instant now, Duration probeInterval) {
        this.spec = spec;
        this.client = client;
        this.since = now;
        // Fails fast while a cluster is down: applies do not each wait out a timeout, probes keep testing it.
        this.breaker = CircuitBreaker.of(
                "cluster-" + spec.name(),
                CircuitBreakerConfig.custom()
                        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(5)
                        .minimumNumberOfCalls(3)
                        .failureRateThreshold(60)
                        .waitDurationInOpenState(probeInterval)
                        .permittedNumberOfCallsInHalfOpenState(1)
                        // A refused object says nothing about the cluster's health: only reachability counts.
                        .recordException(KubernetesFleet::retryable)
                        .build());
    }

    /**
     * A client for {@code spec}'s credentials on the shared factory and executor. fabric8's own request retries are
     * off: failed applies are retried as tasks, with the queue's backoff, so there is one retry loop.
     *
     * @throws ClusterRegistrationException naming the field when the credentials cannot be loaded
     */
    static KubernetesClient connect(
            ClusterSpec spec, HttpClient.Factory http, Executor executor, Duration connectTimeout, Duration timeout) {
        Config config = config(spec);
        config.setRequestRetryBackoffLimit(0);
        config.setConnectionTimeout((int) connectTimeout.toMillis());
        config.setRequestTimeout((int) timeout.toMillis());
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(http)
                .withTaskExecutor(executor)
                // One serializer for the fleet: each client's own would fill its own Jackson caches (the footprint
                // benchmark found most of the 537 KiB per cluster there).
                .withKubernetesSerialization(StatusWatcher.SERIALIZATION)
                .build();
    }

    private static Config config(ClusterSpec spec) {
        ClusterCredentials c = spec.credentials();
        if (c instanceof ClusterCredentials.KubeconfigContext k) {
            File file = k.kubeconfig() != null ? k.kubeconfig().toFile() : defaultKubeconfig();
            if (!file.isFile()) {
                throw new ClusterRegistrationException(
                        spec.name(),
                        "credentials.kubeconfig",
                        "no kubeconfig file at " + file
                                + " (give ClusterCredentials.kubeconfig(path, context) or set KUBECONFIG)",
                        null);
            }
            String text;
            io.fabric8.kubernetes.api.model.Config parsed;
            try {
                text = Files.readString(file.toPath(), StandardCharsets.UTF_8);
                parsed = KubeConfigUtils.parseConfigFromString(text);
            } catch (Exception e) {
                throw new ClusterRegistrationException(
                        spec.name(), "credentials.kubeconfig", "cannot read kubeconfig " + file + ": " + e, e);
            }
            List<String> contexts = new ArrayList<>();
            NamedContext context = null;
            if (parsed.getContexts() != null) {
                for (NamedContext nc : parsed.getContexts()) {
                    contexts.add(nc.getName());
                    if (nc.getName().equals(k.context())) {
                        context = nc;
                    }
                }
            }
            if (context == null) {
                throw new ClusterRegistrationException(
                        spec.name(),
                        "credentials.context",
                        "unknown context '" + k.context() + "' in " + file + "; its contexts are " + contexts,
                        null);
            }
            try {
                // Only this context's cluster and user, as text: a Config built from the file keeps the whole parsed
                // file per cluster and re-reads and re-parses it on every request once its first minute is over
                // (fabric8's token refresh), which with one file of 1,000 contexts stalls the fleet. Relative
                // paths in the file are not resolved this way: inline the data or use absolute paths.
                return Config.fromKubeconfig(singleContext(parsed, context));
            } catch (RuntimeException e) {
                throw new ClusterRegistrationException(
                        spec.name(), "credentials.context", "context '" + k.context() + "' is unusable: " + e, e);
            }
        }
        if (c instanceof ClusterCredentials.Token t) {
            ConfigBuilder b = new ConfigBuilder(Config.empty())
                    .withMasterUrl(t.server().toString())
                    .withOauthToken(t.token());
            if (t.caCertificatePem() != null) {
                b.withCaCertData(
                        Base64.getEncoder().encodeToString(t.caCertificatePem().getBytes(StandardCharsets.UTF_8)));
            }
            return b.build();
        }
        // In-cluster: the service account token and CA mounted into the pod.
        Config config = new ConfigBuilder().build();
        if (config.getMasterUrl() == null || config.getOauthToken() == null) {
            throw new ClusterRegistrationException(
                    spec.name(),
                    "credentials",
                    "in-cluster credentials need a service account token and KUBERNETES_SERVICE_HOST; this process"
                            + " does not run in a pod",
                    null);
        }
        return config;
    }

    private static String singleContext(io.fabric8.kubernetes.api.model.Config parsed, NamedContext context) {
        String clusterName =
                context.getContext() == null ? null : context.getContext().getCluster();
        String userName =
                context.getContext() == null ? null : context.getContext().getUser();
        io.fabric8.kubernetes.api.model.ConfigBuilder single = new io.fabric8.kubernetes.api.model.ConfigBuilder()
                .withApiVersion("v1")
                .withKind("Config")
                .withContexts(context)
                .withCurrentContext(context.getName());
        if (parsed.getClusters() != null) {
            parsed.getClusters().stream()
                    .filter(c -> c.getName().equals(clusterName))
                    .forEach(single::addToClusters);
        }
        if (parsed.getUsers() != null) {
            parsed.getUsers().stream().filter(u -> u.getName().equals(userName)).forEach(single::addToUsers);
        }
        return StatusWatcher.SERIALIZATION.asYaml(single.build());
    }

    private static File defaultKubeconfig() {
        String env = System.getenv("KUBECONFIG");
        if (env != null && !env.isBlank()) {
            return new File(env.split(File.pathSeparator)[0]);
        }
        return Paths.get(System.getProperty("user.home"), ".kube", "config").toFile();
    }

    ClusterSpec spec() {
        return spec;
    }

    String name() {
        return spec.name();
    }

    KubernetesClient client() {
        return client;
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    /** Replaces spec and client after an update; the old client is closed by the caller. */
    void replace(ClusterSpec spec, KubernetesClient client) {
        this.spec = spec;
        this.client = client;
    }

    /**
     * Records a probe outcome and returns the transition it caused, if any.
     *
     * @param answered whether the API server answered (a 5xx or 429 counts as answered, a timeout does not)
     */
    synchronized @Nullable ClusterHealth[] record(
            boolean ok, boolean answered, String reason, Instant now, int failureThreshold, int successThreshold) {
        this.reason = reason;
        ClusterHealth before = health;
        if (ok) {
            failures = 0;
            successes++;
            if (health != ClusterHealth.READY && successes >= successThreshold) {
                health = ClusterHealth.READY;
            }
        } else {
            successes = 0;
            failures++;
            ClusterHealth failed = answered ? ClusterHealth.NOT_READY : ClusterHealth.UNKNOWN;
            // The first probes of a new cluster decide at once; a ready cluster needs failureThreshold failures.
            if (health != failed && (failures >= failureThreshold || health != ClusterHealth.READY)) {
                health = failed;
            }
        }
        if (health != before) {
            since = now;
            return new ClusterHealth[] {before, health};
        }
        return null;
    }

    /** Health as the owner shares it with the other replicas, as claim Lease annotations. */
    synchronized Map<String, String> shared() {
        String r = reason.length() > 256 ? reason.substring(0, 256) : reason;
        return Map.of(HEALTH_ANNOTATION, health.name(), SINCE_ANNOTATION, since.toString(), REASON_ANNOTATION, r);
    }

    /**
     * On a replica that does not probe this cluster: takes the health its owner shared. No transition is published
     * and nothing is acted on; that is the owner's work.
     */
    synchronized void mirror(Map<String, String> shared) {
        String h = shared.get(HEALTH_ANNOTATION);
        String s = shared.get(SINCE_ANNOTATION);
        if (h == null || s == null) {
            return;
        }
        try {
            health = ClusterHealth.valueOf(h);
            since = Instant.parse(s);
            reason = shared.getOrDefault(REASON_ANNOTATION, "") + " (seen by the owning replica)";
        } catch (RuntimeException e) {
            // Written by another version or by hand: keep what we have.
        }
    }

    synchronized void discovered(Capacity capacity) {
        this.discovered = capacity;
    }

    synchronized ClusterHealth health() {
        return health;
    }

    synchronized Instant since() {
        return since;
    }

    synchronized String reason() {
        return reason;
    }

    /** Whether the cluster is not ready and has been for at least {@code toleration}. */
    synchronized boolean pastToleration(Instant now, Duration toleration) {
        return health != ClusterHealth.READY && !since.plus(toleration).isAfter(now);
    }

    /** The state for placement: health taints added, capacity declared or discovered, minus {@code used}. */
    synchronized ClusterState state(Instant now, Duration toleration, Capacity used) {
        List<Taint> taints = new ArrayList<>(spec.taints());
        if (health != ClusterHealth.READY) {
            String key = health == ClusterHealth.NOT_READY ? Taint.NOT_READY : Taint.UNREACHABLE;
            taints.add(Taint.of(key, Taint.Effect.NO_SCHEDULE));
            if (!since.plus(toleration).isAfter(now)) {
                taints.add(Taint.of(key, Taint.Effect.NO_EXECUTE));
            }
        }
        Capacity capacity = spec.capacity().orElse(discovered != null ? discovered : Capacity.ZERO);
        return new ClusterState(spec, health, since, taints, capacity, capacity.minus(used));
    }

    @Override
    public void close() {
        client.close();
    }
}
