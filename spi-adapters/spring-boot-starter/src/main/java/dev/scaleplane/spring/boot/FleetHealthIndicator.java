package dev.scaleplane.spring.boot;

import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.core.ScaleplanePlatform;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The fleet's health as its own probes see it: opens the fleet if the platform has not yet ({@code
 * platform.federation()}) and reads a snapshot, without probing anything itself. Details: each cluster's {@link
 * ClusterHealth} by name, and how many are {@code READY} of how many. Up while at least one cluster is ready (the
 * fleet can still place work; failover handles the others, which the details show); down when clusters are
 * registered and none is ready, or the fleet cannot be opened; unknown while no cluster is registered.
 *
 * <p>Thread-safe.
 */
public final class FleetHealthIndicator implements HealthIndicator {

    private final ScaleplanePlatform platform;

    /** An indicator reading {@code platform}'s fleet. */
    public FleetHealthIndicator(ScaleplanePlatform platform) {
        this.platform = Objects.requireNonNull(platform, "platform");
    }

    /** Reads the fleet snapshot and reports it; never throws. */
    @Override
    public Health health() {
        FleetSnapshot snapshot;
        try {
            snapshot = platform.federation().snapshot();
        } catch (RuntimeException e) {
            return Health.down(e).build();
        }
        Map<String, String> clusters = new TreeMap<>();
        long ready = 0;
        for (ClusterState cluster : snapshot.clusters()) {
            clusters.put(cluster.spec().name(), cluster.health().name());
            if (cluster.health() == ClusterHealth.READY) {
                ready++;
            }
        }
        Health.Builder health = clusters.isEmpty() ? Health.unknown() : ready > 0 ? Health.up() : Health.down();
        return health.withDetail("clusters", clusters)
                .withDetail("ready", ready)
                .withDetail("total", clusters.size())
                .build();
    }
}
