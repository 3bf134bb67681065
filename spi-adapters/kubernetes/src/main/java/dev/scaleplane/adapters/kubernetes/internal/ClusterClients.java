package dev.scaleplane.adapters.kubernetes.internal;

import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterRegistrationException;
import dev.scaleplane.api.federation.ClusterSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One fabric8 client per fleet cluster, built from the credentials of its registration and rebuilt when they change.
 * Clients make one attempt per request: the propagator's passes are the retries.
 *
 * <p>Thread-safe.
 */
final class ClusterClients implements AutoCloseable {
    private record Entry(ClusterCredentials credentials, KubernetesClient client) {}

    private final Map<String, Entry> clients = new ConcurrentHashMap<>();
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    ClusterClients(Duration connectTimeout, Duration requestTimeout) {
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
    }

    /**
     * The client of {@code spec}'s cluster.
     *
     * @throws ClusterRegistrationException if its credentials cannot be used
     */
    KubernetesClient client(ClusterSpec spec) {
        Entry e = clients.get(spec.name());
        if (e != null && e.credentials().equals(spec.credentials())) {
            return e.client();
        }
        KubernetesClient client = dev.scaleplane.federation.kubernetes.ClusterClients.connect(
                dev.scaleplane.federation.kubernetes.ClusterClients.config(spec.name(), spec.credentials()),
                connectTimeout,
                requestTimeout,
                1);
        Entry old = clients.put(spec.name(), new Entry(spec.credentials(), client));
        if (old != null) {
            old.client().close();
        }
        return client;
    }

    /** Closes the client of a cluster that left the fleet. */
    void forget(String cluster) {
        Entry old = clients.remove(cluster);
        if (old != null) {
            old.client().close();
        }
    }

    @Override
    public void close() {
        clients.values().forEach(e -> e.client().close());
        clients.clear();
    }
}
