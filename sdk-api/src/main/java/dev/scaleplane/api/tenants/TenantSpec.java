package dev.scaleplane.api.tenants;

import dev.scaleplane.api.federation.PlacementPolicy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a tenant gets: its owner, where its namespace goes (a {@link PlacementPolicy}, residency included), the
 * ResourceQuota, the container defaults of the LimitRange, the namespaces its NetworkPolicies open, and the share of a
 * quota at which the quota watch reports {@code ResourceQuotaExceeded}.
 *
 * <p>Defaults: placement on every ready cluster; {@link TenantQuota#defaults()}; {@link ContainerDefaults#defaults()};
 * platform namespaces {@value #DEFAULT_PLATFORM_NAMESPACE}, {@code ingress-nginx} and {@code monitoring} (ingress is
 * allowed from them); Kafka namespace {@value #DEFAULT_KAFKA_NAMESPACE}; RabbitMQ namespace
 * {@value #DEFAULT_RABBITMQ_NAMESPACE}; DNS in {@value #DEFAULT_DNS_NAMESPACE}; quota alert share {@code 1.0} (100 %).
 *
 * <p>Immutable. Build with {@link #builder(String)}.
 */
public final class TenantSpec {
    /** The first default platform namespace: {@value}. */
    public static final String DEFAULT_PLATFORM_NAMESPACE = "scaleplane-system";
    /** Default platform namespaces, from which ingress is allowed. */
    public static final List<String> DEFAULT_PLATFORM_NAMESPACES =
            List.of(DEFAULT_PLATFORM_NAMESPACE, "ingress-nginx", "monitoring");
    /** Default Kafka namespace: {@value}. */
    public static final String DEFAULT_KAFKA_NAMESPACE = "kafka";
    /** Default RabbitMQ namespace: {@value}. */
    public static final String DEFAULT_RABBITMQ_NAMESPACE = "rabbitmq";
    /** Default namespace of the cluster DNS: {@value}. */
    public static final String DEFAULT_DNS_NAMESPACE = "kube-system";
    /** Default share of a hard quota at which the quota watch reports: {@value} (100 %). */
    public static final double DEFAULT_QUOTA_ALERT_SHARE = 1.0;

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    private final String owner;
    private final PlacementPolicy placement;
    private final TenantQuota quota;
    private final ContainerDefaults containerDefaults;
    private final List<String> platformNamespaces;
    private final String kafkaNamespace;
    private final String rabbitmqNamespace;
    private final String dnsNamespace;
    private final double quotaAlertShare;

    private TenantSpec(Builder b) {
        owner = b.owner;
        placement = b.placement;
        quota = b.quota;
        containerDefaults = b.containerDefaults;
        platformNamespaces = List.copyOf(b.platformNamespaces);
        kafkaNamespace = b.kafkaNamespace;
        rabbitmqNamespace = b.rabbitmqNamespace;
        dnsNamespace = b.dnsNamespace;
        quotaAlertShare = b.quotaAlertShare;
    }

    /**
     * A builder with every default, for a tenant owned by {@code owner}.
     *
     * @param owner who owns the tenant, put on the namespace as a label value (1-63 of A-Z a-z 0-9 - _ ., starting
     *     and ending alphanumeric), e.g. {@code team-payments}
     * @throws InvalidTenantException if {@code owner} is not a label value
     */
    public static Builder builder(String owner) {
        return new Builder(owner);
    }

    /** A builder starting from this spec. */
    public Builder toBuilder() {
        Builder b = new Builder(owner);
        b.placement = placement;
        b.quota = quota;
        b.containerDefaults = containerDefaults;
        b.platformNamespaces.clear();
        b.platformNamespaces.addAll(platformNamespaces);
        b.kafkaNamespace = kafkaNamespace;
        b.rabbitmqNamespace = rabbitmqNamespace;
        b.dnsNamespace = dnsNamespace;
        b.quotaAlertShare = quotaAlertShare;
        return b;
    }

    /** The owner, a label value. */
    public String owner() {
        return owner;
    }

    /** Where the tenant's namespace goes. */
    public PlacementPolicy placement() {
        return placement;
    }

    /** The ResourceQuota. */
    public TenantQuota quota() {
        return quota;
    }

    /** The LimitRange's container defaults. */
    public ContainerDefaults containerDefaults() {
        return containerDefaults;
    }

    /** Namespaces from which ingress into the tenant's namespace is allowed, in order. */
    public List<String> platformNamespaces() {
        return platformNamespaces;
    }

    /** The namespace egress may reach on the Kafka ports 9092 and 9093. */
    public String kafkaNamespace() {
        return kafkaNamespace;
    }

    /** The namespace egress may reach on the RabbitMQ ports 5672 and 15672. */
    public String rabbitmqNamespace() {
        return rabbitmqNamespace;
    }

    /** The namespace of the cluster DNS, reachable on port 53 (UDP and TCP). */
    public String dnsNamespace() {
        return dnsNamespace;
    }

    /** The share of a hard quota (0 exclusive to 1 inclusive) at which {@code ResourceQuotaExceeded} is reported. */
    public double quotaAlertShare() {
        return quotaAlertShare;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TenantSpec s
                && owner.equals(s.owner)
                && placement.toString().equals(s.placement.toString())
                && quota.equals(s.quota)
                && containerDefaults.equals(s.containerDefaults)
                && platformNamespaces.equals(s.platformNamespaces)
                && kafkaNamespace.equals(s.kafkaNamespace)
                && rabbitmqNamespace.equals(s.rabbitmqNamespace)
                && dnsNamespace.equals(s.dnsNamespace)
                && quotaAlertShare == s.quotaAlertShare;
    }

    @Override
    public int hashCode() {
        return Objects.hash(owner, quota, containerDefaults, platformNamespaces, kafkaNamespace, rabbitmqNamespace);
    }

    @Override
    public String toString() {
        return "TenantSpec{owner=" + owner + ", placement=" + placement + ", quota=" + quota + ", "
                + containerDefaults + ", platformNamespaces=" + platformNamespaces + ", kafka=" + kafkaNamespace
                + ", rabbitmq=" + rabbitmqNamespace + ", dns=" + dnsNamespace + ", quotaAlertShare="
                + quotaAlertShare + '}';
    }

    /** Builds a {@link TenantSpec}. Not thread-safe. */
    public static final class Builder {
        private final String owner;
        private PlacementPolicy placement = PlacementPolicy.builder().build();
        private TenantQuota quota = TenantQuota.defaults();
        private ContainerDefaults containerDefaults = ContainerDefaults.defaults();
        private final List<String> platformNamespaces = new ArrayList<>(DEFAULT_PLATFORM_NAMESPACES);
        private String kafkaNamespace = DEFAULT_KAFKA_NAMESPACE;
        private String rabbitmqNamespace = DEFAULT_RABBITMQ_NAMESPACE;
        private String dnsNamespace = DEFAULT_DNS_NAMESPACE;
        private double quotaAlertShare = DEFAULT_QUOTA_ALERT_SHARE;

        private Builder(String owner) {
            if (owner == null || !LABEL_VALUE.matcher(owner).matches()) {
                throw new InvalidTenantException(
                        "owner",
                        owner,
                        "the owner becomes a label value: 1-63 of A-Z a-z 0-9 - _ ., starting and ending with a"
                                + " letter or digit, such as team-payments (an e-mail address is not one)");
            }
            this.owner = owner;
        }

        /** Where the tenant's namespace goes; default every ready cluster. Residency is a hard constraint. */
        public Builder placement(PlacementPolicy placement) {
            this.placement = Objects.requireNonNull(placement, "placement");
            return this;
        }

        /** The ResourceQuota; default {@link TenantQuota#defaults()}. */
        public Builder quota(TenantQuota quota) {
            this.quota = Objects.requireNonNull(quota, "quota");
            return this;
        }

        /** The LimitRange's container defaults; default {@link ContainerDefaults#defaults()}. */
        public Builder containerDefaults(ContainerDefaults defaults) {
            this.containerDefaults = Objects.requireNonNull(defaults, "defaults");
            return this;
        }

        /**
         * Replaces the platform namespaces (ingress allowed from them); default {@link #DEFAULT_PLATFORM_NAMESPACES}.
         *
         * @throws InvalidTenantException if one is not a DNS label
         */
        public Builder platformNamespaces(List<String> namespaces) {
            Objects.requireNonNull(namespaces, "namespaces");
            LinkedHashSet<String> checked = new LinkedHashSet<>();
            for (String n : namespaces) {
                checked.add(namespace("platformNamespaces", n));
            }
            platformNamespaces.clear();
            platformNamespaces.addAll(checked);
            return this;
        }

        /**
         * The Kafka namespace; default {@value #DEFAULT_KAFKA_NAMESPACE}.
         *
         * @throws InvalidTenantException if it is not a DNS label
         */
        public Builder kafkaNamespace(String namespace) {
            this.kafkaNamespace = namespace("kafkaNamespace", namespace);
            return this;
        }

        /**
         * The RabbitMQ namespace; default {@value #DEFAULT_RABBITMQ_NAMESPACE}.
         *
         * @throws InvalidTenantException if it is not a DNS label
         */
        public Builder rabbitmqNamespace(String namespace) {
            this.rabbitmqNamespace = namespace("rabbitmqNamespace", namespace);
            return this;
        }

        /**
         * The cluster DNS namespace; default {@value #DEFAULT_DNS_NAMESPACE}.
         *
         * @throws InvalidTenantException if it is not a DNS label
         */
        public Builder dnsNamespace(String namespace) {
            this.dnsNamespace = namespace("dnsNamespace", namespace);
            return this;
        }

        /**
         * The share of a hard quota at which the quota watch reports; default {@value #DEFAULT_QUOTA_ALERT_SHARE}.
         *
         * @throws InvalidTenantException unless {@code 0 < share <= 1}
         */
        public Builder quotaAlertShare(double share) {
            if (!(share > 0.0 && share <= 1.0)) {
                throw new InvalidTenantException(
                        "quotaAlertShare", String.valueOf(share), "a share above 0 and at most 1, such as 0.8");
            }
            this.quotaAlertShare = share;
            return this;
        }

        /** Builds the spec. */
        public TenantSpec build() {
            return new TenantSpec(this);
        }

        private static String namespace(String field, String value) {
            if (value == null || !DNS_LABEL.matcher(value).matches()) {
                throw new InvalidTenantException(
                        field, value, "a namespace name: a DNS label of 1-63 of a-z 0-9 -, such as kafka");
            }
            return value;
        }
    }
}
