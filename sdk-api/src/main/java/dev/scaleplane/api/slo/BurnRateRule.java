package dev.scaleplane.api.slo;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A multi-window burn-rate alerting rule (SRE Workbook, chapter "Alerting on SLOs"): it fires when the error budget
 * burns faster than {@code factor} over the {@code longWindow} <em>and</em> over the {@code shortWindow}; the short
 * window makes the alert reset soon after the burning stops.
 *
 * <p>A burn rate is the error ratio over a window divided by the error ratio the objective allows ({@code 1 -
 * objective}): 1.0 spends exactly the whole budget over the SLO's period. A rule fires when both burn rates are
 * strictly above {@code factor}, as the Workbook's {@code >} comparisons do.
 *
 * @param name unique within an SLO, e.g. {@code page-fast}
 * @param severity page or ticket
 * @param factor the burn-rate threshold, {@code > 0}
 * @param longWindow the window the rate is measured over
 * @param shortWindow the confirming window, shorter than {@code longWindow}
 */
public record BurnRateRule(String name, Severity severity, double factor, Duration longWindow, Duration shortWindow) {

    /** Share of the budget each default rule spends at its threshold over its long window: 2%, 5%, 10%, 10%. */
    private static final double[] DEFAULT_BUDGET_SHARES = {0.02, 0.05, 0.10, 0.10};

    /** Who is told when a rule fires. */
    public enum Severity {
        /** Wake someone up. */
        PAGE,
        /** File a ticket. */
        TICKET
    }

    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming the field, its value and what is expected
     */
    public BurnRateRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(longWindow, "longWindow");
        Objects.requireNonNull(shortWindow, "shortWindow");
        if (name.isBlank()) {
            throw new IllegalArgumentException("rule name must not be blank");
        }
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException(
                    "rule " + name + ": factor must be a finite number > 0, but was " + factor);
        }
        if (shortWindow.isNegative() || shortWindow.isZero() || shortWindow.compareTo(longWindow) >= 0) {
            throw new IllegalArgumentException(
                    "rule " + name + ": shortWindow must be > 0 and shorter than longWindow (" + longWindow
                            + "), but was " + shortWindow);
        }
    }

    /**
     * The Workbook's four rules for an SLO over {@code sloWindow}. For a 30-day window they are its table verbatim:
     * page {@code page-fast} 14.4x over 1h and 5m, page {@code page-slow} 6x over 6h and 30m, ticket {@code
     * ticket-fast} 3x over 1d and 2h, ticket {@code ticket-slow} 1x over 3d and 6h. Those factors are the rate that
     * spends 2%, 5%, 10% and 10% of the budget within the long window; for another period (a 28-day SLO) the windows
     * stay and the factors are recomputed to spend the same shares, {@code share * sloWindow / longWindow} (13.44,
     * 5.6, 2.8 and 0.933... for 28 days), as the Workbook derives them and as tools such as Sloth do.
     *
     * @throws IllegalArgumentException if {@code sloWindow} is not longer than 3 days
     */
    public static List<BurnRateRule> defaults(Duration sloWindow) {
        Objects.requireNonNull(sloWindow, "sloWindow");
        if (sloWindow.compareTo(Duration.ofDays(3)) <= 0) {
            throw new IllegalArgumentException(
                    "the default rules need an SLO window longer than 3 days, but was " + sloWindow);
        }
        Duration[][] windows = {
            {Duration.ofHours(1), Duration.ofMinutes(5)},
            {Duration.ofHours(6), Duration.ofMinutes(30)},
            {Duration.ofDays(1), Duration.ofHours(2)},
            {Duration.ofDays(3), Duration.ofHours(6)}
        };
        String[] names = {"page-fast", "page-slow", "ticket-fast", "ticket-slow"};
        Severity[] severities = {Severity.PAGE, Severity.PAGE, Severity.TICKET, Severity.TICKET};
        BurnRateRule[] rules = new BurnRateRule[4];
        for (int i = 0; i < 4; i++) {
            // Rounded to 1e-9 so that 30 days gives the Workbook's figures exactly (0.02 * 720 is 14.400000000000002).
            double factor = Math.round(DEFAULT_BUDGET_SHARES[i]
                            * sloWindow.getSeconds()
                            / (double) windows[i][0].getSeconds()
                            * 1e9)
                    / 1e9;
            rules[i] = new BurnRateRule(names[i], severities[i], factor, windows[i][0], windows[i][1]);
        }
        return List.of(rules);
    }
}
