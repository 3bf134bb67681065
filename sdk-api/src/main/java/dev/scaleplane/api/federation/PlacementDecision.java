package dev.scaleplane.api.federation;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The result of placement: a verdict for every cluster of the snapshot (chosen or rejected, with reasons), the
 * replicas per chosen cluster, and, when the policy cannot be met, why.
 *
 * <p>Immutable. Two decisions from equal policies and snapshots are equal: placement is a pure function.
 *
 * @param policy the policy decided
 * @param snapshotAt the instant of the fleet snapshot decided on
 * @param verdicts one per cluster of the snapshot, sorted by cluster name
 * @param failure why the policy cannot be met (no feasible cluster, a spread minimum not reached, replicas that do
 *     not fit the bounds); null when it is met
 */
public record PlacementDecision(
        PlacementPolicy policy, Instant snapshotAt, List<ClusterVerdict> verdicts, @Nullable String failure) {

    /** Validates and copies. */
    public PlacementDecision {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(snapshotAt, "snapshotAt");
        verdicts = List.copyOf(verdicts);
    }

    /** Whether the policy is met; {@link #failure()} says why not. */
    public boolean satisfied() {
        return failure == null;
    }

    /** The failure, if the policy is not met. */
    public Optional<String> failureReason() {
        return Optional.ofNullable(failure);
    }

    /** The chosen clusters' verdicts, by name. */
    public List<ClusterVerdict> chosen() {
        return verdicts.stream().filter(ClusterVerdict::chosen).toList();
    }

    /** The chosen cluster names, sorted. */
    public List<String> chosenNames() {
        return chosen().stream().map(ClusterVerdict::cluster).toList();
    }

    /** The rejected clusters' verdicts, by name. */
    public List<ClusterVerdict> rejected() {
        return verdicts.stream().filter(v -> !v.chosen()).toList();
    }

    /** Replicas per chosen cluster, by name (0 without replica scheduling). */
    public Map<String, Integer> replicas() {
        Map<String, Integer> m = new LinkedHashMap<>();
        chosen().forEach(v -> m.put(v.cluster(), v.replicas()));
        return m;
    }

    /** The verdict of {@code cluster}, if it was in the snapshot. */
    public Optional<ClusterVerdict> verdict(String cluster) {
        return verdicts.stream().filter(v -> v.cluster().equals(cluster)).findFirst();
    }

    /** A multi-line explanation: the policy, one line per cluster, and the failure if any. */
    public String explain() {
        return "placement " + policy + " at " + snapshotAt + (failure == null ? "" : "\n  FAILED: " + failure) + "\n"
                + verdicts.stream().map(v -> "  " + v).collect(Collectors.joining("\n"));
    }

    @Override
    public String toString() {
        return explain();
    }
}
