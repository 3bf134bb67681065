package dev.scaleplane.core.internal.scaling;

import dev.scaleplane.api.orchestration.scaling.ScalingDecision.Reason;
import dev.scaleplane.api.orchestration.scaling.ScalingPolicy;
import dev.scaleplane.api.orchestration.scaling.ScalingRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The Kubernetes HPA's {@code behavior} algorithm for one pool, on the caller's clock: the recommendations of the
 * stabilization windows and the changes made within the limits' periods, and the decision they lead to.
 *
 * <p>It follows the HPA controller ({@code normalizeDesiredReplicasWithBehaviors}) step by step, so a user who knows the
 * HPA can predict it: a sample or change counts while its time is strictly after {@code now - window} (or {@code -
 * period}); the stabilized count is the current one raised to the lowest recommendation of the up window and lowered
 * to the highest of the down window; the limits count from the number of workers at the start of their period (the
 * current count less the changes within it); percent rounds up when scaling up and down when scaling down. Unlike the
 * HPA it bounds the recommendation by min and max before stabilizing, which gives the same counts (clamping commutes
 * with min and max) and clearer reasons.
 *
 * <p>Not thread-safe: the autoscaler calls it under its own lock.
 */
public final class ScalingBehavior {
    private final ScalingPolicy policy;
    private final Duration sampleHorizon;
    private final Duration changeHorizon;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final ArrayDeque<Change> changes = new ArrayDeque<>();

    /** Behaviour by {@code policy}, with no history. */
    public ScalingBehavior(ScalingPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        ScalingRules up = policy.scaleUp();
        ScalingRules down = policy.scaleDown();
        this.sampleHorizon = max(up.stabilizationWindow(), down.stabilizationWindow());
        Duration longest = Duration.ZERO;
        for (ScalingRules rules : new ScalingRules[] {up, down}) {
            for (ScalingRules.Limit limit : rules.limits()) {
                longest = max(longest, limit.period());
            }
        }
        this.changeHorizon = longest;
    }

    /**
     * What a decision comes to.
     *
     * @param recommended the recommendation bounded by min and max
     * @param stabilized after the windows
     * @param desired after the limits
     * @param reason why
     * @param message the reason in words
     */
    public record Outcome(int recommended, int stabilized, int desired, Reason reason, String message) {}

    /**
     * Decides the count at {@code now} and records the recommendation in the windows' history. The change itself is
     * recorded by {@link #changed(Instant, int)} once the actuator accepted it.
     *
     * @param now the decision's time, never before an earlier call's
     * @param current the pool's workers now
     * @param raw the largest metric recommendation, unbounded; empty if no metric had input
     */
    public Outcome decide(Instant now, int current, OptionalInt raw) {
        int min = policy.minWorkers();
        int max = policy.maxWorkers();
        if (raw.isEmpty()) {
            return new Outcome(
                    current,
                    current,
                    current,
                    Reason.METRICS_UNAVAILABLE,
                    "no metric had input; keeping " + current + " workers");
        }
        int rec = Math.max(min, Math.min(max, raw.getAsInt()));
        if (current < min) {
            return new Outcome(rec, min, min, Reason.BELOW_MIN, current + " workers is below the minimum " + min);
        }
        if (current > max) {
            return new Outcome(rec, max, max, Reason.ABOVE_MAX, current + " workers is above the maximum " + max);
        }

        int upBound = rec;
        int downBound = rec;
        Instant upCutoff = now.minus(policy.scaleUp().stabilizationWindow());
        Instant downCutoff = now.minus(policy.scaleDown().stabilizationWindow());
        for (Sample s : samples) {
            if (s.at.isAfter(upCutoff)) {
                upBound = Math.min(upBound, s.workers);
            }
            if (s.at.isAfter(downCutoff)) {
                downBound = Math.max(downBound, s.workers);
            }
        }
        int stabilized = current;
        if (stabilized < upBound) {
            stabilized = upBound;
        }
        if (stabilized > downBound) {
            stabilized = downBound;
        }
        samples.addLast(new Sample(now, rec));
        prune(now);

        int desired = stabilized;
        String limitNote = "";
        if (stabilized > current) {
            int limit = Math.max(current, limit(now, current, true));
            desired = Math.min(stabilized, Math.min(max, limit));
            limitNote = "; the scale-up limits allow " + limit;
        } else if (stabilized < current) {
            int limit = Math.min(current, limit(now, current, false));
            desired = Math.max(stabilized, Math.max(min, limit));
            limitNote = "; the scale-down limits allow " + limit;
        }

        Reason reason;
        if (desired == current) {
            if (rec != current) {
                reason = stabilized == current ? Reason.STABILIZING : Reason.RATE_LIMITED;
            } else if (raw.getAsInt() > max) {
                reason = Reason.AT_MAX;
            } else if (raw.getAsInt() < min) {
                reason = Reason.AT_MIN;
            } else {
                reason = Reason.WITHIN_TARGET;
            }
        } else if (desired > current) {
            reason = desired < stabilized ? Reason.SCALE_UP_LIMITED : Reason.SCALE_UP;
        } else {
            reason = desired > stabilized ? Reason.SCALE_DOWN_LIMITED : Reason.SCALE_DOWN;
        }
        String message = "metrics recommend " + raw.getAsInt() + " (" + rec + " within " + min + ".." + max
                + "); the windows (up " + policy.scaleUp().stabilizationWindow().toSeconds() + " s, down "
                + policy.scaleDown().stabilizationWindow().toSeconds() + " s) allow " + upBound + ".." + downBound
                + ", so " + stabilized + limitNote + "; " + current + " -> " + desired;
        return new Outcome(rec, stabilized, desired, reason, message);
    }

    /** Records that the pool went from {@code from} to {@code to} workers at {@code now}, for the limits. */
    public void changed(Instant now, int from, int to) {
        if (from != to) {
            changes.addLast(new Change(now, to - from));
            prune(now);
        }
    }

    /**
     * The furthest count the limits of one direction allow from {@code current}: the largest change among them for
     * {@link ScalingRules.Select#MAX}, the smallest for {@code MIN}, none for {@code DISABLED}.
     */
    private int limit(Instant now, int current, boolean up) {
        ScalingRules rules = up ? policy.scaleUp() : policy.scaleDown();
        if (rules.select() == ScalingRules.Select.DISABLED) {
            return current;
        }
        // Growing, the largest change is the highest count; shrinking, the lowest.
        boolean highest = up == (rules.select() == ScalingRules.Select.MAX);
        long result = highest ? Long.MIN_VALUE : Long.MAX_VALUE;
        for (ScalingRules.Limit limit : rules.limits()) {
            long start = periodStart(now, current, limit.period());
            long proposed;
            if (limit.unit() == ScalingRules.Unit.WORKERS) {
                proposed = up ? start + limit.value() : start - limit.value();
            } else if (up) {
                // ceil(start × (1 + value/100)) in integers: the HPA rounds up so that a small pool can grow
                proposed = (start * (100L + limit.value()) + 99) / 100;
            } else {
                // floor(start × (1 - value/100)); a value above 100 may propose below zero, min bounds it
                proposed = Math.floorDiv(start * (100L - limit.value()), 100);
            }
            result = highest ? Math.max(result, proposed) : Math.min(result, proposed);
        }
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, result));
    }

    /** Workers at the start of the sliding period: the current count without the changes made within it. */
    private long periodStart(Instant now, int current, Duration period) {
        Instant cutoff = now.minus(period);
        long start = current;
        for (Change c : changes) {
            if (c.at.isAfter(cutoff)) {
                start -= c.delta;
            }
        }
        return start;
    }

    private void prune(Instant now) {
        Instant sampleCutoff = now.minus(sampleHorizon);
        for (Iterator<Sample> it = samples.iterator(); it.hasNext(); ) {
            if (!it.next().at.isAfter(sampleCutoff)) {
                it.remove();
            }
        }
        Instant changeCutoff = now.minus(changeHorizon);
        for (Iterator<Change> it = changes.iterator(); it.hasNext(); ) {
            if (!it.next().at.isAfter(changeCutoff)) {
                it.remove();
            }
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private record Sample(Instant at, int workers) {}

    private record Change(Instant at, int delta) {}
}
