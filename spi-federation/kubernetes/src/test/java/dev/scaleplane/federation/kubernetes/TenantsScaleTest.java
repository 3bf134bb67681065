package dev.scaleplane.federation.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.federation.ApplyException;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.tenants.TenantSpec;
import dev.scaleplane.api.tenants.TenantStatus;
import dev.scaleplane.api.tenants.Tenants;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.federation.kubernetes.testing.SimulatedCluster;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 tenants across 10 simulated clusters. Asserts the API-server requests per tenant per cluster, counted by each
 * simulated cluster's HTTP front, against a stated bound; prints the wall time as a figure (never asserted).
 *
 * <p>In the normal suite each tenant is placed on 2 of the 10 clusters, round robin (2,000 bundles, 18,000 objects),
 * which keeps the run near half a minute. {@code -Dscaleplane.tenants.scale.clusters-per-tenant=10} places every
 * tenant on every cluster (10,000 bundles, 90,000 objects); that run takes minutes, most of it in the mock API servers
 * (the CRUD store of fabric8's mock scans every stored object on each request, and pushes each change to every watch
 * on its event loop), and was measured for the README.
 */
class TenantsScaleTest {
    static final int TENANTS = 1_000;
    static final int CLUSTERS = 10;
    static final int CLUSTERS_PER_TENANT = Integer.getInteger("scaleplane.tenants.scale.clusters-per-tenant", 2);
    /** Objects in a bundle. */
    static final int OBJECTS = 9;
    /**
     * The bound: one GET (does it exist?) and one POST (create) per object is 18; two more per tenant and cluster
     * for what is not per object (health probes, watch reconnects, a retried write), spread over the tenants.
     */
    static final double MAX_REQUESTS_PER_TENANT_PER_CLUSTER = 2.0 * OBJECTS + 2;
    /**
     * How long the bundles may take to be ready: 5 minutes per cluster of a tenant, 10 in the normal suite. The time
     * grows with the objects per mock API server, so the 10-clusters-per-tenant run gets 50: it took 9 minutes on a
     * quiet 2-core machine and did not finish within the former 10 on a loaded one.
     */
    static final Duration TIMEOUT = Duration.ofMinutes(5L * CLUSTERS_PER_TENANT);

    @TempDir
    Path dir;

    @Test
    void aThousandTenantsOnTenClustersStayWithinTheRequestBound() throws InterruptedException, ExecutionException {
        SimulatedFleet.Builder builder = SimulatedFleet.builder();
        for (int i = 0; i < CLUSTERS; i++) {
            builder.cluster("c-" + i);
        }
        Map<String, String> config = new HashMap<>();
        config.put("scaleplane.store.provider", "memory");
        config.put(KubernetesFleetConfig.APPLY_WORKERS, "16");
        config.put(KubernetesFleetConfig.REQUEST_TIMEOUT, "30s");
        try (SimulatedFleet sim = builder.start();
                ScaleplanePlatform platform = Scaleplane.builder()
                        .config(ScaleplaneProperties.of(config))
                        .taskQueueOptions(TaskQueueOptions.builder()
                                .retryPolicy(
                                        KubernetesFederationProvider.APPLY_TASK,
                                        RetryPolicy.builder()
                                                .fixed(Duration.ofMillis(200))
                                                .maxAttempts(100)
                                                .nonRetryable(ApplyException.class)
                                                .build())
                                .build())
                        .build()) {
            Path kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
            Fleet fleet = platform.federation();
            for (SimulatedCluster c : sim.clusters()) {
                fleet.register(ClusterSpec.builder(c.name())
                        .region("region-" + c.name())
                        .credentials(ClusterCredentials.kubeconfig(kubeconfig, c.name()))
                        .build());
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> fleet.snapshot().clusters().stream().allMatch(c -> c.health() == ClusterHealth.READY));
            Tenants tenants = fleet.tenants();
            long before = requests(sim);

            long start = System.nanoTime();
            for (int i = 0; i < TENANTS; i++) {
                tenants.provision("t-" + i, spec(i));
            }
            long queued = System.nanoTime();
            List<CompletableFuture<TenantStatus>> ready = new ArrayList<>();
            for (int i = 0; i < TENANTS; i++) {
                ready.add(tenants.whenReady("t-" + i));
            }
            try {
                CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new))
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(
                        String.format(
                                "tenants scale: %d of %d tenants ready after %d s (bound %s for %d clusters per"
                                        + " tenant); %d API-server requests so far",
                                ready.stream().filter(CompletableFuture::isDone).count(),
                                TENANTS,
                                (System.nanoTime() - start) / 1_000_000_000L,
                                TIMEOUT,
                                CLUSTERS_PER_TENANT,
                                requests(sim) - before),
                        e);
            }
            long done = System.nanoTime();
            long used = requests(sim) - before;

            int bundles = TENANTS * CLUSTERS_PER_TENANT;
            double perTenantPerCluster = (double) used / bundles;
            System.out.printf(
                    "tenants scale: %d tenants across %d clusters, %d per tenant (%d bundles, %d objects) provisioned"
                            + " in %.1f s (provision calls %.1f s); %d API-server requests, %.2f per tenant per"
                            + " cluster (bound %.0f)%n",
                    TENANTS,
                    CLUSTERS,
                    CLUSTERS_PER_TENANT,
                    bundles,
                    bundles * OBJECTS,
                    (done - start) / 1e9,
                    (queued - start) / 1e9,
                    used,
                    perTenantPerCluster,
                    MAX_REQUESTS_PER_TENANT_PER_CLUSTER);

            assertThat(tenants.list()).hasSize(TENANTS);
            for (SimulatedCluster c : sim.clusters()) {
                assertThat(c.client()
                                .namespaces()
                                .withLabel(Tenants.TENANT_LABEL)
                                .list()
                                .getItems())
                        .as(c.name())
                        .hasSize(TENANTS * CLUSTERS_PER_TENANT / CLUSTERS);
            }
            assertThat(perTenantPerCluster).isLessThanOrEqualTo(MAX_REQUESTS_PER_TENANT_PER_CLUSTER);
        }
    }

    /** Tenant {@code i} on clusters {@code c-i}, {@code c-(i+1)}, ... (modulo 10): the same number on each. */
    private static TenantSpec spec(int i) {
        String[] clusters = new String[CLUSTERS_PER_TENANT];
        for (int k = 0; k < CLUSTERS_PER_TENANT; k++) {
            clusters[k] = "c-" + ((i + k) % CLUSTERS);
        }
        return TenantSpec.builder("owner-" + (i % 50))
                .placement(PlacementPolicy.builder().clusters(clusters).build())
                .build();
    }

    private static long requests(SimulatedFleet sim) {
        return sim.clusters().stream().mapToLong(SimulatedCluster::requestCount).sum();
    }
}
