package dev.scaleplane.core.capacity;

import dev.scaleplane.api.capacity.DemandHistory;
import dev.scaleplane.api.capacity.Resource;
import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.tenants.Tenant;
import dev.scaleplane.api.tenants.TenantQuota;
import dev.scaleplane.api.tenants.TenantSpec;
import java.time.Instant;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * Generated fleet histories with known answers: hourly series over the 28-day default window ending at {@link #NOW}, as
 * functions of the hour {@code t} relative to {@code NOW} ({@code t <= 0}), and the clusters of a small fleet.
 */
final class FleetHistories {
    /** The plans' time: a midnight UTC, so hour {@code t}'s daily phase is {@code t mod 24}. */
    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    static final long GIB = 1L << 30;

    /** Hours of history: the 28-day window holds {@code (NOW - 28d, NOW]}, i.e. hours -671..0. */
    static final int HOURS = 28 * 24;

    private FleetHistories() {}

    /** Adds {@code y(t)} for {@code t = -(HOURS - 1) .. 0} to {@code b}. */
    static DemandHistory.Builder series(
            DemandHistory.Builder b, String region, Resource resource, LongUnaryOperator y) {
        for (long t = -(HOURS - 1); t <= 0; t++) {
            b.point(region, resource, NOW.plusSeconds(t * 3600), y.applyAsLong(t));
        }
        return b;
    }

    /** 16 cores + 10m per hour, plus 6 cores from 09:00 to 17:59 UTC: growth with daily seasonality, in millicores. */
    static long seasonalGrowth(long t) {
        long hour = Math.floorMod(t, 24);
        return 16_000 + 10 * t + (hour >= 9 && hour <= 17 ? 6_000 : 0);
    }

    /** A READY cluster with {@code allocatable} and {@code requested} (available is the difference). */
    static ClusterState cluster(
            String name, String region, String residency, Capacity allocatable, Capacity requested) {
        ClusterSpec spec = ClusterSpec.builder(name)
                .region(region)
                .residency(residency)
                .credentials(ClusterCredentials.kubeconfigContext(name))
                .build();
        return new ClusterState(
                spec,
                ClusterHealth.READY,
                NOW.minusSeconds(86_400),
                List.of(),
                allocatable,
                allocatable.minus(requested));
    }

    /** A tenant on {@code clusters} with {@code quota}. */
    static Tenant tenant(String name, TenantQuota quota, String... clusters) {
        TenantSpec spec = TenantSpec.builder("team-" + name).quota(quota).build();
        return new Tenant(name, "user-" + name, spec, List.of(clusters));
    }
}
