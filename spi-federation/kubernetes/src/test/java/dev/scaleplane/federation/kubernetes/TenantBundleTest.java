package dev.scaleplane.federation.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.tenants.ContainerDefaults;
import dev.scaleplane.api.tenants.TenantQuota;
import dev.scaleplane.api.tenants.TenantSpec;
import dev.scaleplane.api.tenants.Tenants;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every object of a tenant's bundle and every default, field by field, as the cluster's own API server holds them
 * (a simulated cluster: a fabric8 mock API server), then every override.
 */
class TenantBundleTest {
    private static final List<String> VERBS = List.of("create", "get", "list", "watch", "update", "patch", "delete");

    private static SimulatedFleet sim;
    private static ScaleplanePlatform platform;
    private static Tenants tenants;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        sim = SimulatedFleet.builder().cluster("ams-1").start();
        Path kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
        platform = FastFleetPlatforms.start(Map.of("scaleplane.store.provider", "memory"));
        Fleet fleet = platform.federation();
        fleet.register(ClusterSpec.builder("ams-1")
                .region("amsterdam")
                .credentials(ClusterCredentials.kubeconfig(kubeconfig, "ams-1"))
                .build());
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> fleet.cluster("ams-1").orElseThrow().health() == ClusterHealth.READY);
        tenants = fleet.tenants();
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    private static KubernetesClient client() {
        return sim.cluster("ams-1").client();
    }

    private static Map<String, String> text(Map<String, Quantity> quantities) {
        Map<String, String> out = new TreeMap<>();
        quantities.forEach((k, v) -> out.put(k, v.getAmount() + (v.getFormat() == null ? "" : v.getFormat())));
        return out;
    }

    private static Map<String, String> ownership(String tenant) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Tenants.TENANT_LABEL, tenant);
        labels.put(PropagationRequest.PROPAGATION_LABEL, "user-" + tenant);
        labels.put(PropagationRequest.MANAGED_BY_LABEL, PropagationRequest.MANAGED_BY);
        return labels;
    }

    @Test
    void theDefaultBundleFieldByField() {
        tenants.provision("alice", TenantSpec.builder("team-a").build());
        tenants.whenReady("alice").orTimeout(30, TimeUnit.SECONDS).join();
        KubernetesClient c = client();
        String ns = "user-alice";

        Namespace namespace = c.namespaces().withName(ns).get();
        assertThat(namespace.getMetadata().getLabels())
                .containsAllEntriesOf(ownership("alice"))
                .containsEntry(Tenants.OWNER_LABEL, "team-a")
                .containsEntry("kubernetes.io/metadata.name", ns);
        assertThat(namespace.getMetadata().getAnnotations())
                .as("the alert share, so that a restarted process reads the spec back")
                .containsExactly(Map.entry("scaleplane.dev/quota-alert-share", "1.0"));

        ResourceQuota quota =
                c.resourceQuotas().inNamespace(ns).withName(Tenants.QUOTA_NAME).get();
        assertThat(quota.getMetadata().getLabels()).containsAllEntriesOf(ownership("alice"));
        assertThat(text(quota.getSpec().getHard()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "requests.cpu", "4",
                        "requests.memory", "8Gi",
                        "limits.cpu", "8",
                        "limits.memory", "16Gi",
                        "persistentvolumeclaims", "10",
                        "services", "10",
                        "pods", "20"));

        List<LimitRangeItem> limits = c.limitRanges()
                .inNamespace(ns)
                .withName(Tenants.LIMIT_RANGE_NAME)
                .get()
                .getSpec()
                .getLimits();
        assertThat(limits).hasSize(1);
        assertThat(limits.get(0).getType()).isEqualTo("Container");
        assertThat(text(limits.get(0).getDefaultRequest()))
                .containsExactlyInAnyOrderEntriesOf(Map.of("cpu", "200m", "memory", "256Mi"));
        assertThat(text(limits.get(0).getDefault()))
                .containsExactlyInAnyOrderEntriesOf(Map.of("cpu", "500m", "memory", "512Mi"));
        assertThat(limits.get(0).getMax()).isNullOrEmpty();

        NetworkPolicy deny = policy(c, ns, Tenants.DENY_ALL_POLICY);
        assertThat(deny.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
        assertThat(deny.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(deny.getSpec().getIngress()).isNullOrEmpty();
        assertThat(deny.getSpec().getEgress()).isNullOrEmpty();

        NetworkPolicy ingress = policy(c, ns, Tenants.INGRESS_POLICY);
        assertThat(ingress.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(ingress.getSpec().getIngress()).hasSize(1);
        assertThat(ingress.getSpec().getIngress().get(0).getPorts()).isNullOrEmpty();
        List<NetworkPolicyPeer> from = ingress.getSpec().getIngress().get(0).getFrom();
        assertThat(from).hasSize(4);
        assertThat(from.get(0).getPodSelector()).as("same namespace").isNotNull();
        assertThat(from.get(0).getNamespaceSelector()).isNull();
        assertThat(from.subList(1, 4))
                .extracting(TenantBundleTest::namespaceOf)
                .containsExactly("scaleplane-system", "ingress-nginx", "monitoring");

        NetworkPolicy egress = policy(c, ns, Tenants.EGRESS_POLICY);
        assertThat(egress.getSpec().getPolicyTypes()).containsExactly("Egress");
        List<NetworkPolicyEgressRule> rules = egress.getSpec().getEgress();
        assertThat(rules).hasSize(5);
        assertThat(rules.get(0).getTo()).hasSize(1);
        assertThat(rules.get(0).getTo().get(0).getPodSelector())
                .as("same namespace")
                .isNotNull();
        assertThat(rules.get(0).getPorts()).isNullOrEmpty();
        assertEgress(rules.get(1), "kafka", "TCP/9092", "TCP/9093");
        assertEgress(rules.get(2), "rabbitmq", "TCP/5672", "TCP/15672");
        assertEgress(rules.get(3), "kube-system", "UDP/53", "TCP/53");
        assertThat(rules.get(4).getTo()).as("HTTPS anywhere").isNullOrEmpty();
        assertThat(rules.get(4).getPorts()).extracting(TenantBundleTest::port).containsExactly("TCP/443");

        ServiceAccount sa = c.serviceAccounts()
                .inNamespace(ns)
                .withName(Tenants.SERVICE_ACCOUNT)
                .get();
        assertThat(sa.getMetadata().getLabels()).containsAllEntriesOf(ownership("alice"));

        Role role = c.rbac().roles().inNamespace(ns).withName(Tenants.ROLE_NAME).get();
        assertThat(role.getRules()).hasSize(2);
        PolicyRule core = role.getRules().get(0);
        assertThat(core.getApiGroups()).containsExactly("");
        assertThat(core.getResources()).containsExactly("pods", "services", "configmaps", "secrets");
        assertThat(core.getVerbs()).containsExactlyElementsOf(VERBS);
        PolicyRule camel = role.getRules().get(1);
        assertThat(camel.getApiGroups()).containsExactly("camel.apache.org");
        assertThat(camel.getResources()).containsExactly("integrations");
        assertThat(camel.getVerbs()).containsExactlyElementsOf(VERBS);

        RoleBinding binding = c.rbac()
                .roleBindings()
                .inNamespace(ns)
                .withName(Tenants.ROLE_NAME)
                .get();
        assertThat(binding.getSubjects()).hasSize(1);
        assertThat(binding.getSubjects().get(0).getKind()).isEqualTo("ServiceAccount");
        assertThat(binding.getSubjects().get(0).getName()).isEqualTo("user-sa");
        assertThat(binding.getSubjects().get(0).getNamespace()).isEqualTo(ns);
        assertThat(binding.getRoleRef().getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo("user-role");
    }

    @Test
    void everyDefaultCanBeOverridden() {
        tenants.provision(
                "olga",
                TenantSpec.builder("team-o")
                        .quota(TenantQuota.builder()
                                .requestsCpu("2500m")
                                .requestsMemory("4Gi")
                                .limitsCpu("5")
                                .limitsMemory("10Gi")
                                .persistentVolumeClaims(3)
                                .services(4)
                                .pods(7)
                                .build())
                        .containerDefaults(ContainerDefaults.builder()
                                .requestCpu("100m")
                                .requestMemory("128Mi")
                                .limitCpu("1")
                                .limitMemory("1Gi")
                                .build())
                        .platformNamespaces(List.of("platform"))
                        .kafkaNamespace("streams")
                        .rabbitmqNamespace("queues")
                        .dnsNamespace("dns")
                        .build());
        tenants.whenReady("olga").orTimeout(30, TimeUnit.SECONDS).join();
        KubernetesClient c = client();
        String ns = "user-olga";

        assertThat(text(c.resourceQuotas()
                        .inNamespace(ns)
                        .withName(Tenants.QUOTA_NAME)
                        .get()
                        .getSpec()
                        .getHard()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "requests.cpu", "2500m",
                        "requests.memory", "4Gi",
                        "limits.cpu", "5",
                        "limits.memory", "10Gi",
                        "persistentvolumeclaims", "3",
                        "services", "4",
                        "pods", "7"));
        LimitRangeItem item = c.limitRanges()
                .inNamespace(ns)
                .withName(Tenants.LIMIT_RANGE_NAME)
                .get()
                .getSpec()
                .getLimits()
                .get(0);
        assertThat(text(item.getDefaultRequest()))
                .containsExactlyInAnyOrderEntriesOf(Map.of("cpu", "100m", "memory", "128Mi"));
        assertThat(text(item.getDefault())).containsExactlyInAnyOrderEntriesOf(Map.of("cpu", "1", "memory", "1Gi"));
        List<NetworkPolicyPeer> from = policy(c, ns, Tenants.INGRESS_POLICY)
                .getSpec()
                .getIngress()
                .get(0)
                .getFrom();
        assertThat(from.subList(1, from.size()))
                .extracting(TenantBundleTest::namespaceOf)
                .containsExactly("platform");
        List<NetworkPolicyEgressRule> rules =
                policy(c, ns, Tenants.EGRESS_POLICY).getSpec().getEgress();
        assertEgress(rules.get(1), "streams", "TCP/9092", "TCP/9093");
        assertEgress(rules.get(2), "queues", "TCP/5672", "TCP/15672");
        assertEgress(rules.get(3), "dns", "UDP/53", "TCP/53");
    }

    private static NetworkPolicy policy(KubernetesClient c, String ns, String name) {
        return c.network().v1().networkPolicies().inNamespace(ns).withName(name).get();
    }

    private static void assertEgress(NetworkPolicyEgressRule rule, String namespace, String... ports) {
        assertThat(rule.getTo()).hasSize(1);
        assertThat(namespaceOf(rule.getTo().get(0))).isEqualTo(namespace);
        assertThat(rule.getPorts()).extracting(TenantBundleTest::port).containsExactly(ports);
    }

    private static String namespaceOf(NetworkPolicyPeer peer) {
        assertThat(peer.getPodSelector()).isNull();
        assertThat(peer.getNamespaceSelector().getMatchLabels()).hasSize(1);
        return peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name");
    }

    private static String port(NetworkPolicyPort p) {
        return p.getProtocol() + "/" + p.getPort().getIntVal();
    }
}
