package dev.scaleplane.api.slo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One evaluation of one SLO.
 *
 * @param service the SLO's service
 * @param slo the SLO's name
 * @param at the evaluation time (the platform clock)
 * @param budget the error budget over the SLO's whole window
 * @param burnRates the burn rate over every window the SLO's rules use, by window, shortest first
 * @param firing the rules whose long and short burn rates are both above their factor, in the definition's order
 */
public record SloStatus(
        String service,
        String slo,
        Instant at,
        ErrorBudget budget,
        Map<Duration, Double> burnRates,
        List<BurnRateRule> firing) {

    /** Copies the collections; the map keeps its windows sorted. */
    public SloStatus {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(slo, "slo");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(budget, "budget");
        burnRates = java.util.Collections.unmodifiableMap(new TreeMap<>(burnRates));
        firing = List.copyOf(firing);
    }

    /**
     * The burn rate over {@code window}.
     *
     * @throws IllegalArgumentException if no rule of the SLO uses that window
     */
    public double burnRate(Duration window) {
        Double rate = burnRates.get(window);
        if (rate == null) {
            throw new IllegalArgumentException(
                    "SLO " + slo + " measures no burn rate over " + window + "; windows: " + burnRates.keySet());
        }
        return rate;
    }
}
