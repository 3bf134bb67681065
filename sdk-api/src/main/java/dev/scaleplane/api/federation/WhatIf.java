package dev.scaleplane.api.federation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Hypothetical changes to the fleet for {@link Fleet#simulate(PlacementPolicy, WhatIf)}: "if Paris dies, where does
 * tenant X land?". Applied in order to a copy of the current snapshot; nothing real changes.
 *
 * <p>Immutable once built. Build with {@link #builder()}.
 *
 * @param changes the changes, in order
 */
public record WhatIf(List<Change> changes) {

    /** No change: simulate on the fleet as it is. */
    public static final WhatIf NONE = new WhatIf(List.of());

    /** One hypothetical change. */
    public sealed interface Change {
        /** The cluster changed. */
        String cluster();
    }

    /**
     * The cluster becomes unreachable ({@link ClusterHealth#UNKNOWN}) long enough that its {@code NO_EXECUTE}
     * taint applies.
     *
     * @param cluster the cluster
     */
    public record ClusterDown(String cluster) implements Change {}

    /**
     * The cluster is removed from the fleet.
     *
     * @param cluster the cluster
     */
    public record ClusterRemoved(String cluster) implements Change {}

    /**
     * A label is set, or removed when {@code value} is null.
     *
     * @param cluster the cluster
     * @param key the label key
     * @param value the new value, or null to remove it
     */
    public record LabelChanged(String cluster, String key, @Nullable String value) implements Change {}

    /**
     * The capacity (and the available capacity, to the same amount) becomes {@code capacity}.
     *
     * @param cluster the cluster
     * @param capacity the new capacity
     */
    public record CapacityChanged(String cluster, Capacity capacity) implements Change {}

    /**
     * A cluster joins, ready, with {@code capacity} all available.
     *
     * @param spec the new cluster
     * @param capacity its capacity
     */
    public record ClusterAdded(ClusterSpec spec, Capacity capacity) implements Change {
        @Override
        public String cluster() {
            return spec.name();
        }
    }

    /** Validates and copies. */
    public WhatIf {
        changes = List.copyOf(changes);
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link WhatIf}. Not thread-safe. */
    public static final class Builder {
        private final List<Change> changes = new ArrayList<>();

        private Builder() {}

        /** The cluster goes down. */
        public Builder clusterDown(String cluster) {
            changes.add(new ClusterDown(Objects.requireNonNull(cluster, "cluster")));
            return this;
        }

        /** The cluster is removed. */
        public Builder clusterRemoved(String cluster) {
            changes.add(new ClusterRemoved(Objects.requireNonNull(cluster, "cluster")));
            return this;
        }

        /** A label is set (or removed with a null value). */
        public Builder label(String cluster, String key, @Nullable String value) {
            changes.add(new LabelChanged(Objects.requireNonNull(cluster, "cluster"), key, value));
            return this;
        }

        /** The capacity changes. */
        public Builder capacity(String cluster, Capacity capacity) {
            changes.add(new CapacityChanged(
                    Objects.requireNonNull(cluster, "cluster"), Objects.requireNonNull(capacity, "capacity")));
            return this;
        }

        /** A cluster is added. */
        public Builder clusterAdded(ClusterSpec spec, Capacity capacity) {
            changes.add(new ClusterAdded(Objects.requireNonNull(spec, "spec"), Objects.requireNonNull(capacity)));
            return this;
        }

        /** Builds the what-if. */
        public WhatIf build() {
            return new WhatIf(changes);
        }
    }
}
