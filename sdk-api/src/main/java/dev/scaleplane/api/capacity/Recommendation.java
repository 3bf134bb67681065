package dev.scaleplane.api.capacity;

import dev.scaleplane.api.federation.Capacity;
import java.util.Objects;

/**
 * Something the planner recommends, with the reason in words and the numbers that decided it. Immutable.
 */
public sealed interface Recommendation
        permits Recommendation.AddNodes, Recommendation.RebalanceTenant, Recommendation.NearQuota {

    /** The region the recommendation is about. */
    String region();

    /** Why, with the numbers. */
    String reason();

    /** What to do, in a few words, e.g. "add 2 node(s) to par-1". */
    String action();

    /**
     * Add {@code nodes} nodes of {@code shape} to {@code cluster}: the region's required capacity exceeds what it has
     * allocatable. The count covers the resource that needs the most nodes ({@code binding}); the nodes go to the
     * region's cluster with the highest requested share of that resource.
     *
     * @param region the region
     * @param cluster the cluster to grow
     * @param nodes how many nodes, {@code >= 1}
     * @param shape the node shape
     * @param binding the resource that decided the count
     * @param reason why
     */
    record AddNodes(String region, String cluster, long nodes, Capacity shape, Resource binding, String reason)
            implements Recommendation {
        /** Validates. */
        public AddNodes {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(binding, "binding");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String action() {
            return "add " + nodes + " node(s) to " + cluster;
        }
    }

    /**
     * Move tenant {@code tenant} from the hot cluster {@code from} to the cold cluster {@code to} of the same residency
     * zone. A tenant's demand on a cluster is estimated by its quota's requests, the most it may request there.
     *
     * @param region the region of {@code from}
     * @param tenant the tenant's name
     * @param from the hot cluster
     * @param to the cold cluster
     * @param residency the residency zone both are in, empty if none
     * @param reason why
     */
    record RebalanceTenant(String region, String tenant, String from, String to, String residency, String reason)
            implements Recommendation {
        /** Validates. */
        public RebalanceTenant {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(residency, "residency");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String action() {
            return "move tenant " + tenant + " from " + from + " to " + to;
        }
    }

    /**
     * A cluster nears its quota of {@code resource}: what is requested there, or what its tenants' quotas allow them
     * to request there, is at least the near-full share of its allocatable amount.
     *
     * @param region the cluster's region
     * @param cluster the cluster
     * @param resource the resource
     * @param share requested (or committed) ÷ allocatable
     * @param basis which of the two reached the share
     * @param reason why
     */
    record NearQuota(String region, String cluster, Resource resource, double share, Basis basis, String reason)
            implements Recommendation {
        /** Validates. */
        public NearQuota {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(basis, "basis");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String action() {
            return cluster + " nears its " + resource.label() + " quota";
        }

        /** What a near-quota share was measured on. */
        public enum Basis {
            /** What the fleet has requested on the cluster. */
            REQUESTED,
            /** The sum of the quotas (requests) of the tenants placed on the cluster. */
            TENANT_QUOTAS
        }
    }
}
