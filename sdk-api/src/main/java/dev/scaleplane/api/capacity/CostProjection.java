package dev.scaleplane.api.capacity;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What a region's capacity costs at the configured {@link UnitPrices}, rounded to cents (half up).
 *
 * @param currency the prices' currency
 * @param perHourNow the region's allocatable CPU and memory now, per hour (node-hours are not known for existing nodes,
 *     so they are not in this figure)
 * @param perHourAdded the nodes the plan recommends adding, per hour: their CPU, memory and node-hour
 * @param overHorizon ({@code perHourNow} + {@code perHourAdded}) times the horizon's hours
 */
public record CostProjection(String currency, BigDecimal perHourNow, BigDecimal perHourAdded, BigDecimal overHorizon) {
    /** Validates. */
    public CostProjection {
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(perHourNow, "perHourNow");
        Objects.requireNonNull(perHourAdded, "perHourAdded");
        Objects.requireNonNull(overHorizon, "overHorizon");
    }
}
