package dev.scaleplane.core.federation;

import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.federation.Taint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds cluster states and snapshots for the placement tests. */
final class Clusters {

    /** The instant of every snapshot built here. */
    static final Instant AT = Instant.parse("2025-03-14T12:00:00Z");

    /** 10 cores, 40 GiB, 100 pods. */
    static final Capacity TEN_CORES = new Capacity(10_000, 40L << 30, 100);

    /** One core, 1 GiB, one pod. */
    static final Capacity ONE_CORE = new Capacity(1_000, 1L << 30, 1);

    private final ClusterSpec.Builder spec;
    private ClusterHealth health = ClusterHealth.READY;
    private Instant since = AT.minusSeconds(3600);
    private final List<Taint> taints = new ArrayList<>();
    private Capacity capacity = TEN_CORES;
    private Capacity available = TEN_CORES;

    private Clusters(String name) {
        spec = ClusterSpec.builder(name)
                .region("eu-west")
                .residency("EU")
                .credentials(ClusterCredentials.kubeconfigContext(name));
    }

    /** A READY cluster in eu-west, residency EU, 10 cores all available. */
    static Clusters cluster(String name) {
        return new Clusters(name);
    }

    static FleetSnapshot fleet(ClusterState... states) {
        return new FleetSnapshot(AT, Arrays.asList(states));
    }

    static FleetSnapshot fleet(List<ClusterState> states) {
        return new FleetSnapshot(AT, states);
    }

    Clusters region(String region) {
        spec.region(region);
        return this;
    }

    Clusters zone(String zone) {
        spec.zone(zone);
        return this;
    }

    Clusters residency(String residency) {
        spec.residency(residency);
        return this;
    }

    Clusters label(String key, String value) {
        spec.label(key, value);
        return this;
    }

    /** A taint in the state (the effective taints placement reads). */
    Clusters taint(Taint taint) {
        taints.add(taint);
        return this;
    }

    Clusters health(ClusterHealth health, Instant since) {
        this.health = health;
        this.since = since;
        return this;
    }

    Clusters capacity(Capacity capacity) {
        this.capacity = capacity;
        this.available = capacity;
        return this;
    }

    Clusters available(Capacity available) {
        this.available = available;
        return this;
    }

    /** Capacity for exactly {@code n} {@link #ONE_CORE} replicas out of 10 cores. */
    Clusters fitting(int n) {
        this.available = new Capacity(n * 1_000L, 40L << 30, 100);
        return this;
    }

    ClusterState build() {
        return new ClusterState(spec.build(), health, since, taints, capacity, available);
    }
}
