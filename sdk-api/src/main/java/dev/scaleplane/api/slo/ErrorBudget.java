package dev.scaleplane.api.slo;

/**
 * The error budget of an SLO over its rolling window, from the SLI's good and total counts.
 *
 * <p>With objective {@code o}, the budget is the number of bad events the objective allows, {@code (1 - o) * total};
 * consumed is the number of bad events, {@code total - good}; the remaining fraction is {@code 1 - consumed / budget},
 * 1.0 untouched, 0 spent, negative overspent. With no events at all nothing is consumed and the fraction is 1.0.
 *
 * @param objective the SLO's objective, in (0, 1)
 * @param good good events in the window
 * @param total all events in the window
 */
public record ErrorBudget(double objective, double good, double total) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if the objective is not in (0, 1), a count is negative or not finite, or good
     *     exceeds total
     */
    public ErrorBudget {
        if (!(objective > 0 && objective < 1)) {
            throw new IllegalArgumentException("objective must be in (0, 1), but was " + objective);
        }
        if (!(good >= 0) || !(total >= 0) || Double.isInfinite(good) || Double.isInfinite(total)) {
            throw new IllegalArgumentException(
                    "good and total must be finite numbers >= 0, but were " + good + " and " + total);
        }
        if (good > total) {
            throw new IllegalArgumentException("good (" + good + ") must not exceed total (" + total + ")");
        }
    }

    /** Bad events allowed in the window: {@code (1 - objective) * total}. */
    public double budget() {
        return (1 - objective) * total;
    }

    /** Bad events in the window: {@code total - good}. */
    public double consumed() {
        return total - good;
    }

    /** The error ratio, {@code consumed / total}, 0 with no events. */
    public double errorRatio() {
        return total == 0 ? 0 : consumed() / total;
    }

    /** The SLI, {@code good / total}, 1.0 with no events. */
    public double sli() {
        return total == 0 ? 1 : good / total;
    }

    /** The share of the budget left: 1.0 untouched, 0 spent, negative overspent. */
    public double remaining() {
        return 1 - burnRate();
    }

    /** The burn rate over the window: {@code errorRatio / (1 - objective)}; 1.0 spends exactly the budget. */
    public double burnRate() {
        return errorRatio() / (1 - objective);
    }

    /** Whether the budget is spent: {@link #remaining()} {@code <= 0}. */
    public boolean depleted() {
        return remaining() <= 0;
    }
}
