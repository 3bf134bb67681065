package dev.scaleplane.federation.kubernetes;

import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.federation.kubernetes.internal.KubernetesFleet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which replica works which cluster, when several replicas of a service share one fleet ({@link FleetHaConfig}).
 *
 * <h2>How ownership works</h2>
 *
 * Every replica holds a member Lease ({@code scaleplane-member-*}) on the management cluster and renews it every
 * renew period; the live members are those whose Lease has not expired. Each cluster belongs to the live member that
 * rendezvous hashing picks, so a member joining or leaving moves only its share. A replica works a cluster (health
 * probes, status watches, applies and drift repair) only while it holds that cluster's claim Lease
 * ({@code scaleplane-cluster-<name>}, holder = the replica's identity), taken and renewed with the Lease's
 * {@code resourceVersion} as a precondition, so two replicas can never both hold it.
 *
 * <p>Fencing: a holder stops working a cluster when it has not renewed the claim for {@code renew-deadline}; another
 * replica takes the claim only once {@code renewTime + leaseDurationSeconds} of the Lease record has passed, or the
 * holder released it. Because {@code renew-deadline < lease-duration}, the old owner has stopped before a new one
 * starts (given clocks that agree within the margin). A replica that hands a cluster over stops first and then
 * releases the claim. The leader (for fleet-wide duties, {@link #whileLeader}) is chosen the same way, on the claim
 * Lease {@code scaleplane-leader}.
 *
 * <p>Replicas that do not own a cluster still answer reads about it: health comes from its owner through the claim
 * Lease's annotations.
 *
 * <p>Thread-safe.
 */
public interface FleetOwnership {

    /**
     * The ownership of {@code fleet}, if it is a Kubernetes fleet with {@link FleetHaConfig#ENABLED} on.
     *
     * @param fleet the platform's fleet ({@code platform.federation()})
     */
    static Optional<FleetOwnership> of(Fleet fleet) {
        Objects.requireNonNull(fleet, "fleet");
        return fleet instanceof KubernetesFleet k ? k.ownership() : Optional.empty();
    }

    /** This replica's identity in the Leases. */
    String identity();

    /** The clusters this replica works now, sorted. */
    Set<String> owned();

    /** Whether this replica works {@code cluster} now. */
    boolean owns(String cluster);

    /** The live members as this replica last saw them, sorted. */
    List<String> members();

    /**
     * Every cluster's holder as the claim Leases say now (a fresh read from the management cluster); a cluster with
     * no holder maps to an empty string.
     *
     * @throws dev.scaleplane.api.ScaleplaneException naming the management cluster when it cannot be read
     */
    Map<String, String> owners();

    /** Whether this replica is the leader now. */
    boolean leader();

    /**
     * Runs {@code duty} every {@code period} while this replica is the leader (it is skipped on the others), on the
     * fleet's worker pool. A duty that throws is logged and runs again at the next period.
     *
     * @return closing it cancels the duty
     */
    AutoCloseable whileLeader(String name, Duration period, Runnable duty);

    /**
     * Adds a listener told when this replica starts and stops working a cluster. {@code started} is called after the
     * claim is held and before any work on the cluster; {@code stopped} after the work has stopped (probes cancelled,
     * watches closed, running applies finished) and before the claim is released. Called on the ownership thread;
     * keep them short.
     */
    void addListener(Listener listener);

    /** Told when this replica starts or stops working a cluster. Methods do nothing by default. */
    interface Listener {
        /** This replica starts working {@code cluster} at {@code at}. */
        default void started(String cluster, Instant at) {}

        /** This replica stopped working {@code cluster} at {@code at}; {@code why}: handed over, fenced, closing. */
        default void stopped(String cluster, Instant at, String why) {}
    }
}
