package dev.scaleplane.adapters.http;

import dev.scaleplane.adapters.http.internal.RateLimitSignals;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Paces calls per credential, from what the servers say in their rate-limit headers, so adapters stay inside their
 * budget instead of hitting it. One budget per {@linkplain Authenticator#credentialKey() credential key}, shared by
 * every client and thread that uses the credential, as the server counts it.
 *
 * <ul>
 *   <li>With plenty left, calls go at once.
 *   <li>Once the remaining count falls to {@link Builder#slowdownBelow(double) a fraction} of the limit, the remaining
 *       calls are spread evenly over the time to the reset: each caller gets the next free slot.
 *   <li>With nothing left ({@code remaining: 0}), calls wait until the reset.
 *   <li>After a 429, or a GitHub 403 for its primary or secondary limit, calls wait for what the server named
 *       ({@code Retry-After}, the reset, or a minute for a secondary limit without either).
 * </ul>
 *
 * A wait longer than {@link Builder#maxWait(Duration)} is not taken: the call fails with {@link
 * dev.scaleplane.api.adapters.AdapterRateLimitedException} instead of hanging. Time comes from an injectable clock.
 *
 * <p>Thread-safe. {@link #shared()} is the process-wide instance clients use unless given another.
 */
public final class RateLimitGovernor {
    /** Default {@link Builder#slowdownBelow(double)}: spread calls once under 10% of the budget is left. */
    public static final double DEFAULT_SLOWDOWN_BELOW = 0.1;

    /** Default {@link Builder#maxWait(Duration)}: 5 minutes. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(5);

    private static final RateLimitGovernor SHARED = builder().build();

    private final Clock clock;
    private final double slowdownBelow;
    private final Duration maxWait;
    private final Map<String, Budget> budgets = new ConcurrentHashMap<>();

    private RateLimitGovernor(Builder b) {
        clock = b.clock;
        slowdownBelow = b.slowdownBelow;
        maxWait = b.maxWait;
    }

    /** The process-wide governor, on the system clock with the defaults. */
    public static RateLimitGovernor shared() {
        return SHARED;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The longest wait a call accepts before failing as rate-limited. */
    public Duration maxWait() {
        return maxWait;
    }

    /**
     * Reserves the next call of {@code credentialKey} and says how long to wait before sending it. A result longer
     * than {@link #maxWait()} reserves nothing: the caller must not send.
     */
    public Duration reserve(String credentialKey) {
        Budget budget = budgets.get(Objects.requireNonNull(credentialKey, "credentialKey"));
        return budget == null ? Duration.ZERO : budget.reserve(clock.instant());
    }

    /** Records what {@code response} says about the budget of {@code credentialKey}. */
    public void observe(String credentialKey, AdapterResponse response) {
        Objects.requireNonNull(response, "response");
        Instant now = clock.instant();
        var reported = RateLimitSignals.budget(response, now);
        var blockFor = RateLimitSignals.isRateLimited(response)
                ? RateLimitSignals.waitHint(response, now)
                : java.util.Optional.<Duration>empty();
        if (reported.isEmpty() && blockFor.isEmpty()) {
            return;
        }
        Budget budget = budgets.computeIfAbsent(credentialKey, k -> new Budget());
        reported.ifPresent(r -> budget.update(r.limit(), r.remaining(), r.reset()));
        blockFor.ifPresent(d -> budget.block(now.plus(d)));
    }

    /** The remaining count last reported for {@code credentialKey}, less calls reserved since; empty if unknown. */
    public OptionalDouble remaining(String credentialKey) {
        Budget budget = budgets.get(credentialKey);
        return budget == null ? OptionalDouble.empty() : budget.remaining();
    }

    /** One credential's budget. Guarded by its own monitor: reservations are short arithmetic. */
    private final class Budget {
        private long limit = -1;
        private long remaining = -1;
        private @Nullable Instant reset;
        private @Nullable Instant blockedUntil;
        private Instant nextSlot = Instant.EPOCH;

        synchronized void update(long limit, long remaining, Instant reset) {
            this.limit = limit;
            this.remaining = remaining;
            this.reset = reset;
        }

        synchronized void block(Instant until) {
            if (blockedUntil == null || until.isAfter(blockedUntil)) {
                blockedUntil = until;
            }
        }

        synchronized OptionalDouble remaining() {
            return remaining < 0 ? OptionalDouble.empty() : OptionalDouble.of(remaining);
        }

        synchronized Duration reserve(Instant now) {
            if (blockedUntil != null) {
                if (now.isBefore(blockedUntil)) {
                    return Duration.between(now, blockedUntil);
                }
                blockedUntil = null;
            }
            if (remaining < 0 || reset == null) {
                return Duration.ZERO;
            }
            if (!now.isBefore(reset)) {
                // The window has reset; the next response reports the new budget.
                remaining = -1;
                reset = null;
                return Duration.ZERO;
            }
            if (remaining == 0) {
                return Duration.between(now, reset);
            }
            double threshold = limit > 0 ? limit * slowdownBelow : 0;
            if (remaining > threshold) {
                remaining--;
                return Duration.ZERO;
            }
            Instant slot = nextSlot.isAfter(now) ? nextSlot : now;
            if (Duration.between(now, slot).compareTo(maxWait) > 0 || !slot.isBefore(reset)) {
                return Duration.between(now, slot.isBefore(reset) ? slot : reset);
            }
            // The calls left share the time from this slot to the reset evenly.
            nextSlot = slot.plus(Duration.between(slot, reset).dividedBy(remaining));
            remaining--;
            return Duration.between(now, slot);
        }
    }

    /** Builds a {@link RateLimitGovernor}. Not thread-safe. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private double slowdownBelow = DEFAULT_SLOWDOWN_BELOW;
        private Duration maxWait = DEFAULT_MAX_WAIT;

        private Builder() {}

        /** The clock that resets and waits are measured on. Default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Spread calls once the remaining count is at or under this fraction of the limit. Default {@value
         * #DEFAULT_SLOWDOWN_BELOW}; 0 never slows down before the budget is gone.
         */
        public Builder slowdownBelow(double fraction) {
            if (!(fraction >= 0 && fraction <= 1)) {
                throw new IllegalArgumentException("slowdownBelow must be in [0, 1], but was " + fraction);
            }
            this.slowdownBelow = fraction;
            return this;
        }

        /** The longest wait a call accepts; longer ones fail as rate-limited. Default 5 minutes. */
        public Builder maxWait(Duration maxWait) {
            Objects.requireNonNull(maxWait, "maxWait");
            if (maxWait.isNegative()) {
                throw new IllegalArgumentException("maxWait must be >= 0, but was " + maxWait);
            }
            this.maxWait = maxWait;
            return this;
        }

        /** The governor. */
        public RateLimitGovernor build() {
            return new RateLimitGovernor(this);
        }
    }
}
