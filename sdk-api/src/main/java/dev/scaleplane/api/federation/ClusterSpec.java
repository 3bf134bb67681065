package dev.scaleplane.api.federation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What is registered about one cluster: its name, where it is (region, zone, residency zone), its labels and taints,
 * its capacity if declared (else discovered from its nodes), and how to reach it.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder(String)}; setters validate their argument and name the
 * field in the message. {@code toString()} never prints a credential.
 */
public final class ClusterSpec {
    private final String name;
    private final String region;
    private final String zone;
    private final String residency;
    private final Map<String, String> labels;
    private final List<Taint> taints;
    private final @Nullable Capacity capacity;
    private final ClusterCredentials credentials;

    private ClusterSpec(Builder b) {
        name = b.name;
        region = Objects.requireNonNull(b.region, () -> "cluster " + b.name + ": region is required");
        zone = b.zone;
        residency = b.residency;
        labels = Map.copyOf(b.labels);
        taints = List.copyOf(b.taints);
        capacity = b.capacity;
        credentials = Objects.requireNonNull(b.credentials, () -> "cluster " + b.name + ": credentials are required");
    }

    /** A builder for the cluster {@code name} (a DNS label such as {@code par-1}). */
    public static Builder builder(String name) {
        return new Builder(Names.dnsLabel(name, "cluster name"));
    }

    /** A builder starting from this spec. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The unique cluster name. */
    public String name() {
        return name;
    }

    /** The region, e.g. {@code eu-west} or {@code paris}. */
    public String region() {
        return region;
    }

    /** The zone within the region; empty if not given. */
    public String zone() {
        return zone;
    }

    /**
     * The data-residency zone, e.g. {@code EU}; empty if none. A placement that requires a residency never picks a
     * cluster of another one, failover included.
     */
    public String residency() {
        return residency;
    }

    /** The cluster's labels, matched by placement selectors. */
    public Map<String, String> labels() {
        return labels;
    }

    /** Taints given at registration (health adds its own, see {@link ClusterState#taints()}). */
    public List<Taint> taints() {
        return taints;
    }

    /** The declared capacity; empty to discover it from the cluster's nodes. */
    public Optional<Capacity> capacity() {
        return Optional.ofNullable(capacity);
    }

    /** How to reach the cluster. */
    public ClusterCredentials credentials() {
        return credentials;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterSpec c
                && name.equals(c.name)
                && region.equals(c.region)
                && zone.equals(c.zone)
                && residency.equals(c.residency)
                && labels.equals(c.labels)
                && taints.equals(c.taints)
                && Objects.equals(capacity, c.capacity)
                && credentials.equals(c.credentials);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, region, zone, residency, labels, taints, capacity, credentials);
    }

    @Override
    public String toString() {
        return "ClusterSpec{name=" + name + ", region=" + region + ", zone=" + zone + ", residency=" + residency
                + ", labels=" + labels + ", taints=" + taints + ", capacity=" + capacity + ", credentials="
                + credentials + '}';
    }

    /** Builds a {@link ClusterSpec}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private @Nullable String region;
        private String zone = "";
        private String residency = "";
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final List<Taint> taints = new ArrayList<>();
        private @Nullable Capacity capacity;
        private @Nullable ClusterCredentials credentials;

        private Builder(String name) {
            this.name = name;
        }

        private Builder(ClusterSpec s) {
            name = s.name;
            region = s.region;
            zone = s.zone;
            residency = s.residency;
            labels.putAll(s.labels);
            taints.addAll(s.taints);
            capacity = s.capacity;
            credentials = s.credentials;
        }

        /** The region (required), a label value such as {@code eu-west}. */
        public Builder region(String region) {
            this.region = Names.labelValue(Names.notBlank(region, "cluster " + name + ": region"), "region");
            return this;
        }

        /** The zone within the region. */
        public Builder zone(String zone) {
            this.zone = Names.labelValue(zone, "cluster " + name + ": zone");
            return this;
        }

        /** The residency zone, e.g. {@code EU}. */
        public Builder residency(String residency) {
            this.residency = Names.labelValue(residency, "cluster " + name + ": residency");
            return this;
        }

        /** Adds a label. */
        public Builder label(String key, String value) {
            labels.put(
                    Names.labelKey(key, "cluster " + name + ": label key"),
                    Names.labelValue(value, "cluster " + name + ": label " + key));
            return this;
        }

        /** Replaces every label. */
        public Builder labels(Map<String, String> labels) {
            Map<String, String> checked = Names.labels(labels, "cluster " + name + ": labels");
            this.labels.clear();
            this.labels.putAll(checked);
            return this;
        }

        /** Adds a taint. */
        public Builder taint(Taint taint) {
            taints.add(Objects.requireNonNull(taint, "taint"));
            return this;
        }

        /** Replaces every taint. */
        public Builder taints(List<Taint> taints) {
            this.taints.clear();
            taints.forEach(this::taint);
            return this;
        }

        /** Declares the capacity instead of discovering it from the nodes; null to discover. */
        public Builder capacity(@Nullable Capacity capacity) {
            this.capacity = capacity;
            return this;
        }

        /** How to reach the cluster (required). */
        public Builder credentials(ClusterCredentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /**
         * Builds the spec.
         *
         * @throws NullPointerException naming the cluster when the region or the credentials are missing
         */
        public ClusterSpec build() {
            return new ClusterSpec(this);
        }
    }
}
