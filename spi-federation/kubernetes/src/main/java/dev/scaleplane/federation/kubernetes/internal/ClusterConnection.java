package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterRegistrationException;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.Taint;
import dev.scaleplane.federation.kubernetes.ClusterClients;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
        return ClusterClients.config(spec.name(), spec.credentials());
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
