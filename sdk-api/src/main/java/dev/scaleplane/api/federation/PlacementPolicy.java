package dev.scaleplane.api.federation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Where a propagation may and should go. Filters (every one must pass): cluster names, a label selector, regions,
 * zones, the residency zone (a hard constraint that failover never breaks), taints not tolerated, health and
 * capacity. Then: spread constraints across regions or zones, pick all or the best N by score, and the division of
 * {@link #replicas()} among the chosen clusters with per-cluster bounds.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()}; the default picks every ready cluster with no
 * replica scheduling ({@code replicas = 0}).
 */
public final class PlacementPolicy {

    private final Set<String> clusterNames;
    private final LabelSelector selector;
    private final Set<String> regions;
    private final Set<String> zones;
    private final String residency;
    private final List<Toleration> tolerations;
    private final List<SpreadConstraint> spread;
    private final int pick;
    private final int replicas;
    private final ReplicaDivision division;
    private final @Nullable Capacity resourcesPerReplica;
    private final ReplicaBounds bounds;
    private final Map<String, ReplicaBounds> clusterBounds;

    private PlacementPolicy(Builder b) {
        clusterNames = Set.copyOf(b.clusterNames);
        selector = b.selector;
        regions = Set.copyOf(b.regions);
        zones = Set.copyOf(b.zones);
        residency = b.residency;
        tolerations = List.copyOf(b.tolerations);
        spread = List.copyOf(b.spread);
        pick = b.pick;
        replicas = b.replicas;
        division = b.division;
        resourcesPerReplica = b.resourcesPerReplica;
        bounds = b.bounds;
        clusterBounds = Map.copyOf(b.clusterBounds);
        if (division.kind() == ReplicaDivision.Kind.DYNAMIC_CAPACITY && resourcesPerReplica == null && replicas > 0) {
            throw new IllegalArgumentException(
                    "division dynamicByCapacity needs resourcesPerReplica(...) to know how many replicas fit");
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this policy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Allowed cluster names; empty allows any. */
    public Set<String> clusterNames() {
        return clusterNames;
    }

    /** Selector over cluster labels; {@link LabelSelector#everything()} by default. */
    public LabelSelector selector() {
        return selector;
    }

    /** Allowed regions; empty allows any. */
    public Set<String> regions() {
        return regions;
    }

    /** Allowed zones; empty allows any. */
    public Set<String> zones() {
        return zones;
    }

    /** Required residency zone (e.g. {@code EU}); empty for none. Hard: failover never leaves it. */
    public String residency() {
        return residency;
    }

    /** Taints this placement tolerates. */
    public List<Toleration> tolerations() {
        return tolerations;
    }

    /** Spread constraints. */
    public List<SpreadConstraint> spread() {
        return spread;
    }

    /** How many clusters to choose; 0 means every feasible cluster. */
    public int pick() {
        return pick;
    }

    /** Total replicas to divide (or to run on each cluster when duplicated); 0 when the objects have none. */
    public int replicas() {
        return replicas;
    }

    /** How replicas are divided. Default {@link ReplicaDivision#duplicated()}. */
    public ReplicaDivision division() {
        return division;
    }

    /** Resources one replica requests, for capacity filtering and dynamic division; empty when not checked. */
    public Optional<Capacity> resourcesPerReplica() {
        return Optional.ofNullable(resourcesPerReplica);
    }

    /** Bounds of every chosen cluster without its own. Default {@link ReplicaBounds#NONE}. */
    public ReplicaBounds bounds() {
        return bounds;
    }

    /** Bounds per cluster name. */
    public Map<String, ReplicaBounds> clusterBounds() {
        return clusterBounds;
    }

    /** The bounds that apply to {@code cluster}. */
    public ReplicaBounds boundsFor(String cluster) {
        return clusterBounds.getOrDefault(cluster, bounds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlacementPolicy p
                && clusterNames.equals(p.clusterNames)
                && selector.equals(p.selector)
                && regions.equals(p.regions)
                && zones.equals(p.zones)
                && residency.equals(p.residency)
                && tolerations.equals(p.tolerations)
                && spread.equals(p.spread)
                && pick == p.pick
                && replicas == p.replicas
                && division.equals(p.division)
                && Objects.equals(resourcesPerReplica, p.resourcesPerReplica)
                && bounds.equals(p.bounds)
                && clusterBounds.equals(p.clusterBounds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(clusterNames, selector, regions, zones, residency, pick, replicas, division);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("PlacementPolicy{");
        if (!clusterNames.isEmpty())
            sb.append("clusters=").append(new TreeSet<>(clusterNames)).append(", ");
        if (!selector.requirements().isEmpty())
            sb.append("selector='").append(selector).append("', ");
        if (!regions.isEmpty())
            sb.append("regions=").append(new TreeSet<>(regions)).append(", ");
        if (!zones.isEmpty()) sb.append("zones=").append(new TreeSet<>(zones)).append(", ");
        if (!residency.isEmpty()) sb.append("residency=").append(residency).append(", ");
        if (!tolerations.isEmpty())
            sb.append("tolerations=").append(tolerations).append(", ");
        if (!spread.isEmpty()) sb.append("spread=").append(spread).append(", ");
        sb.append("pick=").append(pick == 0 ? "all" : String.valueOf(pick));
        if (replicas > 0) {
            sb.append(", replicas=").append(replicas).append(", division=").append(division);
            if (resourcesPerReplica != null) sb.append(", perReplica=").append(resourcesPerReplica);
            if (!bounds.equals(ReplicaBounds.NONE)) sb.append(", bounds=").append(bounds);
            if (!clusterBounds.isEmpty()) sb.append(", clusterBounds=").append(new TreeMap<>(clusterBounds));
        }
        return sb.append('}').toString();
    }

    /** Builds a {@link PlacementPolicy}; setters validate and name the field. Not thread-safe. */
    public static final class Builder {
        private final Set<String> clusterNames = new TreeSet<>();
        private LabelSelector selector = LabelSelector.everything();
        private final Set<String> regions = new TreeSet<>();
        private final Set<String> zones = new TreeSet<>();
        private String residency = "";
        private final List<Toleration> tolerations = new ArrayList<>();
        private final List<SpreadConstraint> spread = new ArrayList<>();
        private int pick;
        private int replicas;
        private ReplicaDivision division = ReplicaDivision.duplicated();
        private @Nullable Capacity resourcesPerReplica;
        private ReplicaBounds bounds = ReplicaBounds.NONE;
        private final Map<String, ReplicaBounds> clusterBounds = new TreeMap<>();

        private Builder() {}

        private Builder(PlacementPolicy p) {
            clusterNames.addAll(p.clusterNames);
            selector = p.selector;
            regions.addAll(p.regions);
            zones.addAll(p.zones);
            residency = p.residency;
            tolerations.addAll(p.tolerations);
            spread.addAll(p.spread);
            pick = p.pick;
            replicas = p.replicas;
            division = p.division;
            resourcesPerReplica = p.resourcesPerReplica;
            bounds = p.bounds;
            clusterBounds.putAll(p.clusterBounds);
        }

        /** Only these clusters. */
        public Builder clusters(String... names) {
            for (String n : names) {
                clusterNames.add(Names.dnsLabel(n, "placement cluster name"));
            }
            return this;
        }

        /** Only clusters whose labels match {@code selector}. */
        public Builder selector(LabelSelector selector) {
            this.selector = Objects.requireNonNull(selector, "selector");
            return this;
        }

        /**
         * Only clusters whose labels match the selector text.
         *
         * @throws InvalidSelectorException if the text does not parse
         */
        public Builder selector(String selector) {
            return selector(LabelSelector.parse(selector));
        }

        /** Only clusters in these regions. */
        public Builder regions(String... regions) {
            for (String r : regions) {
                this.regions.add(Names.notBlank(r, "placement region"));
            }
            return this;
        }

        /** Only clusters in these zones. */
        public Builder zones(String... zones) {
            for (String z : zones) {
                this.zones.add(Names.notBlank(z, "placement zone"));
            }
            return this;
        }

        /** Only clusters of this residency zone, e.g. {@code EU}; kept through failover. */
        public Builder residency(String residency) {
            this.residency = Names.notBlank(residency, "placement residency");
            return this;
        }

        /** Tolerates a taint. */
        public Builder tolerate(Toleration toleration) {
            tolerations.add(Objects.requireNonNull(toleration, "toleration"));
            return this;
        }

        /** Adds a spread constraint. */
        public Builder spread(SpreadConstraint constraint) {
            spread.add(Objects.requireNonNull(constraint, "constraint"));
            return this;
        }

        /** Choose every feasible cluster (the default). */
        public Builder pickAll() {
            pick = 0;
            return this;
        }

        /** Choose the best {@code n} feasible clusters by score. */
        public Builder pick(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("pick must be >= 1 (or pickAll()), but was " + n);
            }
            pick = n;
            return this;
        }

        /** Total replicas; 0 when the objects have none. */
        public Builder replicas(int replicas) {
            if (replicas < 0) {
                throw new IllegalArgumentException("replicas must be >= 0, but was " + replicas);
            }
            this.replicas = replicas;
            return this;
        }

        /** How replicas are divided. */
        public Builder division(ReplicaDivision division) {
            this.division = Objects.requireNonNull(division, "division");
            return this;
        }

        /** Resources one replica requests. */
        public Builder resourcesPerReplica(Capacity perReplica) {
            this.resourcesPerReplica = Objects.requireNonNull(perReplica, "perReplica");
            return this;
        }

        /** Bounds of every chosen cluster. */
        public Builder replicaBounds(int min, int max) {
            bounds = new ReplicaBounds(min, max);
            return this;
        }

        /** Bounds of one cluster. */
        public Builder replicaBounds(String cluster, int min, int max) {
            clusterBounds.put(Names.dnsLabel(cluster, "bounds cluster name"), new ReplicaBounds(min, max));
            return this;
        }

        /**
         * Builds the policy.
         *
         * @throws IllegalArgumentException if dynamic division has no per-replica resources
         */
        public PlacementPolicy build() {
            return new PlacementPolicy(this);
        }
    }
}
