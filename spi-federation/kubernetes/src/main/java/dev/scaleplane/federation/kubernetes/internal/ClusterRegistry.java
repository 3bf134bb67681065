package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.catalog.ClusterCreated;
import dev.scaleplane.api.events.catalog.ClusterUpdated;
import dev.scaleplane.api.federation.ClusterRegistrationException;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of clusters, event-sourced in the platform's store (stream {@value Fleet#REGISTRY_STREAM}): every
 * change is recorded before it takes effect, and {@link #restore()} replays the stream on start.
 *
 * <p>Thread-safe: changes are serialized on the map of connections.
 */
final class ClusterRegistry {
    private static final Logger log = LoggerFactory.getLogger(ClusterRegistry.class);

    static final String REGISTERED = "dev.scaleplane.federation.cluster-registered.v1";
    static final String UPDATED = "dev.scaleplane.federation.cluster-updated.v1";
    static final String REMOVED = "dev.scaleplane.federation.cluster-removed.v1";

    private final KubernetesFleet fleet;
    private final Platform platform;
    private final HttpClient.Factory http;
    private final Map<String, ClusterConnection> clusters = new ConcurrentSkipListMap<>();

    ClusterRegistry(KubernetesFleet fleet, Platform platform, HttpClient.Factory http) {
        this.fleet = fleet;
        this.platform = platform;
        this.http = http;
    }

    @Nullable
    ClusterConnection get(String name) {
        return clusters.get(name);
    }

    Collection<ClusterConnection> all() {
        return clusters.values();
    }

    /** Replays the registry stream and connects every cluster in it. */
    void restore() {
        Map<String, ClusterSpec> specs = new LinkedHashMap<>();
        long from = 0;
        while (true) {
            List<RecordedEvent> page =
                    platform.store().readStream(Fleet.REGISTRY_STREAM, ReadDirection.FORWARD, from, 500);
            for (RecordedEvent r : page) {
                Map<String, Object> data = KubernetesFleet.dataOf(r.event());
                switch (r.event().type()) {
                    case REGISTERED, UPDATED -> {
                        ClusterSpec s = ClusterSpecCodec.decode(data);
                        specs.put(s.name(), s);
                    }
                    case REMOVED -> specs.remove((String) data.get("name"));
                    default -> log.debug(
                            "registry: ignoring event type {}", r.event().type());
                }
            }
            if (page.size() < 500) {
                break;
            }
            from = page.get(page.size() - 1).version() + 1;
        }
        for (ClusterSpec spec : specs.values()) {
            try {
                add(spec, connect(spec));
            } catch (RuntimeException e) {
                // The rest of the fleet starts: one cluster whose kubeconfig went missing must not stop it.
                log.error("cluster {} from the registry cannot be connected: {}", spec.name(), e.getMessage());
            }
        }
        if (!specs.isEmpty()) {
            log.info("restored {} clusters from the registry stream {}", clusters.size(), Fleet.REGISTRY_STREAM);
        }
    }

    private ClusterConnection add(ClusterSpec spec, KubernetesClient client) {
        ClusterConnection c =
                new ClusterConnection(spec, client, fleet.now(), fleet.config().probeInterval());
        clusters.put(spec.name(), c);
        fleet.health().start(c);
        return c;
    }

    private KubernetesClient connect(ClusterSpec spec) {
        return ClusterConnection.connect(
                spec,
                http,
                fleet.blocking(),
                fleet.config().probeTimeout(),
                fleet.config().requestTimeout());
    }

    ClusterConnection register(ClusterSpec spec) {
        ClusterConnection c;
        synchronized (clusters) {
            if (clusters.containsKey(spec.name())) {
                throw new ClusterRegistrationException(
                        spec.name(), "name", "a cluster with this name is already registered; use update(spec)", null);
            }
            KubernetesClient client = connect(spec); // typed credential errors before anything is recorded
            try {
                record(REGISTERED, ClusterSpecCodec.encode(spec), spec.name());
            } catch (RuntimeException e) {
                client.close();
                throw e;
            }
            c = add(spec, client);
        }
        fleet.publish(
                ClusterCreated.TYPE_NAME,
                new ClusterCreated(spec.name(), spec.region(), zoneOr(spec), "unknown", spec.labels()),
                spec.name());
        return c;
    }

    ClusterConnection update(ClusterSpec spec) {
        ClusterConnection c;
        ClusterSpec before;
        synchronized (clusters) {
            c = clusters.get(spec.name());
            if (c == null) {
                throw new ClusterRegistrationException(
                        spec.name(), "name", "no cluster with this name is registered; use register(spec)", null);
            }
            before = c.spec();
            KubernetesClient client = connect(spec);
            try {
                record(UPDATED, ClusterSpecCodec.encode(spec), spec.name());
            } catch (RuntimeException e) {
                client.close();
                throw e;
            }
            KubernetesClient old = c.client();
            c.replace(spec, client);
            fleet.watcher().reconnect(c);
            old.close();
        }
        fleet.publish(
                ClusterUpdated.TYPE_NAME,
                new ClusterUpdated(spec.name(), spec.region(), "unknown", changes(before, spec)),
                spec.name());
        return c;
    }

    private static Map<String, String> changes(ClusterSpec before, ClusterSpec after) {
        Map<String, String> changes = new LinkedHashMap<>();
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {
            "labels", before.labels().toString(), after.labels().toString()
        });
        fields.add(new String[] {
            "taints", before.taints().toString(), after.taints().toString()
        });
        fields.add(new String[] {"region", before.region(), after.region()});
        fields.add(new String[] {"zone", before.zone(), after.zone()});
        fields.add(new String[] {"residency", before.residency(), after.residency()});
        fields.add(new String[] {"capacity", String.valueOf(before.capacity()), String.valueOf(after.capacity())});
        for (String[] f : fields) {
            if (!f[1].equals(f[2])) {
                changes.put(f[0], f[2]);
            }
        }
        if (!before.credentials().equals(after.credentials())) {
            changes.put("credentials", "changed"); // never the credentials themselves
        }
        return changes;
    }

    /** Removes a cluster; returns it, or null if it was not registered. */
    @Nullable
    ClusterConnection remove(String cluster) {
        ClusterConnection c;
        synchronized (clusters) {
            c = clusters.get(cluster);
            if (c == null) {
                return null;
            }
            record(REMOVED, Map.of("name", cluster), cluster);
            clusters.remove(cluster);
        }
        fleet.health().stop(cluster);
        fleet.watcher().forget(cluster);
        c.close();
        fleet.publish(
                ClusterUpdated.TYPE_NAME,
                new ClusterUpdated(c.spec().name(), c.spec().region(), "unknown", Map.of("removed", "true")),
                cluster);
        return c;
    }

    private static String zoneOr(ClusterSpec spec) {
        return spec.zone().isEmpty() ? spec.region() : spec.zone();
    }

    private void record(String type, Map<String, Object> data, String cluster) {
        try {
            platform.store()
                    .append(
                            Fleet.REGISTRY_STREAM,
                            ExpectedVersion.ANY,
                            List.of(Event.builder(type, data)
                                    .source(KubernetesFleet.SOURCE)
                                    .subject(cluster)
                                    .cluster(cluster)
                                    .build()))
                    .join();
        } catch (RuntimeException e) {
            throw new ScaleplaneException(
                    "cluster " + cluster + ": cannot record the registry change in the event store (stream "
                            + Fleet.REGISTRY_STREAM + "): " + e.getMessage(),
                    e);
        }
    }

    void close() {
        clusters.values().forEach(ClusterConnection::close);
    }
}
