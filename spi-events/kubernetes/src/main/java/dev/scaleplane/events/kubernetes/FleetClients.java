package dev.scaleplane.events.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The fabric8 clients of the fleet's clusters, by cluster name (the CloudEvent {@code cluster} extension and the
 * federation registry's names). The mirror and the source use them but never close them: whoever built them owns
 * them. Build them as the federation layer does, with
 * {@link dev.scaleplane.federation.kubernetes.ClusterClients#config} and
 * {@link dev.scaleplane.federation.kubernetes.ClusterClients#connect} from each cluster's registered credentials.
 *
 * <p>Implementations must be thread-safe.
 */
public interface FleetClients {

    /** The names of the clusters, in a stable order. */
    Set<String> clusters();

    /** The client of {@code cluster}, or empty when the cluster is not known. */
    Optional<KubernetesClient> client(String cluster);

    /**
     * Fixed clients from a map (copied, in its iteration order).
     *
     * @throws NullPointerException if the map, a name or a client is null
     */
    static FleetClients of(Map<String, KubernetesClient> clients) {
        Map<String, KubernetesClient> copy = new LinkedHashMap<>();
        clients.forEach((name, client) ->
                copy.put(Objects.requireNonNull(name, "cluster"), Objects.requireNonNull(client, "client")));
        Map<String, KubernetesClient> fixed = java.util.Collections.unmodifiableMap(copy);
        return new FleetClients() {
            @Override
            public Set<String> clusters() {
                return fixed.keySet();
            }

            @Override
            public Optional<KubernetesClient> client(String cluster) {
                return Optional.ofNullable(fixed.get(cluster));
            }

            @Override
            public String toString() {
                return "FleetClients" + fixed.keySet();
            }
        };
    }
}
