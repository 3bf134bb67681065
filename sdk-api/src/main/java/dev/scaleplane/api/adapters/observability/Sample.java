package dev.scaleplane.api.adapters.observability;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One value of one series at one instant, as an instant query returns it.
 *
 * @param labels the series' labels (for Prometheus including {@code __name__} when the query keeps it); sorted, never
 *     null
 * @param at the sample's timestamp
 * @param value the value ({@code NaN} and infinities are possible: Prometheus returns them)
 */
public record Sample(Map<String, String> labels, Instant at, double value) {

    /** Copies the labels. */
    public Sample {
        labels = Labels.copy(labels);
        Objects.requireNonNull(at, "at");
    }
}
