package dev.scaleplane.samples.federation;

import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.federation.kubernetes.FleetHaConfig;
import dev.scaleplane.federation.kubernetes.FleetOwnership;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Two replicas of a service share the fleet: each cluster is probed, watched and reconciled by exactly one of them,
 * the one holding its claim Lease on a management cluster (a simulated one here, its own mock API server). The run
 * prints who owns what, stops one replica mid-run and prints who owns what afterwards.
 *
 * <p>Both replicas run in this JVM for the demo; in production they are separate processes (pods) with the same
 * settings and different identities. Stopping a replica with {@code close()} releases its claims, so the other takes
 * over at its next look at the Leases; a replica that dies without closing is taken over once its Leases expire,
 * within lease-duration + renew-period ({@code HaKillTest} in the federation module kills one with SIGKILL).
 */
final class HaReplicas {
    /** The replicas' identities; rendezvous hashing gives each a share of the four clusters. */
    static final List<String> REPLICAS = List.of("storefront-api-0", "storefront-api-1");

    /** Short Lease timings for a demo; the defaults (15 s, 10 s, 5 s, 2 s) suit real clusters. */
    static final Map<String, String> HA_SETTINGS = Map.of(
            FleetHaConfig.ENABLED, "true",
            FleetHaConfig.CONTEXT, "mgmt",
            FleetHaConfig.NAMESPACE, "scaleplane",
            FleetHaConfig.LEASE_DURATION, "2s",
            FleetHaConfig.RENEW_DEADLINE, "1s",
            FleetHaConfig.RENEW_PERIOD, "300ms",
            FleetHaConfig.RETRY_PERIOD, "200ms");

    private HaReplicas() {}

    /**
     * Runs the HA part on the sample's fleet ({@code kubeconfig}, one context per cluster), noting unmet expectations
     * in {@code checks}.
     */
    static void run(PrintStream out, Path kubeconfig, Path work, Checks checks) throws Exception {
        try (SimulatedFleet management =
                SimulatedFleet.builder().cluster("mgmt").start()) {
            Path managementKubeconfig = management.writeKubeconfig(work.resolve("management-kubeconfig"));
            out.println("== High availability: " + REPLICAS.size() + " replicas share the fleet through Leases on a"
                    + " simulated management cluster ("
                    + management.cluster("mgmt").url() + ")");
            out.println("  settings: " + new TreeMap<>(HA_SETTINGS).toString().replace(FleetHaConfig.PREFIX, ""));
            Map<String, ScaleplanePlatform> platforms = new LinkedHashMap<>();
            Map<String, FleetOwnership> ownerships = new LinkedHashMap<>();
            // A fleet-wide duty for the leader only: a periodic report of who works how many clusters.
            List<String> reports = new CopyOnWriteArrayList<>();
            try {
                for (String replica : REPLICAS) {
                    ScaleplanePlatform p = replica(replica, managementKubeconfig);
                    platforms.put(replica, p);
                    Fleet fleet = p.federation();
                    FleetOwnership ownership = FleetOwnership.of(fleet).orElseThrow();
                    ownerships.put(replica, ownership);
                    ownership.whileLeader("fleet-report", Duration.ofMillis(200), () -> reports.add(replica));
                    for (FederationSample.Site site : FederationSample.SITES) {
                        fleet.register(ClusterSpec.builder(site.cluster())
                                .region(site.region())
                                .residency(site.residency())
                                .credentials(ClusterCredentials.kubeconfig(kubeconfig, site.cluster()))
                                .build());
                    }
                }
                FleetOwnership first = ownerships.get(REPLICAS.get(0));
                FleetOwnership second = ownerships.get(REPLICAS.get(1));
                checks.require(
                        Checks.await(FederationSample.STEP_TIMEOUT, () -> shared(ownerships)),
                        () -> "every cluster owned by exactly one of " + REPLICAS + ", each owning some, but: "
                                + describe(ownerships));
                out.println("Before (claim Leases, FleetOwnership.owners()):");
                print(out, first.owners(), ownerships);
                String leader = first.leader() ? REPLICAS.get(0) : REPLICAS.get(1);
                checks.check(
                        Checks.await(FederationSample.STEP_TIMEOUT, () -> reports.contains(leader)),
                        () -> "the fleet report runs on the leader " + leader + ", but ran on " + Set.copyOf(reports));
                out.println("  the leader-only fleet report (FleetOwnership.whileLeader) last ran on: "
                        + reports.get(reports.size() - 1));

                String stopped = REPLICAS.get(0);
                Set<String> itsClusters = first.owned();
                Instant stop = Instant.now();
                platforms.remove(stopped).close();
                out.println(stopped + " stopped mid-run (platform.close(): its work stops, then its claims are"
                        + " released)");
                boolean takenOver = checks.check(
                        Checks.await(
                                FederationSample.STEP_TIMEOUT,
                                () -> second.owned().size() == FederationSample.SITES.size()),
                        () -> REPLICAS.get(1) + " owns every cluster after " + stopped + " stopped, but owns "
                                + second.owned());
                Duration took = Duration.between(stop, Instant.now());
                out.println("After:");
                print(out, second.owners(), Map.of(REPLICAS.get(1), second));
                if (takenOver) {
                    out.printf(
                            "  %s took over %s within %d ms of the stop%n",
                            REPLICAS.get(1), itsClusters, took.toMillis());
                }
                checks.check(second.leader(), () -> REPLICAS.get(1) + " is the leader once it is alone");
                int mark = reports.size();
                checks.check(
                        Checks.await(FederationSample.STEP_TIMEOUT, () -> reports.size() > mark)
                                && Set.copyOf(reports.subList(mark, reports.size()))
                                        .equals(Set.of(REPLICAS.get(1))),
                        () -> "after the stop the fleet report runs on " + REPLICAS.get(1) + " only, but ran on "
                                + reports.subList(mark, reports.size()));
                out.println("  the leader-only fleet report now runs on: "
                        + Set.copyOf(reports.subList(mark, reports.size())));
                out.println();
            } finally {
                for (ScaleplanePlatform p : platforms.values()) {
                    p.close();
                }
            }
        }
    }

    private static ScaleplanePlatform replica(String identity, Path managementKubeconfig) {
        return Scaleplane.builder()
                .config(ScaleplaneProperties.builder()
                        .put("scaleplane.events.provider", "memory")
                        .put("scaleplane.store.provider", "memory")
                        .put("scaleplane.tasks.provider", "memory")
                        .putAll(FederationSample.FLEET_SETTINGS)
                        .putAll(HA_SETTINGS)
                        .put(FleetHaConfig.KUBECONFIG, managementKubeconfig.toString())
                        .put(FleetHaConfig.IDENTITY, identity)
                        .build())
                .build();
    }

    /** Whether every cluster is owned by exactly one replica and each replica owns at least one. */
    private static boolean shared(Map<String, FleetOwnership> ownerships) {
        int total = 0;
        for (FleetOwnership o : ownerships.values()) {
            if (o.owned().isEmpty() || o.members().size() != ownerships.size()) {
                return false;
            }
            total += o.owned().size();
        }
        Map<String, String> owners = ownerships.values().iterator().next().owners();
        return total == FederationSample.SITES.size()
                && FederationSample.SITES.stream()
                        .allMatch(s -> ownerships.containsKey(owners.getOrDefault(s.cluster(), "")));
    }

    private static String describe(Map<String, FleetOwnership> ownerships) {
        Map<String, Set<String>> out = new TreeMap<>();
        ownerships.forEach((k, v) -> out.put(k, v.owned()));
        return out.toString();
    }

    private static void print(PrintStream out, Map<String, String> owners, Map<String, FleetOwnership> replicas) {
        out.printf("  %-8s %s%n", "cluster", "owner (holder of scaleplane-cluster-<name>)");
        owners.forEach((cluster, holder) -> out.printf("  %-8s %s%n", cluster, holder.isEmpty() ? "-" : holder));
        replicas.forEach(
                (name, o) -> out.printf("  %s works %s%s%n", name, o.owned(), o.leader() ? " and is the leader" : ""));
    }
}
