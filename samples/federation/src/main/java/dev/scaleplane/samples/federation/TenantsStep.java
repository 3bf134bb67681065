package dev.scaleplane.samples.federation;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.NamespaceCreated;
import dev.scaleplane.api.events.catalog.ResourceQuotaExceeded;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.tenants.ClusterTenantStatus;
import dev.scaleplane.api.tenants.Tenant;
import dev.scaleplane.api.tenants.TenantQuota;
import dev.scaleplane.api.tenants.TenantSpec;
import dev.scaleplane.api.tenants.TenantStatus;
import dev.scaleplane.api.tenants.Tenants;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.federation.kubernetes.testing.SimulatedCluster;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Step 8 of the sample: two tenants provisioned across the simulated fleet (residency EU), their bundles read back
 * from each cluster's own API server, {@code NamespaceCreated} per cluster, and a quota crossing that emits
 * {@code ResourceQuotaExceeded} once. The simulation has no quota controller: its simulated controller writes the
 * quota's {@code status.used} here, as Kubernetes' quota controller would after counting the namespace.
 */
final class TenantsStep {
    /** Residency EU, every ready cluster that has it. */
    static final PlacementPolicy EU = PlacementPolicy.builder().residency("EU").build();
    /** Bob's pod quota, and the share at which the watch reports. */
    static final int BOB_PODS = 30;

    static final double BOB_ALERT_SHARE = 0.8;

    private TenantsStep() {}

    static void run(PrintStream out, SimulatedFleet simulation, ScaleplanePlatform platform, Fleet fleet, Checks checks)
            throws Exception {
        List<Event<?>> events = new CopyOnWriteArrayList<>();
        platform.events()
                .subscribe(SubscriptionOptions.builder(Tenants.TOPIC, "sample").build(), events::add);
        Tenants tenants = fleet.tenants();

        out.println("== Tenants: alice (defaults) and bob (30 pods, alerts at 80 %), residency EU");
        tenants.provision(
                "alice", TenantSpec.builder("team-payments").placement(EU).build());
        Tenant bob = tenants.provision(
                "bob",
                TenantSpec.builder("team-search")
                        .placement(EU)
                        .quota(TenantQuota.builder().pods(BOB_PODS).build())
                        .quotaAlertShare(BOB_ALERT_SHARE)
                        .build());
        out.printf("%-6s %-10s %s%n", "TENANT", "CLUSTER", "STATE");
        for (String tenant : List.of("alice", "bob")) {
            TenantStatus s = tenants.whenReady(tenant)
                    .orTimeout(FederationSample.STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .exceptionally(e -> tenants.status(tenant))
                    .join();
            for (ClusterTenantStatus c : s.clusters()) {
                out.printf(
                        "%-6s %-10s %s%s%n",
                        tenant, c.cluster(), c.state(), c.drift().isEmpty() ? "" : c.drift());
            }
            checks.require(s.ready(), () -> "tenant " + tenant + " READY on every cluster, but: " + s.clusters());
            checks.check(
                    s.clusters().stream().noneMatch(c -> c.cluster().equals("nyc-1")),
                    () -> "tenant " + tenant + " never on nyc-1 (residency US), but: " + s.clusters());
        }
        Set<String> eu = new TreeSet<>(bob.clusters());
        checks.check(eu.size() == 3, () -> "the tenants on the three EU clusters, but on " + eu);
        for (SimulatedCluster c : simulation.clusters()) {
            for (String tenant : List.of("alice", "bob")) {
                int objects = bundleSize(c.client(), tenant);
                int expected = eu.contains(c.name()) ? 9 : 0;
                checks.check(
                        objects == expected,
                        () -> c.name() + " holds " + expected + " objects of tenant " + tenant + ", but holds "
                                + objects);
            }
        }
        out.printf("Each EU cluster's own API server holds the 9 objects of each bundle (namespace, quota, limits, 3"
                + " network policies, user-sa, role, binding); nyc-1 holds none.%n");
        checks.check(
                Checks.await(
                        FederationSample.STEP_TIMEOUT, () -> created(events).size() == 2 * eu.size()),
                () -> "one NamespaceCreated per tenant and cluster (" + 2 * eu.size() + "), but: " + created(events));
        out.println("NamespaceCreated events: " + created(events));

        // The quota controller of a real cluster counts bob's pods; here the simulated controller is told the count.
        String cluster = eu.iterator().next();
        var controller = simulation.cluster(cluster).controller();
        int alertAt = (int) Math.ceil(BOB_PODS * BOB_ALERT_SHARE);
        controller.resourceQuotaUsed("user-bob", Tenants.QUOTA_NAME, Map.of("pods", String.valueOf(alertAt - 1)));
        controller.resourceQuotaUsed("user-bob", Tenants.QUOTA_NAME, Map.of("pods", String.valueOf(alertAt)));
        controller.resourceQuotaUsed("user-bob", Tenants.QUOTA_NAME, Map.of("pods", String.valueOf(alertAt + 2)));
        // Services cross last: once that is reported, the pod updates before it have all been seen.
        controller.resourceQuotaUsed(
                "user-bob", Tenants.QUOTA_NAME, Map.of("pods", String.valueOf(alertAt + 2), "services", "9"));
        checks.check(
                Checks.await(FederationSample.STEP_TIMEOUT, () -> exceeded(events).stream()
                        .anyMatch(e -> e.resource().equals("services"))),
                () -> "ResourceQuotaExceeded for bob's services on " + cluster + ", but: " + exceeded(events));
        List<ResourceQuotaExceeded> pods = exceeded(events).stream()
                .filter(e -> e.resource().equals("pods"))
                .toList();
        out.printf(
                "%n== bob's pods on %s: %d, %d, %d of %d (simulated status.used); alert share %.0f %%%n",
                cluster, alertAt - 1, alertAt, alertAt + 2, BOB_PODS, BOB_ALERT_SHARE * 100);
        exceeded(events)
                .forEach(e -> out.printf(
                        "ResourceQuotaExceeded: tenant bob, cluster %s, namespace %s, %s used %s of %s%n",
                        e.cluster(), e.namespace(), e.resource(), e.used(), e.hard()));
        checks.check(
                pods.size() == 1 && pods.get(0).used().equals(String.valueOf(alertAt)),
                () -> "one ResourceQuotaExceeded for bob's pods (at " + alertAt + "), once per crossing, but: " + pods);
        out.println();
    }

    private static int bundleSize(KubernetesClient c, String tenant) {
        String ns = Tenants.NAMESPACE_PREFIX + tenant;
        int n = c.namespaces().withName(ns).get() == null ? 0 : 1;
        n += c.resourceQuotas().inNamespace(ns).list().getItems().size();
        n += c.limitRanges().inNamespace(ns).list().getItems().size();
        n += c.network()
                .v1()
                .networkPolicies()
                .inNamespace(ns)
                .list()
                .getItems()
                .size();
        n += c.serviceAccounts().inNamespace(ns).list().getItems().size();
        n += c.rbac().roles().inNamespace(ns).list().getItems().size();
        n += c.rbac().roleBindings().inNamespace(ns).list().getItems().size();
        return n;
    }

    private static List<String> created(List<Event<?>> events) {
        return events.stream()
                .filter(e -> e.data() instanceof NamespaceCreated)
                .map(e -> ((NamespaceCreated) e.data()).namespace() + "@" + e.cluster())
                .sorted()
                .collect(Collectors.toList());
    }

    private static List<ResourceQuotaExceeded> exceeded(List<Event<?>> events) {
        return events.stream()
                .filter(e -> e.data() instanceof ResourceQuotaExceeded)
                .map(e -> (ResourceQuotaExceeded) e.data())
                .toList();
    }
}
