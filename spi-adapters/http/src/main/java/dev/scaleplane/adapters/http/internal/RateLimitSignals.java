package dev.scaleplane.adapters.http.internal;

import dev.scaleplane.adapters.http.AdapterResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Reads the servers' rate-limit headers. The one place that knows the header families:
 *
 * <ul>
 *   <li>GitHub: {@code x-ratelimit-limit}, {@code x-ratelimit-remaining}, {@code x-ratelimit-reset} (epoch seconds);
 *   <li>GitLab: {@code RateLimit-Limit}, {@code RateLimit-Remaining}, {@code RateLimit-Reset} (epoch seconds);
 *   <li>Linear: {@code X-RateLimit-Requests-Limit}, {@code -Remaining}, {@code -Reset} (epoch milliseconds), and the
 *       complexity budget {@code X-RateLimit-Complexity-Limit}, {@code -Remaining}, {@code -Reset} beside it;
 *   <li>Jira Cloud: {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining}, and {@code X-RateLimit-Reset} as an ISO
 *       8601 date-time ({@code 2026-03-01T10:01Z}), with {@code Retry-After} and {@code RateLimit-Reason} on 429s;
 *   <li>{@code Retry-After} (RFC 9110: delay seconds or an HTTP date) on 429, 503 and GitHub's secondary limits.
 * </ul>
 *
 * A reset value is read as epoch milliseconds above 10^11, epoch seconds above 10^9, else seconds from now (the IETF
 * RateLimit draft's form), or, when it is not a number, as an ISO 8601 date-time with an offset (Jira's form), so one
 * parser serves every family. When a response reports several budgets (Linear's requests and complexity points), an
 * exhausted one wins, so that calls wait for the budget that is gone; else the first family present (the request
 * count, whose remaining calls the governor can pace).
 */
public final class RateLimitSignals {
    /** GitHub: "wait at least one minute" when a secondary limit names no time. */
    static final Duration SECONDARY_DEFAULT = Duration.ofMinutes(1);

    private static final String[][] FAMILIES = {
        {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"},
        {"ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"},
        {"x-ratelimit-requests-limit", "x-ratelimit-requests-remaining", "x-ratelimit-requests-reset"},
        {"x-ratelimit-complexity-limit", "x-ratelimit-complexity-remaining", "x-ratelimit-complexity-reset"}
    };

    /** Budget as the server reported it; -1 for an unknown limit. */
    public record Budget(long limit, long remaining, Instant reset) {}

    private RateLimitSignals() {}

    /**
     * The budget of the first header family present with a remaining count and a reset, unless another family present
     * is exhausted (remaining 0): then that one.
     */
    public static Optional<Budget> budget(AdapterResponse response, Instant now) {
        @Nullable Budget first = null;
        for (String[] family : FAMILIES) {
            OptionalLong remaining = number(response, family[1]);
            Optional<Instant> reset = reset(response, family[2], now);
            if (remaining.isPresent() && reset.isPresent()) {
                Budget budget = new Budget(number(response, family[0]).orElse(-1), remaining.getAsLong(), reset.get());
                if (budget.remaining() <= 0) {
                    return Optional.of(budget);
                }
                if (first == null) {
                    first = budget;
                }
            }
        }
        return Optional.ofNullable(first);
    }

    /**
     * Whether the response says the credential is rate-limited: 429, or a 403 with {@code Retry-After}, with a
     * remaining count of 0, or whose body names a rate limit (GitHub's primary and secondary limits).
     */
    public static boolean isRateLimited(AdapterResponse response) {
        if (response.status() == 429) {
            return true;
        }
        if (response.status() != 403) {
            return false;
        }
        return response.header("Retry-After").isPresent()
                || budget(response, Instant.EPOCH).map(b -> b.remaining() == 0).orElse(false)
                || response.bodyAsString().toLowerCase(Locale.ROOT).contains("rate limit");
    }

    /**
     * How long a rate-limited response says to wait: {@code Retry-After}; else, with no budget left, until the reset;
     * else one minute for a GitHub secondary limit. Empty when the response names no wait.
     */
    public static Optional<Duration> waitHint(AdapterResponse response, Instant now) {
        Optional<Duration> retryAfter = retryAfter(response, now);
        if (retryAfter.isPresent()) {
            return retryAfter;
        }
        Optional<Budget> budget = budget(response, now);
        if (budget.isPresent() && budget.get().remaining() == 0) {
            return Optional.of(positive(Duration.between(now, budget.get().reset())));
        }
        if (response.status() == 403
                && response.bodyAsString().toLowerCase(Locale.ROOT).contains("secondary rate limit")) {
            return Optional.of(SECONDARY_DEFAULT);
        }
        return Optional.empty();
    }

    /** {@code Retry-After} as a duration from {@code now}, if present and readable. */
    public static Optional<Duration> retryAfter(AdapterResponse response, Instant now) {
        Optional<String> value = response.header("Retry-After").map(String::trim);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.get()))));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                return Optional.of(positive(Duration.between(now, at)));
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    /** A reset header: a number as {@link #instant} reads it, or an ISO 8601 date-time with an offset (Jira Cloud). */
    private static Optional<Instant> reset(AdapterResponse response, String header, Instant now) {
        OptionalLong number = number(response, header);
        if (number.isPresent()) {
            return Optional.of(instant(number.getAsLong(), now));
        }
        Optional<String> value = response.header(header).map(String::trim);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value.get()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Instant instant(long value, Instant now) {
        if (value > 100_000_000_000L) {
            return Instant.ofEpochMilli(value);
        }
        if (value > 1_000_000_000L) {
            return Instant.ofEpochSecond(value);
        }
        return now.plusSeconds(value);
    }

    private static OptionalLong number(AdapterResponse response, String header) {
        Optional<String> v = response.header(header);
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v.get().trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
