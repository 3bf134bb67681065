package dev.scaleplane.api.federation;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What placement decided about one cluster, and why: chosen with its score parts and replicas, or rejected with
 * each reason. {@link #toString()} is the one-line explanation, e.g.
 * {@code par-1 rejected: residency EU ok; NotReady since 10:42:03Z; capacity fits 2 < 5 replicas}.
 *
 * @param cluster the cluster name
 * @param region its region
 * @param zone its zone (may be empty)
 * @param chosen whether it was chosen
 * @param replicas replicas given to it (0 when rejected or without replica scheduling)
 * @param score the total score; higher is preferred (0 when rejected by a filter)
 * @param scoreParts the parts of the score, in the order they were added
 * @param reasons every check, passed ({@code ... ok}) or failed, in evaluation order
 */
public record ClusterVerdict(
        String cluster,
        String region,
        String zone,
        boolean chosen,
        int replicas,
        double score,
        List<ScorePart> scoreParts,
        List<String> reasons) {

    /**
     * One part of a cluster's score.
     *
     * @param name what it measures, e.g. {@code capacity} or {@code taint-preference}
     * @param value its contribution
     */
    public record ScorePart(String name, double value) {
        /** Validates the name. */
        public ScorePart {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return name + "=" + String.format(Locale.ROOT, "%.2f", value);
        }
    }

    /** Validates and copies. */
    public ClusterVerdict {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(zone, "zone");
        scoreParts = List.copyOf(scoreParts);
        reasons = List.copyOf(reasons);
    }

    @Override
    public String toString() {
        String head = cluster + (chosen ? " chosen" : " rejected") + ": ";
        String body = String.join("; ", reasons);
        if (chosen) {
            // A chosen cluster may have no reason (nothing in the policy to check): no leading "; " then.
            body += (body.isEmpty() ? "" : "; ") + "score " + String.format(Locale.ROOT, "%.2f", score)
                    + (scoreParts.isEmpty()
                            ? ""
                            : " ("
                                    + scoreParts.stream()
                                            .map(ScorePart::toString)
                                            .collect(Collectors.joining(", ")) + ")")
                    + (replicas > 0 ? "; replicas " + replicas : "");
        }
        return head + body;
    }
}
