package dev.scaleplane.federation.kubernetes.tenants.internal;

import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.tenants.ContainerDefaults;
import dev.scaleplane.api.tenants.TenantQuota;
import dev.scaleplane.api.tenants.TenantSpec;
import dev.scaleplane.api.tenants.Tenants;
import dev.scaleplane.federation.kubernetes.KubernetesManifests;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Renders a tenant's bundle: the objects every chosen cluster gets, in apply order (the namespace first, so that the
 * namespace-scoped objects have a home; deletion runs in the reverse order, so the namespace goes last). A pure
 * function of the name and the spec. See {@link Tenants} for what each object holds.
 *
 * <p>Thread-safe.
 */
public final class TenantBundle {
    /** The label Kubernetes (1.21+) puts on every namespace with its name; the policies select namespaces by it. */
    static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    /**
     * Annotation on the namespace with the spec's quota alert share: the one part of a spec no object of the bundle
     * holds, so that a restarted process reads the whole spec back from the fleet's record.
     */
    public static final String ALERT_SHARE_ANNOTATION = "scaleplane.dev/quota-alert-share";

    /** Verbs of the tenant's Role: create, read (get, list, watch), update (update, patch) and delete. */
    static final List<String> VERBS = List.of("create", "get", "list", "watch", "update", "patch", "delete");

    private TenantBundle() {}

    /** The namespace of tenant {@code name}. */
    public static String namespace(String name) {
        return Tenants.NAMESPACE_PREFIX + name;
    }

    /** The bundle of tenant {@code name}, in apply order. */
    public static List<Manifest> render(String name, TenantSpec spec) {
        String ns = namespace(name);
        List<Manifest> out = new ArrayList<>();
        Map<String, String> nsLabels = new LinkedHashMap<>();
        nsLabels.put(Tenants.TENANT_LABEL, name);
        nsLabels.put(Tenants.OWNER_LABEL, spec.owner());
        nsLabels.put(NAMESPACE_NAME_LABEL, ns);
        out.add(KubernetesManifests.of(new NamespaceBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(ns)
                        .withLabels(nsLabels)
                        .withAnnotations(Map.of(ALERT_SHARE_ANNOTATION, String.valueOf(spec.quotaAlertShare())))
                        .build())
                .build()));
        Map<String, Quantity> hard = new LinkedHashMap<>();
        spec.quota().hard().forEach((k, v) -> hard.put(k, new Quantity(v)));
        out.add(KubernetesManifests.of(new ResourceQuotaBuilder()
                .withMetadata(meta(name, Tenants.QUOTA_NAME))
                .withNewSpec()
                .withHard(hard)
                .endSpec()
                .build()));
        ContainerDefaults d = spec.containerDefaults();
        out.add(KubernetesManifests.of(new LimitRangeBuilder()
                .withMetadata(meta(name, Tenants.LIMIT_RANGE_NAME))
                .withNewSpec()
                .addNewLimit()
                .withType("Container")
                .withDefaultRequest(quantities(d.requestCpu(), d.requestMemory()))
                .withDefault(quantities(d.limitCpu(), d.limitMemory()))
                .endLimit()
                .endSpec()
                .build()));
        out.addAll(networkPolicies(name, spec));
        out.add(KubernetesManifests.of(new ServiceAccountBuilder()
                .withMetadata(meta(name, Tenants.SERVICE_ACCOUNT))
                .build()));
        out.add(KubernetesManifests.of(new RoleBuilder()
                .withMetadata(meta(name, Tenants.ROLE_NAME))
                .addToRules(new PolicyRuleBuilder()
                        .withApiGroups("")
                        .withResources("pods", "services", "configmaps", "secrets")
                        .withVerbs(VERBS)
                        .build())
                .addToRules(new PolicyRuleBuilder()
                        .withApiGroups("camel.apache.org")
                        .withResources("integrations")
                        .withVerbs(VERBS)
                        .build())
                .build()));
        out.add(KubernetesManifests.of(new RoleBindingBuilder()
                .withMetadata(meta(name, Tenants.ROLE_NAME))
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(Tenants.SERVICE_ACCOUNT)
                .withNamespace(ns)
                .endSubject()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role")
                .withName(Tenants.ROLE_NAME)
                .endRoleRef()
                .build()));
        return out;
    }

    /**
     * The tenant a propagation's objects are the bundle of, read back from them: the inverse of {@link #render}, for
     * a process that restarts and finds its tenants' propagations restored by the fleet.
     *
     * @return the tenant's name and spec, or null when the objects are not a tenant bundle
     */
    @SuppressWarnings("unchecked")
    public static Map.@Nullable Entry<String, TenantSpec> decode(List<Manifest> objects, PlacementPolicy placement) {
        if (objects.size() != 9 || !objects.get(0).kind().equals("Namespace")) {
            return null;
        }
        Map<String, Object> nsMeta = map(objects.get(0).tree().get("metadata"));
        Map<String, Object> labels = map(nsMeta.get("labels"));
        Object tenant = labels.get(Tenants.TENANT_LABEL);
        Object owner = labels.get(Tenants.OWNER_LABEL);
        if (!(tenant instanceof String name) || !(owner instanceof String)) {
            return null;
        }
        TenantSpec.Builder b = TenantSpec.builder((String) owner).placement(placement);
        Object share = map(nsMeta.get("annotations")).get(ALERT_SHARE_ANNOTATION);
        if (share instanceof String text) {
            b.quotaAlertShare(Double.parseDouble(text));
        }
        Map<String, Object> hard = map(map(objects.get(1).tree().get("spec")).get("hard"));
        b.quota(TenantQuota.builder()
                .requestsCpu(String.valueOf(hard.get("requests.cpu")))
                .requestsMemory(String.valueOf(hard.get("requests.memory")))
                .limitsCpu(String.valueOf(hard.get("limits.cpu")))
                .limitsMemory(String.valueOf(hard.get("limits.memory")))
                .persistentVolumeClaims(Integer.parseInt(String.valueOf(hard.get("persistentvolumeclaims"))))
                .services(Integer.parseInt(String.valueOf(hard.get("services"))))
                .pods(Integer.parseInt(String.valueOf(hard.get("pods"))))
                .build());
        Map<String, Object> item =
                map(((List<Object>) map(objects.get(2).tree().get("spec")).get("limits")).get(0));
        Map<String, Object> request = map(item.get("defaultRequest"));
        Map<String, Object> limit = map(item.get("default"));
        b.containerDefaults(ContainerDefaults.builder()
                .requestCpu(String.valueOf(request.get("cpu")))
                .requestMemory(String.valueOf(request.get("memory")))
                .limitCpu(String.valueOf(limit.get("cpu")))
                .limitMemory(String.valueOf(limit.get("memory")))
                .build());
        List<Object> from = (List<Object>)
                map(((List<Object>) map(objects.get(4).tree().get("spec")).get("ingress")).get(0))
                        .get("from");
        List<String> platform = new ArrayList<>();
        for (Object peer : from.subList(1, from.size())) {
            platform.add(peerNamespace(peer));
        }
        b.platformNamespaces(platform);
        List<Object> egress =
                (List<Object>) map(objects.get(5).tree().get("spec")).get("egress");
        b.kafkaNamespace(peerNamespace(((List<Object>) map(egress.get(1)).get("to")).get(0)));
        b.rabbitmqNamespace(peerNamespace(((List<Object>) map(egress.get(2)).get("to")).get(0)));
        b.dnsNamespace(peerNamespace(((List<Object>) map(egress.get(3)).get("to")).get(0)));
        return Map.entry(name, b.build());
    }

    private static String peerNamespace(Object peer) {
        return String.valueOf(
                map(map(map(peer).get("namespaceSelector")).get("matchLabels")).get(NAMESPACE_NAME_LABEL));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(@Nullable Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<Manifest> networkPolicies(String name, TenantSpec spec) {
        LabelSelector allPods = new LabelSelector();
        List<Manifest> out = new ArrayList<>();
        // Deny everything first; the two policies below are the only openings (policies are additive).
        out.add(KubernetesManifests.of(new NetworkPolicyBuilder()
                .withMetadata(meta(name, Tenants.DENY_ALL_POLICY))
                .withNewSpec()
                .withPodSelector(allPods)
                .withPolicyTypes("Ingress", "Egress")
                .endSpec()
                .build()));
        List<NetworkPolicyPeer> from = new ArrayList<>();
        from.add(new NetworkPolicyPeerBuilder().withPodSelector(allPods).build());
        for (String platform : spec.platformNamespaces()) {
            from.add(namespacePeer(platform));
        }
        out.add(KubernetesManifests.of(new NetworkPolicyBuilder()
                .withMetadata(meta(name, Tenants.INGRESS_POLICY))
                .withNewSpec()
                .withPodSelector(allPods)
                .withPolicyTypes("Ingress")
                .withIngress(
                        new NetworkPolicyIngressRuleBuilder().withFrom(from).build())
                .endSpec()
                .build()));
        List<NetworkPolicyEgressRule> egress = new ArrayList<>();
        // Pods of the namespace must reach each other, or the ingress allowed from the same namespace would be moot.
        egress.add(new NetworkPolicyEgressRuleBuilder()
                .withTo(new NetworkPolicyPeerBuilder().withPodSelector(allPods).build())
                .build());
        egress.add(egressTo(spec.kafkaNamespace(), port("TCP", 9092), port("TCP", 9093)));
        egress.add(egressTo(spec.rabbitmqNamespace(), port("TCP", 5672), port("TCP", 15672)));
        egress.add(egressTo(spec.dnsNamespace(), port("UDP", 53), port("TCP", 53)));
        // HTTPS to any destination; other tenants' namespaces admit no ingress from here, so 443 does not open them.
        egress.add(
                new NetworkPolicyEgressRuleBuilder().withPorts(port("TCP", 443)).build());
        out.add(KubernetesManifests.of(new NetworkPolicyBuilder()
                .withMetadata(meta(name, Tenants.EGRESS_POLICY))
                .withNewSpec()
                .withPodSelector(allPods)
                .withPolicyTypes("Egress")
                .withEgress(egress)
                .endSpec()
                .build()));
        return out;
    }

    private static NetworkPolicyEgressRule egressTo(String namespace, NetworkPolicyPort... ports) {
        return new NetworkPolicyEgressRuleBuilder()
                .withTo(namespacePeer(namespace))
                .withPorts(ports)
                .build();
    }

    private static NetworkPolicyPeer namespacePeer(String namespace) {
        return new NetworkPolicyPeerBuilder()
                .withNamespaceSelector(new LabelSelectorBuilder()
                        .withMatchLabels(Map.of(NAMESPACE_NAME_LABEL, namespace))
                        .build())
                .build();
    }

    private static NetworkPolicyPort port(String protocol, int port) {
        return new NetworkPolicyPortBuilder()
                .withProtocol(protocol)
                .withPort(new IntOrString(port))
                .build();
    }

    private static Map<String, Quantity> quantities(String cpu, String memory) {
        Map<String, Quantity> m = new LinkedHashMap<>();
        m.put("cpu", new Quantity(cpu));
        m.put("memory", new Quantity(memory));
        return m;
    }

    private static ObjectMeta meta(String tenant, String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(namespace(tenant))
                .withLabels(Map.of(Tenants.TENANT_LABEL, tenant))
                .build();
    }
}
