package dev.scaleplane.core.federation;

import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.ClusterVerdict;
import dev.scaleplane.api.federation.ReplicaBounds;
import dev.scaleplane.api.federation.SpreadConstraint;
import java.util.ArrayList;
import java.util.List;

/**
 * One cluster while a decision is being made: the working state the filters, the chooser and the divider share, and
 * from which the immutable {@link ClusterVerdict} is built at the end. Confined to one {@code decide} call.
 */
final class Candidate {

    /** {@link #fits} when the policy does not check capacity. */
    static final long FITS_UNKNOWN = -1;

    final ClusterState state;
    final String name;
    final ReplicaBounds bounds;
    /** Every check in evaluation order; then, for feasible clusters, why they were not chosen. */
    final List<String> reasons = new ArrayList<>(8);

    final List<ClusterVerdict.ScorePart> scoreParts = new ArrayList<>(3);

    /** Passed every filter. */
    boolean feasible;
    /** Replicas the available capacity fits, or {@link #FITS_UNKNOWN}. */
    long fits = FITS_UNKNOWN;

    double score;
    /** Division weight: the static weight, or the replicas it fits for dynamic division. */
    long weight;

    boolean chosen;
    /** A feasible candidate that is not chosen and already says why. */
    boolean explained;

    int replicas;

    /** Division scratch: replicas the cluster can still take above its minimum. */
    long room;
    /** Division scratch: the remainder of its proportional share, over the common denominator. */
    long remainder;

    Candidate(ClusterState state, ReplicaBounds bounds) {
        this.state = state;
        this.name = state.name();
        this.bounds = bounds;
    }

    String region() {
        return state.spec().region();
    }

    /** The zone; empty when the cluster has none. */
    String zone() {
        return state.spec().zone();
    }

    /** What a spread constraint of {@code topology} counts for this cluster; empty means nothing. */
    String value(SpreadConstraint.Topology topology) {
        return topology == SpreadConstraint.Topology.REGION ? region() : zone();
    }

    ClusterVerdict verdict() {
        return new ClusterVerdict(
                name,
                region(),
                zone(),
                chosen,
                chosen ? replicas : 0,
                feasible ? score : 0,
                feasible ? scoreParts : List.of(),
                reasons);
    }
}
