package dev.scaleplane.api.federation;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A propagation moved away from clusters past their toleration (or back, when rebalancing on return).
 *
 * @param propagation the propagation id
 * @param leaving clusters the propagation leaves (removed once the replacements are ready)
 * @param joining clusters it is newly applied to
 * @param decision the new placement with every cluster's reasons
 * @param at when it was decided
 * @param reason why, e.g. {@code par-1 Unknown since 10:42:03Z past toleration 300s}
 */
public record FailoverDecision(
        String propagation,
        List<String> leaving,
        List<String> joining,
        PlacementDecision decision,
        Instant at,
        String reason) {
    /** Validates and copies. */
    public FailoverDecision {
        Objects.requireNonNull(propagation, "propagation");
        leaving = List.copyOf(leaving);
        joining = List.copyOf(joining);
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
    }
}
