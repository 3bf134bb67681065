package dev.scaleplane.federation.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.ResourceQuotaExceeded;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.tenants.TenantQuota;
import dev.scaleplane.api.tenants.TenantSpec;
import dev.scaleplane.api.tenants.TenantStatus;
import dev.scaleplane.api.tenants.Tenants;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "Tenants" example of the module's README, kept here so that it compiles and runs. */
class TenantsReadmeExampleTest {

    @TempDir
    Path dir;

    @Test
    void readme_example() {
        try (SimulatedFleet sim = SimulatedFleet.builder()
                        .cluster("ams-1")
                        .cluster("par-1")
                        .start();
                ScaleplanePlatform platform = FastFleetPlatforms.start(Map.of("scaleplane.store.provider", "memory"))) {
            Path kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
            Fleet fleet = platform.federation();
            for (String name : List.of("ams-1", "par-1")) {
                fleet.register(ClusterSpec.builder(name)
                        .region(name.substring(0, 3))
                        .residency("EU")
                        .credentials(ClusterCredentials.kubeconfig(kubeconfig, name))
                        .build());
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> fleet.snapshot().clusters().stream().allMatch(c -> c.health() == ClusterHealth.READY));
            List<Event<?>> exceeded = new CopyOnWriteArrayList<>();

            // README: begin
            Tenants tenants = platform.federation().tenants();
            platform.events()
                    .subscribe(
                            SubscriptionOptions.builder(Tenants.TOPIC, "quota-alerts")
                                    .build(),
                            ResourceQuotaExceeded.TYPE,
                            exceeded::add);

            tenants.provision(
                    "alice",
                    TenantSpec.builder("team-payments")
                            .placement(PlacementPolicy.builder().residency("EU").build())
                            .quota(TenantQuota.builder().pods(40).build()) // the other defaults stay
                            .quotaAlertShare(0.9) // report at 90 % of any hard limit
                            .build());
            TenantStatus status =
                    tenants.whenReady("alice").orTimeout(30, TimeUnit.SECONDS).join();

            // Later: a bigger quota, rolled out to every cluster of the tenant.
            tenants.update(
                    "alice",
                    tenants.tenant("alice").orElseThrow().spec().toBuilder()
                            .quota(TenantQuota.builder().pods(60).build())
                            .build());
            // README: end

            assertThat(status.clusters()).hasSize(2);
            assertThat(status.ready()).isTrue();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(sim.cluster("par-1")
                            .client()
                            .resourceQuotas()
                            .inNamespace("user-alice")
                            .withName(Tenants.QUOTA_NAME)
                            .get()
                            .getSpec()
                            .getHard()
                            .get("pods")
                            .getAmount())
                    .isEqualTo("60"));
            // The simulation has no quota controller: its simulated controller writes status.used.
            sim.cluster("par-1").controller().resourceQuotaUsed("user-alice", Tenants.QUOTA_NAME, Map.of("pods", "54"));
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(exceeded).singleElement().satisfies(e -> {
                        assertThat(e.tenant()).isEqualTo("alice");
                        assertThat(((ResourceQuotaExceeded) e.data()).used()).isEqualTo("54");
                        assertThat(((ResourceQuotaExceeded) e.data()).hard()).isEqualTo("60");
                    }));
        }
    }
}
