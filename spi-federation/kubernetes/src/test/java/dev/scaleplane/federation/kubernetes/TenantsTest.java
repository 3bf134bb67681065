package dev.scaleplane.federation.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.NamespaceCreated;
import dev.scaleplane.api.events.catalog.ResourceQuotaExceeded;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.WorkloadState;
import dev.scaleplane.api.tenants.ClusterTenantStatus;
import dev.scaleplane.api.tenants.ContainerDefaults;
import dev.scaleplane.api.tenants.InvalidTenantException;
import dev.scaleplane.api.tenants.Tenant;
import dev.scaleplane.api.tenants.TenantPlacementException;
import dev.scaleplane.api.tenants.TenantQuota;
import dev.scaleplane.api.tenants.TenantSpec;
import dev.scaleplane.api.tenants.TenantStatus;
import dev.scaleplane.api.tenants.Tenants;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.federation.kubernetes.internal.KubernetesFleet;
import dev.scaleplane.federation.kubernetes.tenants.internal.QuotaWatch;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant bundles on a simulated fleet (fabric8 mock API servers; no quota controller, so the simulated controller
 * writes {@code status.used} when a test says what is used): placement with residency, all-or-nothing per cluster
 * under injected faults, drift repair, deprovision order, quota rollout, the quota watch and bad input. The bundle's
 * objects field by field are in {@link TenantBundleTest}.
 */
class TenantsTest {
    private static final List<String> EU = List.of("ams-1", "par-1", "waw-1");

    private SimulatedFleet sim;
    private Path kubeconfig;

    @TempDir
    static Path dir;

    private ScaleplanePlatform platform;
    private Fleet fleet;
    private Tenants tenants;
    private final List<Event<?>> events = new CopyOnWriteArrayList<>();

    /**
     * A simulated fleet of its own per test: the API servers of a shared one held every earlier test's tenants and
     * faults, and in two CI runs every probe of all four clusters then timed out at the start of a later test.
     */
    @BeforeEach
    void startPlatform() {
        sim = SimulatedFleet.builder()
                .cluster("ams-1")
                .cluster("par-1")
                .cluster("waw-1")
                .cluster("nyc-1")
                .controllerDelay(Duration.ofMillis(50))
                .start();
        kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
        // A probe timeout of 2 s, not the fast 500 ms: the simulated API servers hold every tenant of the class's
        // earlier tests, and on a loaded CI host a 500 ms probe flapped all four clusters out of READY.
        platform = FastFleetPlatforms.start(
                Map.of("scaleplane.store.provider", "memory", KubernetesFleetConfig.PROBE_TIMEOUT, "2s"));
        fleet = platform.federation();
        register("ams-1", "amsterdam", "EU");
        register("par-1", "paris", "EU");
        register("waw-1", "warsaw", "EU");
        register("nyc-1", "new-york", "US");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> fleet.snapshot().clusters().stream().allMatch(c -> c.health() == ClusterHealth.READY));
        tenants = fleet.tenants();
        platform.events()
                .subscribe(SubscriptionOptions.builder(Tenants.TOPIC, "test").build(), events::add);
    }

    @AfterEach
    void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    private void register(String name, String region, String residency) {
        fleet.register(ClusterSpec.builder(name)
                .region(region)
                .residency(residency)
                .credentials(ClusterCredentials.kubeconfig(kubeconfig, name))
                .build());
    }

    private static TenantSpec eu(String owner) {
        return TenantSpec.builder(owner)
                .placement(PlacementPolicy.builder().residency("EU").build())
                .build();
    }

    private TenantStatus ready(String tenant) {
        return tenants.whenReady(tenant).orTimeout(30, TimeUnit.SECONDS).join();
    }

    private KubernetesClient client(String cluster) {
        return sim.cluster(cluster).client();
    }

    /** Every object of the tenant's bundle on {@code cluster}, by kind/name. */
    private List<String> bundleOn(String cluster, String tenant) {
        KubernetesClient c = client(cluster);
        String ns = Tenants.NAMESPACE_PREFIX + tenant;
        List<HasMetadata> found = new ArrayList<>();
        HasMetadata namespace = c.namespaces().withName(ns).get();
        if (namespace != null) {
            found.add(namespace);
        }
        found.addAll(c.resourceQuotas().inNamespace(ns).list().getItems());
        found.addAll(c.limitRanges().inNamespace(ns).list().getItems());
        found.addAll(c.network().v1().networkPolicies().inNamespace(ns).list().getItems());
        found.addAll(c.serviceAccounts().inNamespace(ns).list().getItems());
        found.addAll(c.rbac().roles().inNamespace(ns).list().getItems());
        found.addAll(c.rbac().roleBindings().inNamespace(ns).list().getItems());
        return found.stream()
                .map(o -> o.getKind() + "/" + o.getMetadata().getName())
                .sorted()
                .toList();
    }

    private static final List<String> WHOLE_BUNDLE = Stream.of(
                    "Namespace/user-%s",
                    "ResourceQuota/tenant-quota",
                    "LimitRange/tenant-limits",
                    "NetworkPolicy/tenant-deny-all",
                    "NetworkPolicy/tenant-allow-ingress",
                    "NetworkPolicy/tenant-allow-egress",
                    "ServiceAccount/user-sa",
                    "Role/user-role",
                    "RoleBinding/user-role")
            .sorted()
            .toList();

    private static List<String> wholeBundle(String tenant) {
        return WHOLE_BUNDLE.stream().map(s -> String.format(s, tenant)).sorted().toList();
    }

    @Test
    void aTenantGetsItsWholeBundleOnEveryClusterItsResidencyAllowsAndNamespaceCreatedPerCluster() {
        Tenant alice = tenants.provision("alice", eu("team-a"));

        assertThat(alice.namespace()).isEqualTo("user-alice");
        assertThat(alice.clusters()).containsExactlyElementsOf(EU);
        TenantStatus status = ready("alice");
        assertThat(status.clusters()).extracting(ClusterTenantStatus::cluster).containsExactlyElementsOf(EU);
        assertThat(status.clusters()).allSatisfy(c -> {
            assertThat(c.state()).isEqualTo(WorkloadState.READY);
            assertThat(c.drift()).isEmpty();
        });
        for (String cluster : EU) {
            assertThat(bundleOn(cluster, "alice")).as(cluster).containsExactlyElementsOf(wholeBundle("alice"));
        }
        assertThat(bundleOn("nyc-1", "alice")).as("residency US: nothing").isEmpty();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events)
                .filteredOn(e -> e.type().equals(NamespaceCreated.TYPE_NAME) && "alice".equals(e.tenant()))
                .extracting(Event::cluster)
                .containsExactlyInAnyOrderElementsOf(EU));
        Event<?> created = events.stream()
                .filter(e -> e.type().equals(NamespaceCreated.TYPE_NAME) && "alice".equals(e.tenant()))
                .findFirst()
                .orElseThrow();
        assertThat(created.data()).isInstanceOfSatisfying(NamespaceCreated.class, n -> {
            assertThat(n.namespace()).isEqualTo("user-alice");
            assertThat(n.tenant()).isEqualTo("alice");
            assertThat(n.labels())
                    .containsEntry(Tenants.TENANT_LABEL, "alice")
                    .containsEntry(Tenants.OWNER_LABEL, "team-a");
        });
        assertThat(tenants.list()).extracting(Tenant::name).containsExactly("alice");
        assertThat(tenants.tenant("alice")).contains(alice);
    }

    @Test
    void aTenantPinnedToTheUsResidencyLandsOnlyThere() {
        tenants.provision(
                "uma",
                TenantSpec.builder("team-us")
                        .placement(PlacementPolicy.builder().residency("US").build())
                        .build());
        assertThat(ready("uma").clusters())
                .extracting(ClusterTenantStatus::cluster)
                .containsExactly("nyc-1");
        assertThat(bundleOn("nyc-1", "uma")).containsExactlyElementsOf(wholeBundle("uma"));
        for (String cluster : EU) {
            assertThat(bundleOn(cluster, "uma")).as(cluster).isEmpty();
        }
    }

    @Test
    void aRefusalMidBundleRollsTheClusterBackAndLeavesTheOthersComplete() {
        // The Role is the eighth of nine objects: seven are created on par-1 before the API server refuses it.
        sim.cluster("par-1").failRequests("POST", "/namespaces/user-bob/roles", 422, 1);

        tenants.provision("bob", eu("team-b"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            TenantStatus s = tenants.status("bob");
            ClusterTenantStatus par = s.clusters().stream()
                    .filter(c -> c.cluster().equals("par-1"))
                    .findFirst()
                    .orElseThrow();
            assertThat(par.state()).isEqualTo(WorkloadState.ERR_APPLIED);
            assertThat(par.message())
                    .contains("HTTP 422")
                    .contains("rolled back")
                    .contains("deleted 7 of the 7");
            assertThat(s.clusters())
                    .filteredOn(c -> !c.cluster().equals("par-1"))
                    .allSatisfy(c -> assertThat(c.state()).isEqualTo(WorkloadState.READY));
        });
        assertThat(bundleOn("par-1", "bob")).as("nothing half made on par-1").isEmpty();
        assertThat(bundleOn("ams-1", "bob")).containsExactlyElementsOf(wholeBundle("bob"));
        assertThat(bundleOn("waw-1", "bob")).containsExactlyElementsOf(wholeBundle("bob"));
        assertThat(events)
                .filteredOn(e -> e.type().equals(NamespaceCreated.TYPE_NAME) && "par-1".equals(e.cluster()))
                .filteredOn(e -> "bob".equals(e.tenant()))
                .isEmpty();

        // Applying again (the refusal is gone) makes it whole.
        tenants.update("bob", eu("team-b"));
        ready("bob");
        assertThat(bundleOn("par-1", "bob")).containsExactlyElementsOf(wholeBundle("bob"));
    }

    @Test
    void aTransientFailureMidBundleIsRetriedUntilTheBundleIsComplete() {
        // 503 on the NetworkPolicies (objects four to six): the task is retried; applies are idempotent.
        sim.cluster("waw-1").failRequests("POST", "/namespaces/user-carl/networkpolicies", 503, 3);

        tenants.provision("carl", eu("team-c"));

        TenantStatus s = ready("carl");
        assertThat(s.clusters()).allSatisfy(c -> assertThat(c.state()).isEqualTo(WorkloadState.READY));
        assertThat(sim.cluster("waw-1").injectedErrorCount()).isGreaterThanOrEqualTo(1);
        for (String cluster : EU) {
            assertThat(bundleOn(cluster, "carl")).as(cluster).containsExactlyElementsOf(wholeBundle("carl"));
        }
    }

    @Test
    void driftIsReportedAndRepaired() {
        tenants.provision("dora", eu("team-d"));
        ready("dora");
        KubernetesClient ams = client("ams-1");
        // Slow answers on ams-1 keep the repair (18 requests) in flight long enough to read its report.
        sim.cluster("ams-1").latency(Duration.ofMillis(300));

        // Someone raises the quota by hand and deletes the RoleBinding.
        ResourceQuota q = ams.resourceQuotas()
                .inNamespace("user-dora")
                .withName(Tenants.QUOTA_NAME)
                .get();
        q.getSpec().getHard().put("pods", new io.fabric8.kubernetes.api.model.Quantity("500"));
        ams.resource(q).update();
        ams.rbac()
                .roleBindings()
                .inNamespace("user-dora")
                .withName(Tenants.ROLE_NAME)
                .delete();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ClusterTenantStatus s = tenants.status("dora").clusters().get(0);
            assertThat(s.cluster()).isEqualTo("ams-1");
            assertThat(s.drift())
                    .containsExactly("ResourceQuota/user-dora/tenant-quota: spec.hard.pods: live 500, applied 20");
        });
        assertThat(tenants.status("dora").drifted()).isTrue();
        sim.cluster("ams-1").latency(Duration.ZERO);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ResourceQuota live = ams.resourceQuotas()
                    .inNamespace("user-dora")
                    .withName(Tenants.QUOTA_NAME)
                    .get();
            assertThat(live.getSpec().getHard().get("pods").getAmount()).isEqualTo("20");
            RoleBinding rb = ams.rbac()
                    .roleBindings()
                    .inNamespace("user-dora")
                    .withName(Tenants.ROLE_NAME)
                    .get();
            assertThat(rb).isNotNull();
            TenantStatus s = tenants.status("dora");
            assertThat(s.ready()).isTrue();
            assertThat(s.drifted()).isFalse();
        });
    }

    @Test
    void deprovisioningRemovesTheNamespaceScopedObjectsBeforeTheNamespace() {
        tenants.provision("erin", eu("team-e"));
        ready("erin");
        // The namespace's own DELETE fails on ams-1 (retried), so what was deleted before it can be seen.
        sim.cluster("ams-1").failRequests("DELETE", "^/api/v1/namespaces/user-erin$", 503, 100_000);

        var done = tenants.deprovision("erin");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(bundleOn("ams-1", "erin")).containsExactly("Namespace/user-erin");
            assertThat(bundleOn("par-1", "erin")).isEmpty();
            assertThat(bundleOn("waw-1", "erin")).isEmpty();
        });
        assertThat(done).isNotDone();
        sim.cluster("ams-1").clearFaults();
        done.orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(bundleOn("ams-1", "erin")).isEmpty();
        assertThat(tenants.tenant("erin")).isEmpty();
        assertThat(fleet.propagation("user-erin")).isEmpty();
    }

    @Test
    void aQuotaUpdateRollsOutToEveryCluster() {
        tenants.provision("fay", eu("team-f"));
        ready("fay");

        tenants.update(
                "fay",
                eu("team-f").toBuilder()
                        .quota(TenantQuota.builder()
                                .pods(50)
                                .limitsMemory("32Gi")
                                .build())
                        .build());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String cluster : EU) {
                Map<String, io.fabric8.kubernetes.api.model.Quantity> hard = client(cluster)
                        .resourceQuotas()
                        .inNamespace("user-fay")
                        .withName(Tenants.QUOTA_NAME)
                        .get()
                        .getSpec()
                        .getHard();
                assertThat(hard.get("pods").toString()).as(cluster).isEqualTo("50");
                assertThat(hard.get("limits.memory").toString()).as(cluster).isEqualTo("32Gi");
                assertThat(hard.get("requests.cpu").toString()).as(cluster).isEqualTo("4");
            }
        });
        assertThat(ready("fay").ready()).isTrue();
        assertThat(tenants.tenant("fay").orElseThrow().spec().quota().pods()).isEqualTo(50);
    }

    @Test
    void theQuotaWatchReportsOncePerCrossingNotOncePerUpdate() {
        tenants.provision(
                "gus",
                TenantSpec.builder("team-g")
                        .placement(PlacementPolicy.builder().clusters("ams-1").build())
                        .quotaAlertShare(0.8)
                        .build());
        ready("gus");
        var watch = quotaWatch();
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.synced("ams-1"));
        var controller = sim.cluster("ams-1").controller();
        // The simulation has no quota controller: the simulated controller writes status.used as told.
        controller.resourceQuotaUsed("user-gus", Tenants.QUOTA_NAME, Map.of("pods", "10", "requests.cpu", "1"));
        controller.resourceQuotaUsed("user-gus", Tenants.QUOTA_NAME, Map.of("pods", "16", "requests.cpu", "1"));
        controller.resourceQuotaUsed("user-gus", Tenants.QUOTA_NAME, Map.of("pods", "18", "requests.cpu", "1"));
        controller.resourceQuotaUsed("user-gus", Tenants.QUOTA_NAME, Map.of("pods", "20", "requests.cpu", "1500m"));
        controller.resourceQuotaUsed("user-gus", Tenants.QUOTA_NAME, Map.of("pods", "12", "requests.cpu", "1500m"));
        controller.resourceQuotaUsed("user-gus", Tenants.QUOTA_NAME, Map.of("pods", "17", "requests.cpu", "1500m"));
        // A crossing of another resource last: once it is seen, every update before it has been handled.
        controller.resourceQuotaUsed("user-gus", Tenants.QUOTA_NAME, Map.of("pods", "17", "requests.cpu", "3500m"));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(quotaEvents("gus"))
                .extracting(ResourceQuotaExceeded::resource)
                .contains("requests.cpu"));
        List<ResourceQuotaExceeded> got = quotaEvents("gus");
        assertThat(got)
                .as("pods crossed 80 %% at 16, stayed over at 18 and 20, dropped to 12, crossed again at 17")
                .filteredOn(e -> e.resource().equals("pods"))
                .extracting(ResourceQuotaExceeded::used)
                .containsExactly("16", "17");
        ResourceQuotaExceeded cpu = got.stream()
                .filter(e -> e.resource().equals("requests.cpu"))
                .findFirst()
                .orElseThrow();
        assertThat(cpu.cluster()).isEqualTo("ams-1");
        assertThat(cpu.namespace()).isEqualTo("user-gus");
        assertThat(cpu.used()).isEqualTo("3500m");
        assertThat(cpu.hard()).isEqualTo("4");
        assertThat(events)
                .filteredOn(e -> e.type().equals(ResourceQuotaExceeded.TYPE_NAME))
                .filteredOn(e -> e.data() instanceof ResourceQuotaExceeded r
                        && r.namespace().equals("user-gus"))
                .allSatisfy(e -> {
                    assertThat(e.tenant()).isEqualTo("gus");
                    assertThat(e.cluster()).isEqualTo("ams-1");
                });
    }

    @Test
    void theQuotaWatchRunsOnlyWhereItIsStartedWhenAutoStartIsOff() {
        var watch = quotaWatch();
        watch.autoStart(false);
        tenants.provision("hal", eu("team-h"));
        ready("hal");
        assertThat(watch.watched()).isEmpty();
        sim.cluster("par-1").controller().resourceQuotaUsed("user-hal", Tenants.QUOTA_NAME, Map.of("pods", "20"));

        watch.start("ams-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.synced("ams-1"));
        sim.cluster("ams-1").controller().resourceQuotaUsed("user-hal", Tenants.QUOTA_NAME, Map.of("pods", "20"));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(quotaEvents("hal")).hasSize(1));
        watch.stop("ams-1");
        assertThat(watch.watched()).isEmpty();
        assertThat(quotaEvents("hal"))
                .extracting(ResourceQuotaExceeded::cluster)
                .containsExactly("ams-1");
    }

    private QuotaWatch quotaWatch() {
        return ((KubernetesFleet) fleet).tenants().quotaWatch();
    }

    private List<ResourceQuotaExceeded> quotaEvents(String tenant) {
        return events.stream()
                .filter(e -> e.type().equals(ResourceQuotaExceeded.TYPE_NAME) && tenant.equals(e.tenant()))
                .map(e -> (ResourceQuotaExceeded) e.data())
                .toList();
    }

    @Test
    void aRestartedProcessTakesItsTenantsUpAgainFromTheFleetsRecord() {
        Path store = dir.resolve("restart-store");
        Map<String, String> fileStore =
                Map.of("scaleplane.store.provider", "file", "scaleplane.store.file.directory", store.toString());
        TenantSpec spec = eu("team-r").toBuilder()
                .quota(TenantQuota.builder().pods(33).requestsMemory("6Gi").build())
                .containerDefaults(
                        ContainerDefaults.builder().requestCpu("150m").build())
                .platformNamespaces(List.of("platform", "ingress"))
                .kafkaNamespace("streams")
                .quotaAlertShare(0.75)
                .build();
        try (ScaleplanePlatform first = FastFleetPlatforms.start(fileStore)) {
            Fleet f = first.federation();
            for (String c : List.of("ams-1", "par-1", "waw-1")) {
                f.register(ClusterSpec.builder(c)
                        .region(c)
                        .residency("EU")
                        .credentials(ClusterCredentials.kubeconfig(kubeconfig, c))
                        .build());
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> f.snapshot().clusters().stream().allMatch(c -> c.health() == ClusterHealth.READY));
            f.tenants().provision("rita", spec);
            f.tenants().whenReady("rita").orTimeout(30, TimeUnit.SECONDS).join();
        }
        try (ScaleplanePlatform second = FastFleetPlatforms.start(fileStore)) {
            List<Event<?>> again = new CopyOnWriteArrayList<>();
            second.events()
                    .subscribe(
                            SubscriptionOptions.builder(Tenants.TOPIC, "restart")
                                    .build(),
                            again::add);
            Tenants restored = second.federation().tenants();

            Tenant rita = restored.tenant("rita").orElseThrow();
            assertThat(rita.spec()).isEqualTo(spec);
            assertThat(rita.clusters()).containsExactlyElementsOf(EU);
            assertThat(restored.whenReady("rita")
                            .orTimeout(30, TimeUnit.SECONDS)
                            .join()
                            .ready())
                    .isTrue();
            assertThatThrownBy(() -> restored.provision("rita", spec)).isInstanceOf(InvalidTenantException.class);
            // Its quota watch runs again, and a restart announces no namespace twice.
            QuotaWatch watch = ((KubernetesFleet) second.federation()).tenants().quotaWatch();
            await().atMost(Duration.ofSeconds(10)).until(() -> watch.synced("waw-1"));
            sim.cluster("waw-1").controller().resourceQuotaUsed("user-rita", Tenants.QUOTA_NAME, Map.of("pods", "25"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(again)
                    .filteredOn(e -> e.type().equals(ResourceQuotaExceeded.TYPE_NAME))
                    .hasSize(1));
            assertThat(again)
                    .filteredOn(e -> e.type().equals(NamespaceCreated.TYPE_NAME))
                    .isEmpty();
            restored.deprovision("rita").orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    @Test
    void badInputIsRefusedWithTheFieldTheValueAndTheFix() {
        String max = "a".repeat(58);
        for (String bad : List.of("Alice", "a_b", "-ab", "ab-", "", max + "b")) {
            assertThatThrownBy(() -> tenants.provision(bad, eu("team-x")))
                    .as(bad)
                    .isInstanceOfSatisfying(InvalidTenantException.class, e -> {
                        assertThat(e.field()).isEqualTo("name");
                        assertThat(e.value()).isEqualTo(bad);
                        assertThat(e.getMessage()).contains("1-58 characters").contains("user-<name>");
                    });
        }
        for (String bad : List.of("8GB", "-1", "4 cores", "1.5.2", "Gi")) {
            assertThatThrownBy(() -> TenantQuota.builder().requestsMemory(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(InvalidTenantException.class, e -> {
                        assertThat(e.field()).isEqualTo("quota.requestsMemory");
                        assertThat(e.value()).isEqualTo(bad);
                        assertThat(e.getMessage()).contains("such as 4, 500m, 8Gi");
                    });
        }
        assertThatThrownBy(() -> ContainerDefaults.builder().requestCpu("2").build())
                .isInstanceOfSatisfying(InvalidTenantException.class, e -> {
                    assertThat(e.field()).isEqualTo("containerDefaults.requestCpu");
                    assertThat(e.getMessage()).contains("must not exceed the default limit 500m");
                });
        assertThatThrownBy(() -> TenantSpec.builder("alice@example.com"))
                .isInstanceOfSatisfying(
                        InvalidTenantException.class, e -> assertThat(e.field()).isEqualTo("owner"));
        assertThatThrownBy(() -> TenantSpec.builder("team-x").quotaAlertShare(1.5))
                .isInstanceOfSatisfying(
                        InvalidTenantException.class, e -> assertThat(e.field()).isEqualTo("quotaAlertShare"));

        assertThatThrownBy(() -> tenants.provision(
                        "ivy",
                        TenantSpec.builder("team-i")
                                .placement(PlacementPolicy.builder()
                                        .residency("APAC")
                                        .build())
                                .build()))
                .isInstanceOfSatisfying(TenantPlacementException.class, e -> {
                    assertThat(e.tenant()).isEqualTo("ivy");
                    assertThat(e.field()).isEqualTo("placement");
                    assertThat(e.getMessage())
                            .contains("APAC")
                            .contains("selects no cluster")
                            .contains("nyc-1");
                });
        assertThat(tenants.tenant("ivy")).isEmpty();
        assertThat(fleet.propagation("user-ivy")).isEmpty();

        tenants.provision(max, eu("team-x"));
        assertThatThrownBy(() -> tenants.provision(max, eu("team-x")))
                .isInstanceOfSatisfying(InvalidTenantException.class, e -> assertThat(e.getMessage())
                        .contains("exists; change it with update"));
        assertThatThrownBy(() -> tenants.update("nobody", eu("team-x")))
                .isInstanceOfSatisfying(InvalidTenantException.class, e -> assertThat(e.getMessage())
                        .contains("no tenant of that name"));
        assertThatThrownBy(() -> tenants.status("nobody")).isInstanceOf(InvalidTenantException.class);
        assertThatThrownBy(() -> tenants.deprovision("nobody")).isInstanceOf(InvalidTenantException.class);
    }
}
